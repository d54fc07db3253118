#!/usr/bin/env bash
# Runs the README's walkthrough verbatim (the sh blocks between the walkthrough markers) against
# a fresh `npm start` on the embedded defaults, and checks it ends with the photo tagged.
# Usage: scripts/readme-walkthrough.sh   (from the repository root; needs curl and jq)
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server_pid=
# npm does not pass signals on to the server, so the server runs in a process group of its own
# and signals go to the whole group.
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM -- "-$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The walkthrough uses the defaults (port 3000, ./data); a private DATA_DIR keeps the developer's own.
if curl -s -o /dev/null http://localhost:3000/health; then echo "port 3000 is already in use"; exit 1; fi
DATA_DIR="$work/data" setsid npm start >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf http://localhost:3000/health >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done

awk '/<!-- walkthrough:start -->/{on=1} /<!-- walkthrough:end -->/{on=0}
     on && /^```sh$/{code=1; next} code && /^```$/{code=0; next} code' README.md >"$work/walkthrough.sh"

set +e
timeout 300 bash -euo pipefail "$work/walkthrough.sh" | tee "$work/out.txt"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then echo "walkthrough failed ($status)"; tail -50 "$work/server.log"; exit 1; fi
if ! tail -1 "$work/out.txt" | grep -q '"status":"tagged","tags":\[[^]]*"person"'; then
  echo "walkthrough did not end with the photo tagged 'person'"; tail -50 "$work/server.log"; exit 1
fi
kill -TERM -- "-$server_pid"
wait "$server_pid" || true
# npm exits on SIGTERM at once, without waiting for the server: wait for the whole group (the
# server finishes its jobs and stops its tagging threads first), for at most 15 s.
for _ in $(seq 1 150); do kill -0 -- "-$server_pid" 2>/dev/null || break; sleep 0.1; done
server_pid=
grep -q '"msg":"stopped"' "$work/server.log" || { echo "the server did not stop cleanly"; tail -20 "$work/server.log"; exit 1; }
echo "README walkthrough: ok (the server stopped cleanly on SIGTERM)"
