// TAGGER=rekognition: Amazon Rekognition's DetectLabels and DetectText (tagging/rekognition.ts), in
// AWS_REGION, with the SDK's own credentials (the function's role on Lambda). No key to keep: the
// default on AWS. REKOGNITION_ENDPOINT points it at a stand-in instead.
import * as z from 'zod';
import { taggerAdapter } from '../adapter-descriptor.js';
import { httpUrl } from '../env-schemas.js';
import type { Tagger } from './tagger.js';

export interface RekognitionSettings {
  region: string;
  /** http(s) URL of a stand-in; unset: Rekognition's endpoint in the region. */
  endpoint?: string;
}

export const rekognitionTagger = taggerAdapter({
  kind: 'rekognition',
  envSchema: z.object({ REKOGNITION_ENDPOINT: httpUrl.optional() }),
  // Rekognition's label set runs to thousands and AWS grows it without notice: open, as Clarifai.
  vocabulary: async () => null,
  settings: (variables, { region, need }): RekognitionSettings => ({
    region: need('AWS_REGION', region),
    ...(variables.REKOGNITION_ENDPOINT ? { endpoint: variables.REKOGNITION_ENDPOINT } : {}),
  }),
  async create(settings): Promise<Tagger> {
    const { createRekognitionTagger } = await import('./rekognition.js');
    return createRekognitionTagger(settings);
  },
});
