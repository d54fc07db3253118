// The Clarifai tagger's personal access token: given as CLARIFAI_PAT, or read from an SSM
// SecureString (CLARIFAI_PAT_PARAMETER) once per container, so the key never sits in the
// function's environment. Knows SSM and nothing of Clarifai; @aws-sdk/client-ssm loads on first read.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { TransientError } from '../domain/errors.js';

export interface ClarifaiPatOptions {
  pat?: string | undefined;
  patParameter?: string;
  /** For the SSM client that reads patParameter; unset: the SDK's own resolution (AWS_REGION). */
  region?: string;
  /** For tests: reads patParameter instead of a client built from `region`. */
  ssmClient?: Pick<SSMClient, 'send'>;
}

/** An operator must fix these; another read cannot help. */
const SSM_CONFIGURATION_ERRORS = new Set([
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'AccessDeniedException',
  'InvalidKeyId',
]);

export function assertPat(options: ClarifaiPatOptions): void {
  if (!options.pat && !options.patParameter) {
    throw new Error('The Clarifai tagger needs CLARIFAI_PAT or CLARIFAI_PAT_PARAMETER.');
  }
}

export class ClarifaiPat {
  readonly #options: ClarifaiPatOptions;
  #pat: Promise<string> | undefined;
  #ssm: Pick<SSMClient, 'send'> | undefined;

  constructor(options: ClarifaiPatOptions) {
    assertPat(options);
    this.#options = options;
  }

  /** Where an operator fixes a PAT Clarifai refused. */
  get source(): string {
    const { patParameter } = this.#options;
    return patParameter ? `the SSM parameter ${patParameter}` : 'CLARIFAI_PAT';
  }

  /** Read once per container; concurrent callers share the read; a failed read is tried again. */
  value(): Promise<string> {
    const { pat, patParameter } = this.#options;
    if (pat) return Promise.resolve(pat);
    this.#pat ??= this.#readParameter(patParameter!).catch((error: unknown) => {
      this.#pat = undefined;
      throw error;
    });
    return this.#pat;
  }

  /** Clarifai refused it: read the parameter again next time, so fixing it needs no redeploy. */
  forget(): void {
    this.#pat = undefined;
  }

  close(): void {
    if (this.#ssm && !this.#options.ssmClient) (this.#ssm as SSMClient).destroy();
  }

  async #readParameter(name: string): Promise<string> {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const region = this.#options.region;
    this.#ssm ??= this.#options.ssmClient ?? new SSMClient(region ? { region } : {});
    let value: string | undefined;
    try {
      const out = await this.#ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      value = out.Parameter?.Value;
    } catch (error) {
      const kind = error instanceof Error ? error.name : 'unknown error';
      const message = `The Clarifai PAT could not be read from the SSM parameter ${name}: ${kind}`;
      if (SSM_CONFIGURATION_ERRORS.has(kind)) throw new Error(message, { cause: error });
      throw new TransientError(message, { cause: error });
    }
    if (!value?.trim()) throw new Error(`The SSM parameter ${name} holds no Clarifai PAT.`);
    return value.trim();
  }
}
