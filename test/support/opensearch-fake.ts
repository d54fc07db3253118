// An in-memory OpenSearch stand-in on 127.0.0.1, because no real OpenSearch can run on this
// machine (no package, no reachable download) and @short.io/opensearch-mock only answers canned
// responses per route: it cannot evaluate the filters, sorts, search_after and aggregations the
// catalog's behaviour depends on, and it replaces the client's Connection (so SigV4 signing,
// which lives in the signer's Connection, would never run).
//
// It implements exactly what OpenSearchImageCatalog sends, and refuses anything else with a 400
// (unknown routes, query parameters, DSL, mapping options or document fields), so an adapter
// change cannot pass by being ignored. Like OpenSearch, GET and mget by id are real-time but a
// search sees only what a refresh published: writes with `refresh` publish at once, others wait
// for refresh(). Routes: PUT <index>, GET/PUT/POST <index>/_mapping, <index>/_search, <index>/_mget,
// GET/PUT/DELETE <index>/_doc/<id>, POST _bulk (index actions). Search: opensearch-fake-dsl.ts;
// mappings and documents: opensearch-fake-mapping.ts.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { search, type Published } from './opensearch-fake-dsl.js';
import { allowKeys, object, Refusal, refuse, type Json } from './opensearch-fake-json.js';
import {
  checkDocument,
  parseIndexBody,
  putMapping,
  type Mapping,
} from './opensearch-fake-mapping.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface OpenSearchFake {
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The body an index was created with. */
  created(index: string): unknown;
  /** An index's mapping now (after any PUT _mapping). */
  mapping(index: string): Mapping | undefined;
  /** Publishes every write to search, as OpenSearch's periodic refresh does. */
  refresh(): void;
  /** The next request `when` matches answers `status` with an error body instead. */
  failNext(status: number, type: string, when?: (request: RecordedRequest) => boolean): void;
  /**
   * The next `times` bulk writes of this id meet a version conflict, as when another writer got
   * there between the adapter's read and its write: the document is left as it is, or with
   * `deleted`, that writer deleted it.
   */
  conflictNext(id: string, times?: number, options?: { deleted?: boolean }): void;
  close(): Promise<void>;
}

interface Index {
  created: Json;
  mapping: Mapping;
  docs: Map<string, Published>;
  published: Map<string, Published>;
  seqNo: number;
}

/** One document write: PUT _doc, DELETE _doc or a bulk `index` action. */
interface Write {
  id: string;
  deleting: boolean;
  source?: unknown;
  opType?: string | undefined;
  ifSeqNo?: string | undefined;
  ifPrimaryTerm?: string | undefined;
}

const REFRESH = ['true', 'false', 'wait_for', ''];

export async function startOpenSearchFake(): Promise<OpenSearchFake> {
  const indices = new Map<string, Index>();
  const requests: RecordedRequest[] = [];
  const failures: { status: number; type: string; when: (r: RecordedRequest) => boolean }[] = [];
  const conflicts = new Map<string, number>();
  const deletedOnConflict = new Set<string>();

  function handle(request: RecordedRequest): [number, Json | undefined] {
    const failure = failures.findIndex((f) => f.when(request));
    if (failure >= 0) {
      const { status, type } = failures.splice(failure, 1)[0]!;
      refuse('injected by the test', type, status);
    }
    const { method, path } = request;
    if (path === '/_bulk' && method === 'POST') return bulk(request);
    const [, name, endpoint, id, extra] = path.split('/');
    if (!name || name.startsWith('_') || extra !== undefined) return refuse(`no route for ${path}`);
    const index = indices.get(name);
    if (endpoint === undefined && method === 'PUT') return createIndex(name, request);
    if (!index) return refuse(`no such index [${name}]`, 'index_not_found_exception', 404);
    if (endpoint === '_mapping' && !id) {
      allowParams(request);
      if (method === 'GET') return [200, { [name]: { mappings: index.mapping } }];
      // OpenSearch takes the update as PUT or POST (opensearch-js sends POST).
      if (method === 'PUT' || method === 'POST') {
        index.mapping = putMapping(index.mapping, object(request.body, 'body'));
        return [200, { acknowledged: true }];
      }
    }
    if (endpoint === '_search' && !id && ['GET', 'POST'].includes(method)) {
      allowParams(request);
      return [200, search(index.mapping.properties, index.published.values(), request.body)];
    }
    if (endpoint === '_mget' && !id && ['GET', 'POST'].includes(method)) {
      allowParams(request);
      const body = object(request.body, 'body');
      allowKeys(body, ['ids'], 'mget');
      if (!Array.isArray(body.ids) || !body.ids.every((v) => typeof v === 'string')) {
        refuse('mget: ids must be strings', 'action_request_validation_exception');
      }
      return [200, { docs: (body.ids as string[]).map((docId) => found(index, name, docId)) }];
    }
    if (endpoint !== '_doc' || !id) return refuse(`no route for ${method} ${path}`);
    const docId = decodeURIComponent(id);
    if (method === 'GET') {
      allowParams(request);
      const doc = found(index, name, docId);
      return [doc.found ? 200 : 404, doc];
    }
    if (method === 'PUT' || method === 'DELETE') {
      allowParams(request, 'refresh', 'if_seq_no', 'if_primary_term', 'op_type');
      const { op_type, if_seq_no, if_primary_term } = request.query;
      const refresh = refreshOf(request);
      const deleting = method === 'DELETE';
      const write = { id: docId, deleting, source: request.body, opType: op_type };
      const answer = apply(index, name, {
        ...write,
        ifSeqNo: if_seq_no,
        ifPrimaryTerm: if_primary_term,
      });
      if (refresh) publish(index);
      return answer;
    }
    return refuse(`no route for ${method} ${path}`);
  }

  function found(index: Index, name: string, id: string): Json {
    const stored = index.docs.get(id);
    const doc = stored && { _seq_no: stored.seqNo, _primary_term: 1, _source: stored.source };
    return { _index: name, _id: id, found: !!stored, ...doc };
  }

  /** One write, optionally conditional on the version: [status, result] or a Refusal. */
  function apply(index: Index, name: string, write: Write): [number, Json] {
    const { id, deleting, opType, ifSeqNo, ifPrimaryTerm } = write;
    if (opType !== undefined && (deleting || !['create', 'index'].includes(opType))) {
      refuse(`bad op_type [${opType}]`, 'illegal_argument_exception');
    }
    if (
      (ifSeqNo === undefined) !== (ifPrimaryTerm === undefined) ||
      (ifSeqNo && opType === 'create')
    ) {
      refuse('bad if_seq_no / if_primary_term', 'action_request_validation_exception');
    }
    const current = index.docs.get(id);
    const conflictWith = (why: string) =>
      refuse(`[${id}]: version conflict, ${why}`, 'version_conflict_engine_exception', 409);
    if (ifSeqNo !== undefined) {
      if (!current) conflictWith('no document was found');
      if (current!.seqNo !== Number(ifSeqNo) || ifPrimaryTerm !== '1') {
        conflictWith(`current document has seqNo [${current!.seqNo}] and primary term [1]`);
      }
    }
    if (opType === 'create' && current) conflictWith('document already exists');
    let result: string;
    if (deleting) {
      result = current ? 'deleted' : 'not_found';
      index.docs.delete(id);
    } else {
      const source = checkDocument(index.mapping.properties, write.source);
      if (source.id !== id) refuse('the fake expects the id field to equal _id');
      result = current ? 'updated' : 'created';
      index.docs.set(id, { source, seqNo: index.seqNo });
    }
    const seqNo = index.seqNo++;
    const status = result === 'created' ? 201 : result === 'not_found' ? 404 : 200;
    return [status, { _index: name, _id: id, result, _seq_no: seqNo, _primary_term: 1 }];
  }

  /** POST _bulk of `index` actions, each answered on its own (a conflict fails only its item). */
  function bulk(request: RecordedRequest): [number, Json] {
    allowParams(request, 'refresh');
    const refresh = refreshOf(request);
    const lines = request.body as unknown[];
    if (lines.length % 2 !== 0) refuse('bulk: every action needs its document');
    const items: Json[] = [];
    const touched = new Set<Index>();
    for (let k = 0; k < lines.length; k += 2) {
      const action = object(object(lines[k], 'bulk action').index, 'bulk index action');
      allowKeys(action, ['_index', '_id', 'if_seq_no', 'if_primary_term'], 'bulk index action');
      const { _index: name, _id: id, if_seq_no: seqNo, if_primary_term: term } = action;
      if (typeof name !== 'string' || typeof id !== 'string') refuse('bulk: _index and _id');
      const index = indices.get(name as string);
      if (!index) refuse(`no such index [${String(name)}]`, 'index_not_found_exception', 404);
      touched.add(index!);
      const write: Write = {
        id: id as string,
        deleting: false,
        source: lines[k + 1],
        // Numbers in the JSON action line (the fake compares them as the strings a URL would carry).
        ifSeqNo: seqNo === undefined ? undefined : JSON.stringify(seqNo),
        ifPrimaryTerm: term === undefined ? undefined : JSON.stringify(term),
      };
      try {
        const injected = conflicts.get(write.id) ?? 0;
        if (injected > 0) {
          conflicts.set(write.id, injected - 1);
          if (deletedOnConflict.delete(write.id)) {
            apply(index!, name as string, { id: write.id, deleting: true });
          }
          refuse(
            `[${write.id}]: version conflict (injected)`,
            'version_conflict_engine_exception',
            409,
          );
        }
        const [status, result] = apply(index!, name as string, write);
        items.push({ index: { ...result, status } });
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        const { status, type, message: reason } = error;
        items.push({ index: { _index: name, _id: id, status, error: { type, reason } } });
      }
    }
    if (refresh) touched.forEach(publish);
    const errors = items.some((item) => (item.index as Json).error !== undefined);
    return [200, { took: 1, errors, items }];
  }

  function createIndex(name: string, request: RecordedRequest): [number, Json] {
    allowParams(request);
    if (indices.has(name)) refuse(`index [${name}] exists`, 'resource_already_exists_exception');
    const body = object(request.body, 'body');
    const mapping = parseIndexBody(body);
    indices.set(name, { created: body, mapping, docs: new Map(), published: new Map(), seqNo: 0 });
    return [200, { acknowledged: true, shards_acknowledged: true, index: name }];
  }

  const publish = (index: Index) => {
    index.published = new Map(index.docs);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: undefined,
        headers: req.headers,
      };
      requests.push(request);
      let status: number;
      let body: Json | undefined;
      try {
        request.body = parseBody(url.pathname, text);
        [status, body] = handle(request);
      } catch (error) {
        const { status: code = 400, type = 'parsing_exception' } =
          error instanceof Refusal ? error : {};
        const reason = error instanceof Error ? error.message : String(error);
        [status, body] = [
          code,
          { error: { type, reason, root_cause: [{ type, reason }] }, status: code },
        ];
      }
      const payload = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(request.method === 'HEAD' ? undefined : payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    created: (index) => indices.get(index)?.created,
    mapping: (index) => indices.get(index)?.mapping,
    refresh: () => indices.forEach(publish),
    failNext: (status, type, when = () => true) => void failures.push({ status, type, when }),
    conflictNext: (id, times = 1, options = {}) => {
      conflicts.set(id, times);
      if (options.deleted === true) deletedOnConflict.add(id);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** JSON, or for _bulk newline-delimited JSON (recorded as the array of its lines). */
function parseBody(path: string, text: string): unknown {
  if (text === '') return undefined;
  if (!path.endsWith('/_bulk')) return JSON.parse(text);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

function refreshOf(request: RecordedRequest): boolean {
  const { refresh } = request.query;
  if (refresh !== undefined && !REFRESH.includes(refresh)) refuse(`bad refresh [${refresh}]`);
  return refresh !== undefined && refresh !== 'false';
}

function allowParams(request: RecordedRequest, ...allowed: string[]) {
  const unknown = Object.keys(request.query).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    refuse(
      `request [${request.path}] contains unrecognized parameters: [${unknown.join(',')}]`,
      'illegal_argument_exception',
    );
  }
}
