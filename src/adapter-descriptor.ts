// What an adapter exports to be found: one descriptor saying which value of its port's variable
// picks it (`kind`), which variables are its own (`envSchema`), how they become its part of Config
// (`settings`), and how it is built (`create`). src/registry.ts lists the descriptors; config.ts
// composes their schemas; adapters.ts looks up the chosen ones. Descriptors are read at every
// start, so a descriptor module imports zod, this module, env-schemas.ts, lazy-port.ts and types
// only (test/unit/registry.test.ts checks): `create` imports the adapter's own module (its SDK,
// native code or model) when the adapter is built.
import type * as z from 'zod';
import type { ImageCatalog } from './catalog/image-catalog.js';
import type { Db } from './db/database.js';
import type { IdentityProvider } from './identity/identity-provider.js';
import type { LocalProcessingQueue } from './jobs/local-processing.js';
import type { ProcessingQueue } from './jobs/processing-queue.js';
import type { BlobStore } from './storage/blob-store.js';
import type { Logger } from './logger.js';
import type { LocalBlobStore } from './storage/local.js';
import type { Tagger } from './tagging/tagger.js';

/** The shared variables an adapter's settings may use, and how it says one is missing. */
export interface SharedVariables {
  /** AWS_REGION. */
  region: string | undefined;
  /** UPLOAD_FUNCTION_NAME. */
  uploadFunctionName: string | undefined;
  /**
   * `value`, or, when it is undefined, the problem "<variable> is required when <when>" (by
   * default the choice that picked this adapter, such as STORAGE=s3). loadConfig then throws with
   * every such problem, so the settings made from the undefined are never used.
   */
  need: <T>(variable: string, value: T | undefined, when?: string) => T;
}

/** What every adapter is built with, beside its own settings. */
export interface AdapterContext {
  dataDir: string;
  /** PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  /** AWS_REGION, for the SDK clients of AWS adapters. */
  region: string | undefined;
  uploadFunctionName: string | undefined;
  uploadUrlTtlSeconds: number;
  tagWorkers: number;
  /** The SQLite database in DATA_DIR, opened on the first call and shared by the local adapters. */
  database: () => Promise<Db>;
  /** For what an adapter gets past without failing a request (a text it could not read). */
  log: Logger;
}

export interface AdapterDescriptor<
  Port,
  Kind extends string = string,
  Variables extends z.ZodObject = z.ZodObject,
  Settings extends object = object,
> {
  readonly kind: Kind;
  /** Its own variables, all optional or defaulted: they are checked whichever adapter is chosen. */
  readonly envSchema: Variables;
  // Method syntax on purpose: the parameters are then bivariant, so every descriptor of a port
  // fits one registry list. Sound in use: config.ts hands settings() the parsed variables, which
  // hold this adapter's own, and adapters.ts hands create() what this adapter's settings() made.
  /** Its part of Config (config.auth, config.storage…), without `kind`, when it is the one chosen. */
  settings(variables: z.output<Variables>, shared: SharedVariables): Settings;
  create(settings: Settings, context: AdapterContext): Promise<Port>;
}

/** STORAGE: the BlobStore, and the local store again when this app serves its URLs (/files/*). */
export interface StoragePorts {
  blobs: BlobStore;
  localFiles?: LocalBlobStore;
}

/** The ProcessingQueue, and the local queue again when this process runs its worker. */
export interface ProcessingPorts {
  processing: ProcessingQueue;
  localQueue?: LocalProcessingQueue;
}

/** The ProcessingQueues, by kind (src/registry.ts processingQueues). */
export type ProcessingKind = 'local' | 'lambda';

export interface StorageDescriptor<
  Kind extends string = string,
  Variables extends z.ZodObject = z.ZodObject,
  Settings extends object = object,
> extends AdapterDescriptor<StoragePorts, Kind, Variables, Settings> {
  /**
   * The ProcessingQueue that goes with this store: who hears that an upload arrived. The app
   * itself for the files it receives (local); for S3, its events reach the onUpload function.
   */
  readonly processing: ProcessingKind;
}

/** A ProcessingQueue is chosen by the store (StorageDescriptor.processing), not by a variable. */
export interface ProcessingDescriptor<Kind extends ProcessingKind = ProcessingKind> {
  readonly kind: Kind;
  /** The shared variables it cannot do without, named through need() like a store's own. */
  requires?(shared: SharedVariables): void;
  create(context: AdapterContext): Promise<ProcessingPorts>;
}

/** The descriptor of an adapter of `Port`, with its kind, variables and settings inferred. */
function adapterOf<Port>() {
  return <const Kind extends string, Variables extends z.ZodObject, Settings extends object>(
    descriptor: AdapterDescriptor<Port, Kind, Variables, Settings>,
  ) => descriptor;
}

export const identityAdapter = adapterOf<IdentityProvider>();
export const catalogAdapter = adapterOf<ImageCatalog>();
/** TAGGER: a Tagger, and what it can emit, known without loading its model (GET /vocabulary). */
export interface TaggerDescriptor<
  Kind extends string = string,
  Variables extends z.ZodObject = z.ZodObject,
  Settings extends object = object,
> extends AdapterDescriptor<Tagger, Kind, Variables, Settings> {
  /** Every name it can emit with these settings, broader words included; null: open. */
  vocabulary(settings: Settings): Promise<readonly string[] | null>;
}

export function taggerAdapter<
  const Kind extends string,
  Variables extends z.ZodObject,
  Settings extends object,
>(
  descriptor: TaggerDescriptor<Kind, Variables, Settings>,
): TaggerDescriptor<Kind, Variables, Settings> {
  return descriptor;
}

export function storageAdapter<
  const Kind extends string,
  Variables extends z.ZodObject,
  Settings extends object,
>(
  descriptor: StorageDescriptor<Kind, Variables, Settings>,
): StorageDescriptor<Kind, Variables, Settings> {
  return descriptor;
}

export function processingAdapter<const Kind extends ProcessingKind>(
  descriptor: ProcessingDescriptor<Kind>,
): ProcessingDescriptor<Kind> {
  return descriptor;
}
