// INDEX=opensearch: the image index in an OpenSearch domain or collection (catalog/opensearch.ts),
// requests signed with SigV4 when OPENSEARCH_AWS_SERVICE says for which service. The client loads
// (and the index is created if missing) on the first request that needs the catalog.
import * as z from 'zod';
import { catalogAdapter } from '../adapter-descriptor.js';
import { httpUrl } from '../env-schemas.js';
import { lazyPort } from '../lazy-port.js';
import type { ImageCatalog } from './image-catalog.js';
import type { OpenSearchCatalogOptions } from './opensearch.js';

export type OpenSearchSettings = Pick<
  OpenSearchCatalogOptions,
  'url' | 'index' | 'awsService' | 'region'
>;

export const openSearchCatalog = catalogAdapter({
  kind: 'opensearch',
  envSchema: z.object({
    OPENSEARCH_URL: httpUrl.optional(),
    OPENSEARCH_INDEX: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_-]{0,199}$/, 'must be a lower-case OpenSearch index name')
      .default('images'),
    OPENSEARCH_AWS_SERVICE: z.enum(['es', 'aoss'], { error: 'must be es or aoss' }).optional(),
  }),
  settings: (variables, { region, need }): OpenSearchSettings => ({
    url: need('OPENSEARCH_URL', variables.OPENSEARCH_URL),
    index: variables.OPENSEARCH_INDEX,
    ...(variables.OPENSEARCH_AWS_SERVICE
      ? {
          awsService: variables.OPENSEARCH_AWS_SERVICE,
          region: need('AWS_REGION', region, 'OPENSEARCH_AWS_SERVICE is set'),
        }
      : {}),
  }),
  async create(settings) {
    return lazyPort<ImageCatalog>(async () => {
      const { OpenSearchImageCatalog } = await import('./opensearch.js');
      return OpenSearchImageCatalog.open(settings);
    });
  },
});
