// The environment, read once and validated: the shared variables below, and for each port its
// choice (AUTH, STORAGE, INDEX, TAGGER) and the variables of every adapter src/registry.ts lists.
// Nothing else in pixtag reads process.env. loadConfig either returns a complete Config or throws
// one ConfigError naming every bad variable.
import { availableParallelism } from 'node:os';
import * as z from 'zod';
import type { SharedVariables } from './adapter-descriptor.js';
import { httpUrl, integer, name } from './env-schemas.js';
import {
  adapterFor,
  PORT_VARIABLES,
  processingFor,
  registry,
  type PortVariable,
} from './registry.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The shared variables; each adapter's own are in its descriptor (src/registry.ts lists them). */
const Shared = z.object({
  PORT: integer(1, 65535).default(3000),
  PUBLIC_URL: httpUrl.optional(),
  DATA_DIR: name.default('./data'),
  AWS_REGION: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
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

type Shared = z.output<typeof Shared>;
/** What the composed schema outputs: the shared variables, each port's choice, and the rest. */
type Environment = Shared & Record<PortVariable, string> & Record<string, unknown>;

/** "local or s3"; "local, clarifai or rekognition". */
const alternatives = (kinds: readonly string[]) =>
  kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` : `${kinds[0]}`;

/** Each port's variable (AUTH…) followed by the variables of its adapters. */
function portVariables(): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const variable of PORT_VARIABLES) {
    const kinds = registry[variable].map((adapter) => adapter.kind) as [string, ...string[]];
    shape[variable] = z.enum(kinds, { error: `must be ${alternatives(kinds)}` }).default(kinds[0]);
    for (const adapter of registry[variable]) {
      for (const [key, schema] of Object.entries<z.ZodType>(adapter.envSchema.shape)) {
        if (key in shape || key in Shared.shape)
          throw new Error(`${key} is declared twice (${variable}=${adapter.kind})`);
        shape[key] = schema;
      }
    }
  }
  return shape;
}

// Every variable in one schema, so one ConfigError names every bad one. Problems are listed in
// this order: where pixtag runs, then each port's variables, then the rest.
const { PORT, PUBLIC_URL, DATA_DIR, AWS_REGION, ...rest } = Shared.shape;
const Environment = z.object({
  PORT,
  PUBLIC_URL,
  DATA_DIR,
  AWS_REGION,
  ...portVariables(),
  ...rest,
});

/** What a port's chosen adapter made of its variables: Config.auth, Config.storage… */
type ChoiceOf<V extends PortVariable> = (typeof registry)[V][number] extends infer Adapter
  ? Adapter extends { readonly kind: infer Kind; settings(...args: never[]): infer Settings }
    ? { kind: Kind } & Settings
    : never
  : never;

export type AuthConfig = ChoiceOf<'AUTH'>;
export type StorageConfig = ChoiceOf<'STORAGE'>;
export type IndexConfig = ChoiceOf<'INDEX'>;
export type TaggerConfig = ChoiceOf<'TAGGER'>;

export interface Config {
  port: number;
  /** Base of local upload/download URLs and the local token issuer, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  auth: AuthConfig;
  storage: StorageConfig;
  index: IndexConfig;
  tagger: TaggerConfig;
  /** AWS_REGION, for the AWS adapters' SDK clients. */
  awsRegion: string | undefined;
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
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    );
  }
  const e = parsed.data as Environment;
  const problems: string[] = [];
  const choices = chosenSettings(e, problems);
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return {
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir: e.DATA_DIR,
    ...choices,
    awsRegion: e.AWS_REGION,
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

/**
 * Each port's chosen adapter's settings, under the variable's name in lower case; each variable
 * the choice makes required but is missing goes to `problems`.
 */
function chosenSettings(e: Environment, problems: string[]): Pick<Config, Lowercase<PortVariable>> {
  const sharedFor = (choice: string): SharedVariables => ({
    region: e.AWS_REGION,
    uploadFunctionName: e.UPLOAD_FUNCTION_NAME,
    need: <T>(variable: string, value: T | undefined, when = choice): T => {
      if (value === undefined) problems.push(`${variable} is required when ${when}`);
      return value as T;
    },
  });
  const choices: Record<string, object> = {};
  for (const variable of PORT_VARIABLES) {
    const kind = e[variable];
    const adapter = adapterFor(variable, kind);
    const shared = sharedFor(`${variable}=${kind}`);
    choices[variable.toLowerCase()] = { kind, ...adapter.settings(e, shared) };
    // The store brings its ProcessingQueue, whose needs the same choice makes required.
    if ('processing' in adapter) processingFor(adapter).requires?.(shared);
  }
  return choices as Pick<Config, Lowercase<PortVariable>>;
}
