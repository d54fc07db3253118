// The environment, read once and validated. Nothing else in pixtag reads process.env.
// loadConfig either returns a complete Config or throws one ConfigError naming every bad variable.
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
    message: 'must be an http(s) URL such as http://localhost:3000',
  })
  .transform((value) => value.replace(/\/+$/, ''));

const Environment = z.object({
  PORT: integer(1, 65535).default(3000),
  PUBLIC_URL: httpUrl.optional(),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  AUTH: z.enum(['local'], { error: 'must be local' }).default('local'),
  STORAGE: z.enum(['local'], { error: 'must be local' }).default('local'),
  INDEX: z.enum(['sqlite'], { error: 'must be sqlite' }).default('sqlite'),
  TAGGER: z.enum(['local'], { error: 'must be local' }).default('local'),
  TAG_MIN_CONFIDENCE: z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, 'must be a number from 0 to 1')
    .max(1, 'must be a number from 0 to 1')
    .optional(),
  TAG_MAX: integer(1, 100).default(10),
  // 5 GiB: the largest object one S3 PUT accepts.
  MAX_UPLOAD_BYTES: integer(1, 5 * 1024 ** 3).default(10 * 1024 * 1024),
  // 7 days: the longest lifetime S3 allows a presigned URL.
  UPLOAD_URL_TTL_SECONDS: integer(1, 7 * 24 * 3600).default(900),
  CORS_ORIGIN: z
    .string()
    .trim()
    .default('*')
    .refine(
      (value) =>
        value === '*' ||
        value.split(',').every((origin) => /^https?:\/\/[^\s/]+$/i.test(origin.trim())),
      { message: 'must be * or a comma-separated list of origins such as https://app.example.com' },
    ),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
});

export interface Config {
  port: number;
  /** Base of local upload/download URLs and the local token issuer, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  auth: 'local';
  storage: 'local';
  index: 'sqlite';
  tagger: 'local';
  /** undefined: the tagger's own default. */
  tagMinConfidence: number | undefined;
  tagMax: number;
  maxUploadBytes: number;
  uploadUrlTtlSeconds: number;
  /** '*' or the list of allowed origins. */
  corsOrigin: '*' | string[];
  logLevel: (typeof LOG_LEVELS)[number];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/** Reads the variables of DESIGN.md from env (empty strings count as unset). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(Environment.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = Environment.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir: e.DATA_DIR,
    auth: e.AUTH,
    storage: e.STORAGE,
    index: e.INDEX,
    tagger: e.TAGGER,
    tagMinConfidence: e.TAG_MIN_CONFIDENCE,
    tagMax: e.TAG_MAX,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    uploadUrlTtlSeconds: e.UPLOAD_URL_TTL_SECONDS,
    corsOrigin: e.CORS_ORIGIN === '*' ? '*' : e.CORS_ORIGIN.split(',').map((o) => o.trim()),
    logLevel: e.LOG_LEVEL,
  };
}
