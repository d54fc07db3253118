# syntax=docker/dockerfile:1
# pixtag's plain server in a container: `docker run -p 3000:3000 -v pixtag-data:/data pixtag`.
# Node 22 (the Lambda runtime's version); better-sqlite3 12 and sharp support it.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Toolchain for better-sqlite3 when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-web.mjs ./scripts/
# Only the plain server and the web gallery are built here; the Lambda bundle is not needed.
RUN npm run -s build:server && npm prune --omit=dev

FROM node:22-bookworm-slim
# MALLOC_ARENA_MAX: glibc gives each thread (model threads, the text reader, sharp's) its own
# malloc arena and keeps what they free; two arenas keep the server near 550 MiB instead of
# growing past 740 (BENCHMARKS.md, "Memory"). npm start sets the same.
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
# The code is root-owned and read-only to the app; only /data is writable.
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node as PID 1 receives SIGTERM itself and shuts down gracefully (src/server.ts).
CMD ["node", "dist/server.js"]
