// Every adapter pixtag has, listed under the variable that chooses among them; the first of each
// list is the default. config.ts composes their variables and settings from these lists and
// adapters.ts builds the chosen ones: adding an adapter is its descriptor file, its contract-suite
// test and one line here. Descriptors are light (src/adapter-descriptor.ts), so importing this
// loads no SDK, no native module and no model.
import type {
  AdapterDescriptor,
  ProcessingDescriptor,
  StorageDescriptor,
  TaggerDescriptor,
} from './adapter-descriptor.js';
import type { ImageCatalog } from './catalog/image-catalog.js';
import type { IdentityProvider } from './identity/identity-provider.js';
import { openSearchCatalog } from './catalog/opensearch.adapter.js';
import { sqliteCatalog } from './catalog/sqlite.adapter.js';
import { cognitoIdentity } from './identity/cognito.adapter.js';
import { localIdentity } from './identity/local.adapter.js';
import { lambdaProcessing } from './jobs/lambda-processing.adapter.js';
import { localProcessing } from './jobs/local-processing.adapter.js';
import { localBlobStorage } from './storage/local.adapter.js';
import { s3BlobStorage } from './storage/s3.adapter.js';
import { clarifaiTagger } from './tagging/clarifai.adapter.js';
import { localModelTagger } from './tagging/local-model.adapter.js';
import { rekognitionTagger } from './tagging/rekognition.adapter.js';

/** What each variable chooses: Config holds the choice under its name in lower case. */
interface Choices {
  AUTH: readonly AdapterDescriptor<IdentityProvider>[];
  STORAGE: readonly StorageDescriptor[];
  INDEX: readonly AdapterDescriptor<ImageCatalog>[];
  TAGGER: readonly TaggerDescriptor[];
}

export const registry = {
  AUTH: [localIdentity, cognitoIdentity],
  STORAGE: [localBlobStorage, s3BlobStorage],
  INDEX: [sqliteCatalog, openSearchCatalog],
  TAGGER: [localModelTagger, clarifaiTagger, rekognitionTagger],
} as const satisfies Choices;

/** Not chosen by a variable: each store names its own (StorageDescriptor.processing). */
export const processingQueues = [
  localProcessing,
  lambdaProcessing,
] as const satisfies readonly ProcessingDescriptor[];

export type PortVariable = keyof Choices;
export const PORT_VARIABLES = Object.keys(registry) as PortVariable[];

/** The adapter `variable`=`kind` names; config.ts has refused every other kind already. */
export function adapterFor<V extends PortVariable>(variable: V, kind: string): Choices[V][number] {
  const choices: Choices = registry;
  const list: readonly Choices[V][number][] = choices[variable];
  const found = list.find((adapter) => adapter.kind === kind);
  if (!found) throw new Error(`No adapter for ${variable}=${kind}`);
  return found;
}

/** The ProcessingQueue that goes with the store. */
export function processingFor(storage: StorageDescriptor): ProcessingDescriptor {
  const found = processingQueues.find((queue) => queue.kind === storage.processing);
  if (!found)
    throw new Error(`No ProcessingQueue ${storage.processing} for STORAGE=${storage.kind}`);
  return found;
}
