// The OpenSearch catalog's document reads and writes on one index: get, mget, search and
// versioned bulk writes, each translated at the edge (opensearch-client.ts). Knows documents as
// JSON only; what they mean is opensearch-documents.ts's.
import type { Client } from '@opensearch-project/opensearch';
import { TransientError } from '../domain/errors.js';
import { translated } from './opensearch-client.js';
import type { ImageDoc } from './opensearch-documents.js';

/** The version a conditional write is made against (optimistic concurrency). */
export interface Version {
  if_seq_no: number;
  if_primary_term: number;
}

export interface Versioned {
  doc: ImageDoc;
  version: Version;
}

/** The part of a search response the catalog reads. */
export interface SearchResult {
  hits: {
    hits: { _source: ImageDoc; _seq_no?: number; _primary_term?: number }[];
    total?: { value: number };
  };
  aggregations?: { tags?: { buckets: { key: string; doc_count: number }[] } };
}

interface BulkItem {
  _id: string;
  status: number;
  error?: { type?: string; reason?: string };
}

export class DocumentStore {
  constructor(
    readonly client: Client,
    readonly index: string,
    /** Query parameters every user-facing write carries (refresh=wait_for but on Serverless). */
    readonly writeParams: { refresh?: 'wait_for' },
  ) {}

  async read(id: string): Promise<Versioned | undefined> {
    const { body } = await translated(
      this.client.get({ index: this.index, id }, { ignore: [404] }),
    );
    if (body.found !== true) return undefined;
    const version = { if_seq_no: body._seq_no!, if_primary_term: body._primary_term! };
    return { doc: body._source as ImageDoc, version };
  }

  /** The documents of these ids, real-time (like get); undefined for a missing one. */
  async readMany(ids: string[]): Promise<(Versioned | undefined)[]> {
    const { body } = await translated(this.client.mget({ index: this.index, body: { ids } }));
    // The client types mget's docs as a union with per-id errors; an error throws above.
    const docs = body.docs as {
      found?: boolean;
      _seq_no?: number;
      _primary_term?: number;
      _source?: unknown;
    }[];
    return docs.map((found) =>
      found.found === true
        ? {
            doc: found._source as ImageDoc,
            version: { if_seq_no: found._seq_no!, if_primary_term: found._primary_term! },
          }
        : undefined,
    );
  }

  async search(body: Record<string, unknown>): Promise<SearchResult> {
    const response = await translated(this.client.search({ index: this.index, body }));
    // The client types a body as any index's; these are the fields our queries ask for.
    return response.body as unknown as SearchResult;
  }

  /**
   * Writes each document on condition that it is still at its version, in one `_bulk`. Answers the
   * ids that met a version conflict (someone wrote them since they were read); any other failed
   * item throws. `refresh` is the catalog's writeParams unless the caller passes its own.
   */
  async writeVersioned(
    docs: Versioned[],
    params: { refresh?: 'wait_for' } = this.writeParams,
  ): Promise<Set<string>> {
    if (docs.length === 0) return new Set();
    const body = docs.flatMap(({ doc, version }) => [
      { index: { _index: this.index, _id: doc.id, ...version } },
      doc,
    ]);
    const response = await translated(this.client.bulk({ body, ...params }));
    // The client's bulk response types each item per action; only `index` actions are sent.
    const items = (response.body.items as { index: BulkItem }[]).map((item) => item.index);
    const conflicts = new Set<string>();
    for (const item of items) {
      if (item.status === 409) conflicts.add(item._id);
      else if (item.status >= 300) {
        const why = `HTTP ${item.status}, ${item.error?.type ?? 'no type'}`;
        if (item.status === 429 || item.status >= 500) {
          throw new TransientError(`OpenSearch is unavailable (${why}).`);
        }
        throw new Error(`An OpenSearch bulk write of ${item._id} failed (${why}).`);
      }
    }
    return conflicts;
  }
}
