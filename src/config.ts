// The environment, read once and validated. Nothing else in pixtag reads process.env.
// loadConfig either returns a complete Config or throws one ConfigError naming every bad variable.
import { availableParallelism } from 'node:os';
import * as z from 'zod';

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

const name = z.string().trim().min(1, 'must not be empty');

const Environment = z.object({
  PORT: integer(1, 65535).default(3000),
  PUBLIC_URL: httpUrl.optional(),
  DATA_DIR: name.default('./data'),
  AUTH: z.enum(['local', 'cognito'], { error: 'must be local or cognito' }).default('local'),
  COGNITO_USER_POOL_ID: z
    .string()
    .trim()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must look like eu-west-1_AbCdEf123')
    .optional(),
  COGNITO_CLIENT_ID: name.optional(),
  COGNITO_ENDPOINT: httpUrl.optional(),
  AWS_REGION: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
    .optional(),
  STORAGE: z.enum(['local', 's3'], { error: 'must be local or s3' }).default('local'),
  S3_BUCKET: name.optional(),
  S3_ENDPOINT: httpUrl.optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1')
    .optional(),
  INDEX: z
    .enum(['sqlite', 'opensearch'], { error: 'must be sqlite or opensearch' })
    .default('sqlite'),
  OPENSEARCH_URL: httpUrl.optional(),
  OPENSEARCH_INDEX: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,199}$/, 'must be a lower-case OpenSearch index name')
    .default('images'),
  OPENSEARCH_AWS_SERVICE: z.enum(['es', 'aoss'], { error: 'must be es or aoss' }).optional(),
  TAGGER: z.enum(['local', 'clarifai'], { error: 'must be local or clarifai' }).default('local'),
  CLARIFAI_PAT: name.optional(),
  CLARIFAI_PAT_PARAMETER: name.optional(),
  CLARIFAI_ENDPOINT: z
    .string()
    .trim()
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, such as 127.0.0.1:50051')
    .optional(),
  UPLOAD_FUNCTION_NAME: name.optional(),
  TAG_MIN_CONFIDENCE: z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, 'must be a number from 0 to 1')
    .max(1, 'must be a number from 0 to 1')
    .optional(),
  TAG_MAX: integer(1, 100).default(10),
  // Each thread holds its own model (about 150 MiB of RSS): 64 is far past any useful core count.
  TAG_WORKERS: integer(1, 64).optional(),
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

type Environment = z.output<typeof Environment>;

export type AuthConfig =
  | { kind: 'local' }
  | { kind: 'cognito'; userPoolId: string; clientId: string; region: string; endpoint?: string };
export type StorageConfig =
  | { kind: 'local' }
  | { kind: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle: boolean };
export type IndexConfig =
  | { kind: 'sqlite' }
  | { kind: 'opensearch'; url: string; index: string; awsService?: 'es' | 'aoss'; region?: string };
export type TaggerConfig =
  { kind: 'local' } | { kind: 'clarifai'; pat?: string; patParameter?: string; endpoint?: string };

export interface Config {
  port: number;
  /** Base of local upload/download URLs and the local token issuer, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  auth: AuthConfig;
  storage: StorageConfig;
  index: IndexConfig;
  tagger: TaggerConfig;
  /** AWS: the onUpload function that `api` invokes to retag. */
  uploadFunctionName: string | undefined;
  /** undefined: the tagger's own default. */
  tagMinConfidence: number | undefined;
  tagMax: number;
  /** Local model: tagging threads, each with its own model; the local worker runs as many jobs. */
  tagWorkers: number;
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
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = Environment.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  if (parsed.success) problems.push(...missingForChoices(parsed.data));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return toConfig(parsed.data);
}

/** The variables an adapter choice makes required. */
function missingForChoices(e: Environment): string[] {
  const problems: string[] = [];
  const need = (variable: keyof Environment, when: string) => {
    if (e[variable] === undefined) problems.push(`${variable} is required when ${when}`);
  };
  if (e.AUTH === 'cognito') {
    need('COGNITO_USER_POOL_ID', 'AUTH=cognito');
    need('COGNITO_CLIENT_ID', 'AUTH=cognito');
    need('AWS_REGION', 'AUTH=cognito');
  }
  if (e.STORAGE === 's3') {
    need('S3_BUCKET', 'STORAGE=s3');
    need('AWS_REGION', 'STORAGE=s3');
    // With S3, uploads are processed by the onUpload function; a retag asks it directly.
    need('UPLOAD_FUNCTION_NAME', 'STORAGE=s3');
  }
  if (e.INDEX === 'opensearch') {
    need('OPENSEARCH_URL', 'INDEX=opensearch');
    if (e.OPENSEARCH_AWS_SERVICE) need('AWS_REGION', 'OPENSEARCH_AWS_SERVICE is set');
  }
  if (e.TAGGER === 'clarifai' && !e.CLARIFAI_PAT && !e.CLARIFAI_PAT_PARAMETER) {
    problems.push('CLARIFAI_PAT or CLARIFAI_PAT_PARAMETER is required when TAGGER=clarifai');
  }
  if (e.TAGGER === 'clarifai' && e.CLARIFAI_PAT_PARAMETER)
    need('AWS_REGION', 'CLARIFAI_PAT_PARAMETER is set');
  return [...new Set(problems)];
}

function toConfig(e: Environment): Config {
  const region = e.AWS_REGION!;
  return {
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir: e.DATA_DIR,
    auth:
      e.AUTH === 'cognito'
        ? {
            kind: 'cognito',
            userPoolId: e.COGNITO_USER_POOL_ID!,
            clientId: e.COGNITO_CLIENT_ID!,
            region,
            ...(e.COGNITO_ENDPOINT ? { endpoint: e.COGNITO_ENDPOINT } : {}),
          }
        : { kind: 'local' },
    storage:
      e.STORAGE === 's3'
        ? {
            kind: 's3',
            bucket: e.S3_BUCKET!,
            region,
            ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
            forcePathStyle: e.S3_FORCE_PATH_STYLE ?? false,
          }
        : { kind: 'local' },
    index:
      e.INDEX === 'opensearch'
        ? {
            kind: 'opensearch',
            url: e.OPENSEARCH_URL!,
            index: e.OPENSEARCH_INDEX,
            ...(e.OPENSEARCH_AWS_SERVICE ? { awsService: e.OPENSEARCH_AWS_SERVICE, region } : {}),
          }
        : { kind: 'sqlite' },
    tagger:
      e.TAGGER === 'clarifai'
        ? {
            kind: 'clarifai',
            ...(e.CLARIFAI_PAT ? { pat: e.CLARIFAI_PAT } : {}),
            ...(e.CLARIFAI_PAT_PARAMETER ? { patParameter: e.CLARIFAI_PAT_PARAMETER } : {}),
            ...(e.CLARIFAI_ENDPOINT ? { endpoint: e.CLARIFAI_ENDPOINT } : {}),
          }
        : { kind: 'local' },
    uploadFunctionName: e.UPLOAD_FUNCTION_NAME,
    tagMinConfidence: e.TAG_MIN_CONFIDENCE,
    tagMax: e.TAG_MAX,
    tagWorkers: e.TAG_WORKERS ?? Math.max(1, availableParallelism()),
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    uploadUrlTtlSeconds: e.UPLOAD_URL_TTL_SECONDS,
    corsOrigin: e.CORS_ORIGIN === '*' ? '*' : e.CORS_ORIGIN.split(',').map((o) => o.trim()),
    logLevel: e.LOG_LEVEL,
  };
}
