// The OpenSearch client pixtag talks through, and its edge: SigV4 signing when asked, and the
// translation of the client's errors into TransientError (worth a retry) or a plain Error.
import OpenSearch from '@opensearch-project/opensearch';
import type { Client } from '@opensearch-project/opensearch';
import { DomainError, TransientError } from '../domain/errors.js';

const { errors } = OpenSearch;

/** The AWS credentials SigV4 signs with (structurally the AWS SDK's AwsCredentialIdentity). */
export type CredentialsProvider = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

export interface OpenSearchCatalogOptions {
  url: string;
  index: string;
  /** Sign requests with SigV4 for this service: `es` (a domain) or `aoss` (Serverless). */
  awsService?: 'es' | 'aoss';
  region?: string;
  /** Defaults to the AWS SDK's default chain (environment, profile, container or instance role). */
  credentials?: CredentialsProvider;
  /** For tests: a ready client (url, awsService and credentials are then ignored). */
  client?: Client;
}

export async function createClient(options: OpenSearchCatalogOptions): Promise<Client> {
  if (options.awsService === undefined) return new OpenSearch.Client({ node: options.url });
  if (!options.region) throw new Error('OpenSearch SigV4 signing needs a region.');
  // Loaded only when signing: the default credential chain is a sizeable part of the AWS SDK.
  const { AwsSigv4Signer } = await import('@opensearch-project/opensearch/aws');
  const credentials =
    options.credentials ?? (await import('@aws-sdk/credential-provider-node')).defaultProvider();
  return new OpenSearch.Client({
    node: options.url,
    ...AwsSigv4Signer({
      region: options.region,
      service: options.awsService,
      getCredentials: credentials,
    }),
  });
}

export const statusOf = (error: unknown): number | undefined =>
  error instanceof errors.ResponseError ? (error.meta.statusCode ?? undefined) : undefined;

export function errorType(error: unknown): string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const type = (error.body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === 'string' ? type : undefined;
}

export async function translated<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw translate(error);
  }
}

/** The edge: nothing above this module sees the client's error classes. */
export function translate(error: unknown): Error {
  if (error instanceof DomainError || error instanceof TransientError) return error;
  const status = statusOf(error);
  if (status === 429 || (status !== undefined && status >= 500)) {
    return new TransientError(`OpenSearch is unavailable (HTTP ${status}).`, { cause: error });
  }
  const { ConnectionError, TimeoutError, NoLivingConnectionsError, RequestAbortedError } = errors;
  const unreachable = [
    ConnectionError,
    TimeoutError,
    NoLivingConnectionsError,
    RequestAbortedError,
  ];
  if (unreachable.some((type) => error instanceof type)) {
    return new TransientError('OpenSearch cannot be reached.', { cause: error });
  }
  const what = status === undefined ? 'failed' : `answered HTTP ${status} (${errorType(error)})`;
  return new Error(`An OpenSearch request ${what}.`, { cause: error });
}
