// An in-memory OpenSearch stand-in on 127.0.0.1, because no real OpenSearch can run on this
// machine (no package, no reachable download) and @short.io/opensearch-mock only answers canned
// responses per route: it cannot evaluate the filters, sorts, search_after and aggregations the
// catalog's behaviour depends on, and it replaces the client's Connection (so SigV4 signing,
// which lives in the signer's Connection, would never run).
//
// It implements exactly what OpenSearchImageCatalog sends, and refuses anything else with a 400
// (unknown query parameters, DSL, mapping options or document fields), so an adapter change
// cannot pass by being ignored. Like OpenSearch, GET by id is real-time but a search sees only
// what a refresh published: writes with `refresh` publish at once, others wait for refresh().
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkDocument,
  object,
  parseIndexBody,
  Refusal,
  refuse,
  search,
  type Fields,
  type Json,
  type Source,
} from './opensearch-fake-dsl.js';

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
  /** Publishes every write to search, as OpenSearch's periodic refresh does. */
  refresh(): void;
  /** The next request `when` matches answers `status` with an error body instead. */
  failNext(status: number, type: string, when?: (request: RecordedRequest) => boolean): void;
  close(): Promise<void>;
}

interface Stored {
  source: Source;
  seqNo: number;
}
interface Index {
  created: Json;
  fields: Fields;
  docs: Map<string, Stored>;
  published: Map<string, Source>;
  seqNo: number;
}

const REFRESH = ['true', 'false', 'wait_for', ''];

export async function startOpenSearchFake(): Promise<OpenSearchFake> {
  const indices = new Map<string, Index>();
  const requests: RecordedRequest[] = [];
  const failures: { status: number; type: string; when: (r: RecordedRequest) => boolean }[] = [];

  function handle(request: RecordedRequest): [number, Json | undefined] {
    const failure = failures.findIndex((f) => f.when(request));
    if (failure >= 0) {
      const { status, type } = failures.splice(failure, 1)[0]!;
      refuse('injected by the test', type, status);
    }
    const [, name, endpoint, id, extra] = request.path.split('/');
    if (!name || extra !== undefined) return refuse(`no route for ${request.path}`);
    const index = indices.get(name);
    if (endpoint === undefined && request.method === 'PUT') return createIndex(name, request);
    if (endpoint === undefined && request.method === 'HEAD') return [index ? 200 : 404, undefined];
    if (!index) return refuse(`no such index [${name}]`, 'index_not_found_exception', 404);
    if (endpoint === '_search' && !id && ['GET', 'POST'].includes(request.method)) {
      allowParams(request);
      return [200, search(index.fields, index.published.values(), request.body)];
    }
    if (endpoint !== '_doc' || !id) return refuse(`no route for ${request.method} ${request.path}`);
    const docId = decodeURIComponent(id);
    if (request.method === 'GET') {
      allowParams(request);
      const stored = index.docs.get(docId);
      const found = stored && { _seq_no: stored.seqNo, _primary_term: 1, _source: stored.source };
      return [stored ? 200 : 404, { _index: name, _id: docId, found: !!stored, ...found }];
    }
    if (request.method === 'PUT' || request.method === 'DELETE') {
      return write(index, name, docId, request);
    }
    return refuse(`no route for ${request.method} ${request.path}`);
  }

  /** PUT _doc/<id> (index or create) and DELETE _doc/<id>, optionally conditional. */
  function write(index: Index, name: string, id: string, request: RecordedRequest): [number, Json] {
    allowParams(request, 'refresh', 'if_seq_no', 'if_primary_term', 'op_type');
    const { op_type, refresh, if_seq_no, if_primary_term } = request.query;
    const deleting = request.method === 'DELETE';
    if (op_type !== undefined && (deleting || !['create', 'index'].includes(op_type))) {
      refuse(`bad op_type [${op_type}]`, 'illegal_argument_exception');
    }
    if (refresh !== undefined && !REFRESH.includes(refresh)) refuse(`bad refresh [${refresh}]`);
    if (
      (if_seq_no === undefined) !== (if_primary_term === undefined) ||
      (if_seq_no && op_type === 'create')
    ) {
      refuse('bad if_seq_no / if_primary_term', 'action_request_validation_exception');
    }
    const current = index.docs.get(id);
    const conflictWith = (why: string) =>
      refuse(`[${id}]: version conflict, ${why}`, 'version_conflict_engine_exception', 409);
    if (if_seq_no !== undefined) {
      if (!current) conflictWith('no document was found');
      if (current!.seqNo !== Number(if_seq_no) || if_primary_term !== '1') {
        conflictWith(`current document has seqNo [${current!.seqNo}] and primary term [1]`);
      }
    }
    if (op_type === 'create' && current) conflictWith('document already exists');
    const seqNo = index.seqNo++;
    let result: string;
    if (deleting) {
      result = current ? 'deleted' : 'not_found';
      index.docs.delete(id);
    } else {
      const source = checkDocument(index.fields, request.body);
      if (source.id !== id) refuse('the fake expects the id field to equal _id');
      result = current ? 'updated' : 'created';
      index.docs.set(id, { source, seqNo });
    }
    if (refresh !== undefined && refresh !== 'false') publish(index);
    const status = result === 'created' ? 201 : result === 'not_found' ? 404 : 200;
    return [status, { _index: name, _id: id, result, _seq_no: seqNo, _primary_term: 1 }];
  }

  function createIndex(name: string, request: RecordedRequest): [number, Json] {
    allowParams(request);
    if (indices.has(name)) refuse(`index [${name}] exists`, 'resource_already_exists_exception');
    const body = object(request.body, 'body');
    const fields = parseIndexBody(body);
    indices.set(name, { created: body, fields, docs: new Map(), published: new Map(), seqNo: 0 });
    return [200, { acknowledged: true, shards_acknowledged: true, index: name }];
  }

  const publish = (index: Index) => {
    index.published = new Map([...index.docs].map(([id, { source }]) => [id, source]));
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
        request.body = text === '' ? undefined : JSON.parse(text);
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
    refresh: () => indices.forEach(publish),
    failNext: (status, type, when = () => true) => void failures.push({ status, type, when }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
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
