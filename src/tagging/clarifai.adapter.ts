// TAGGER=clarifai: Clarifai's general model over gRPC (tagging/clarifai.ts), its PAT given as
// CLARIFAI_PAT or read from the SSM parameter CLARIFAI_PAT_PARAMETER (in AWS_REGION).
import * as z from 'zod';
import { taggerAdapter } from '../adapter-descriptor.js';
import { name } from '../env-schemas.js';
import type { Tagger } from './tagger.js';

export interface ClarifaiSettings {
  pat?: string | undefined;
  patParameter?: string;
  /** host:port of a stand-in, in plaintext; unset: Clarifai itself. */
  endpoint?: string;
}

export const clarifaiTagger = taggerAdapter({
  kind: 'clarifai',
  envSchema: z.object({
    CLARIFAI_PAT: name.optional(),
    CLARIFAI_PAT_PARAMETER: name.optional(),
    CLARIFAI_ENDPOINT: z
      .string()
      .trim()
      .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, such as 127.0.0.1:50051')
      .optional(),
  }),
  // Clarifai's general model knows thousands of concepts and grows them: an open vocabulary.
  vocabulary: async () => null,
  settings(variables, { region, need }): ClarifaiSettings {
    const { CLARIFAI_PAT: pat, CLARIFAI_PAT_PARAMETER: patParameter } = variables;
    need('CLARIFAI_PAT or CLARIFAI_PAT_PARAMETER', pat ?? patParameter);
    if (patParameter) need('AWS_REGION', region, 'CLARIFAI_PAT_PARAMETER is set');
    return {
      ...(pat ? { pat } : {}),
      ...(patParameter ? { patParameter } : {}),
      ...(variables.CLARIFAI_ENDPOINT ? { endpoint: variables.CLARIFAI_ENDPOINT } : {}),
    };
  },
  async create(settings, { region }): Promise<Tagger> {
    const { createClarifaiTagger } = await import('./clarifai.js');
    return createClarifaiTagger({ ...settings, ...(region ? { region } : {}) });
  },
});
