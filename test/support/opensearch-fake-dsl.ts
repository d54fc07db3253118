// The part of the OpenSearch stand-in (opensearch-fake.ts) that reads mappings, documents and the
// query DSL: exactly the subset OpenSearchImageCatalog sends, evaluated as OpenSearch does, and a
// 400 for anything else (unknown DSL, mapping options or document fields), so an adapter change
// cannot pass by being ignored.

export type Json = Record<string, unknown>;
export type Source = Json;
export interface Field {
  type: string;
  index?: boolean;
  doc_values?: boolean;
  format?: string;
  enabled?: boolean;
}
export type Fields = Record<string, Field>;

/** An OpenSearch error response: `{ error: { type, reason }, status }`. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
  ) {
    super(reason);
  }
}
export const refuse = (reason: string, type = 'parsing_exception', status = 400): never => {
  throw new Refusal(status, type, reason);
};

const PARAMS_OF_FIELD: Record<string, string[]> = {
  keyword: ['index', 'doc_values'],
  long: [],
  date: ['format'],
  text: ['index'],
  object: ['enabled'],
};
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The fields of an index-creation body, which may hold only what the fake implements. */
export function parseIndexBody(body: Json): Fields {
  allowKeys(body, ['settings', 'mappings'], 'index creation');
  if (body.settings !== undefined) {
    const settings = object(body.settings, 'settings');
    allowKeys(settings, ['index'], 'settings');
    allowKeys(object(settings.index, 'settings.index'), ['number_of_shards'], 'settings.index');
  }
  const mappings = object(body.mappings, 'mappings');
  allowKeys(mappings, ['dynamic', 'properties'], 'mappings');
  if (mappings.dynamic !== 'strict') refuse('the fake only implements dynamic: strict');
  const fields: Fields = {};
  for (const [field, spec] of Object.entries(object(mappings.properties, 'properties'))) {
    const { type, ...params } = object(spec, field) as unknown as Field;
    const allowed = PARAMS_OF_FIELD[type];
    if (!allowed) refuse(`[${field}] has unknown type [${type}]`, 'mapper_parsing_exception');
    allowKeys(params, allowed!, `[${field}]`, 'mapper_parsing_exception');
    if (params.format !== undefined && params.format !== 'strict_date_optional_time') {
      refuse(`[${field}] format not implemented by the fake`, 'mapper_parsing_exception');
    }
    fields[field] = { type, ...params };
  }
  return fields;
}

/** A document as `dynamic: strict` accepts it: mapped fields only, each of its type. */
export function checkDocument(fields: Fields, body: unknown): Source {
  const source = object(body, 'document');
  for (const [name, value] of Object.entries(source)) {
    const field = fields[name];
    if (!field) {
      refuse(
        `mapping set to strict, dynamic introduction of [${name}] within [_doc] is not allowed`,
        'strict_dynamic_mapping_exception',
      );
    }
    if (field!.type === 'object' || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const ok =
        field!.type === 'long'
          ? Number.isInteger(item)
          : typeof item === 'string' && (field!.type !== 'date' || ISO_DATE.test(item));
      if (!ok)
        refuse(
          `failed to parse field [${name}] of type [${field!.type}]`,
          'mapper_parsing_exception',
        );
    }
  }
  return source;
}

// ---- search: bool filter/must_not of term/terms/exists, sort, search_after, size, terms agg ----

type SortKey = { field: string; desc: boolean };

/** A search over the published documents. */
export function search(fields: Fields, published: Iterable<Source>, rawBody: unknown): Json {
  const body = object(rawBody ?? {}, 'search body');
  allowKeys(body, ['size', 'query', 'sort', 'search_after', 'aggs', 'track_total_hits'], 'search');
  const size = body.size ?? 10;
  if (!Number.isInteger(size) || (size as number) < 0 || (size as number) > 10_000) {
    refuse('[size] must be from 0 to index.max_result_window (10000)');
  }
  const matches = [...published].filter(matcher(fields, body.query));
  const sort = sortKeys(fields, body.sort);
  const values = (doc: Source) => sort.map(({ field }) => sortValue(fields, doc, field));
  matches.sort((a, b) => compareRows(values(a), values(b), sort));
  let rows = matches;
  if (body.search_after !== undefined) {
    const after = body.search_after as unknown[];
    if (!Array.isArray(after) || after.length !== sort.length || sort.length === 0) {
      refuse('search_after must have as many values as the sort');
    }
    sort.forEach(({ field }, i) => {
      const numeric = ['long', 'date'].includes(fields[field]!.type);
      if (typeof after[i] !== (numeric ? 'number' : 'string')) refuse(`bad search_after [${i}]`);
    });
    rows = matches.filter((doc) => compareRows(values(doc), after, sort) > 0);
  }
  const total =
    body.track_total_hits === false ? {} : { total: { value: matches.length, relation: 'eq' } };
  const hits = rows.slice(0, size as number).map((doc) => ({
    _index: 'fake',
    _id: doc.id,
    _score: null,
    _source: doc,
    ...(sort.length > 0 ? { sort: values(doc) } : {}),
  }));
  const aggregations =
    body.aggs === undefined ? {} : { aggregations: aggregate(fields, body.aggs, matches) };
  return { took: 1, timed_out: false, hits: { ...total, max_score: null, hits }, ...aggregations };
}

function matcher(fields: Fields, query: unknown): (doc: Source) => boolean {
  if (query === undefined) return () => true;
  const { bool, ...other } = object(query, 'query');
  if (Object.keys(other).length > 0 || bool === undefined) refuse('the fake only implements bool');
  const { filter, must_not: mustNot = [], ...rest } = object(bool, 'bool');
  if (Object.keys(rest).length > 0 || !Array.isArray(filter) || !Array.isArray(mustNot)) {
    refuse('bool: only filter: [...] and must_not: [...]');
  }
  const required = (filter as unknown[]).map((clause) => leaf(fields, clause));
  const excluded = (mustNot as unknown[]).map((clause) => leaf(fields, clause));
  return (doc) => required.every((test) => test(doc)) && !excluded.some((test) => test(doc));
}

/** One term, terms (any of the values) or exists query on an indexed keyword field. */
function leaf(fields: Fields, clause: unknown): (doc: Source) => boolean {
  const entries = Object.entries(object(clause, 'filter clause'));
  if (entries.length !== 1) refuse('a filter clause has one query');
  const [kind, spec] = entries[0]!;
  if (kind === 'exists') {
    const { field, ...rest } = object(spec, kind);
    if (Object.keys(rest).length > 0 || typeof field !== 'string') refuse('exists: { field }');
    indexedKeyword(fields, kind, field as string);
    // An empty array indexes no value, so `exists` does not match it (as in OpenSearch).
    return (doc) => valuesOf(doc, field as string).length > 0;
  }
  const fieldEntries = Object.entries(object(spec, kind));
  if ((kind !== 'term' && kind !== 'terms') || fieldEntries.length !== 1) {
    refuse(`unknown query [${kind}]`);
  }
  const [field, wanted] = fieldEntries[0]!;
  indexedKeyword(fields, kind, field);
  const accepted = kind === 'term' ? [wanted] : wanted;
  if (!Array.isArray(accepted) || !accepted.every((v) => typeof v === 'string')) {
    refuse(`[${kind}] on [${field}] takes ${kind === 'term' ? 'a string' : 'strings'}`);
  }
  return (doc: Source) =>
    valuesOf(doc, field).some((v) => (accepted as string[]).includes(v as string));
}

function indexedKeyword(fields: Fields, kind: string, field: string): void {
  const mapped = fields[field];
  if (!mapped || mapped.type !== 'keyword' || mapped.index === false) {
    refuse(
      `[${kind}] on [${field}], which is not an indexed keyword field`,
      'query_shard_exception',
    );
  }
}

function sortKeys(fields: Fields, sort: unknown): SortKey[] {
  if (sort === undefined) return [];
  if (!Array.isArray(sort)) refuse('[sort] must be an array');
  return (sort as unknown[]).map((entry) => {
    const entries = Object.entries(object(entry, 'sort entry'));
    if (entries.length !== 1) refuse('one field per sort entry');
    const [field, spec] = entries[0]!;
    const { order, ...rest } = object(spec, `sort ${field}`);
    if (Object.keys(rest).length > 0 || (order !== 'asc' && order !== 'desc'))
      refuse('sort: { order }');
    const mapped = fields[field];
    if (
      !mapped ||
      !['keyword', 'long', 'date'].includes(mapped.type) ||
      mapped.doc_values === false
    ) {
      refuse(`cannot sort on [${field}]`, 'illegal_argument_exception');
    }
    return { field, desc: order === 'desc' };
  });
}

function aggregate(fields: Fields, aggs: unknown, docs: Source[]): Json {
  const result: Json = {};
  for (const [name, spec] of Object.entries(object(aggs, 'aggs'))) {
    const { terms, ...other } = object(spec, name);
    if (Object.keys(other).length > 0 || terms === undefined) refuse('only terms aggregations');
    const {
      field,
      size = 10,
      order = [{ _count: 'desc' }, { _key: 'asc' }],
      ...rest
    } = object(terms, 'terms');
    if (Object.keys(rest).length > 0) refuse(`terms: unknown [${Object.keys(rest).join(',')}]`);
    const mapped = fields[field as string];
    if (mapped?.type !== 'keyword' || mapped.doc_values === false)
      refuse(`cannot aggregate on [${String(field)}]`);
    if (!Number.isInteger(size) || (size as number) < 1) refuse('[size] must be greater than 0');
    const orders = (Array.isArray(order) ? order : [order]).map((o) => {
      const entries = Object.entries(object(o, 'order'));
      const [key, dir] = entries[0] ?? [];
      if (
        entries.length !== 1 ||
        !['_count', '_key'].includes(key!) ||
        !['asc', 'desc'].includes(dir as string)
      ) {
        refuse('order: [{ _count | _key: asc | desc }]');
      }
      return { key: key!, desc: dir === 'desc' };
    });
    const counts = new Map<string, number>();
    for (const doc of docs) {
      for (const value of new Set(valuesOf(doc, field as string))) {
        counts.set(value as string, (counts.get(value as string) ?? 0) + 1);
      }
    }
    const buckets = [...counts].map(([key, doc_count]) => ({ key, doc_count }));
    buckets.sort((a, b) => {
      for (const { key, desc } of orders) {
        const c = key === '_count' ? a.doc_count - b.doc_count : compare(a.key, b.key);
        if (c !== 0) return desc ? -c : c;
      }
      return 0;
    });
    const kept = buckets.slice(0, size as number);
    const other_docs = buckets.slice(kept.length).reduce((sum, b) => sum + b.doc_count, 0);
    result[name] = {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: other_docs,
      buckets: kept,
    };
  }
  return result;
}

// Missing values sort last whatever the order, as OpenSearch's default `missing: _last` does.
function compareRows(a: unknown[], b: unknown[], sort: SortKey[]): number {
  for (let i = 0; i < sort.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === undefined || y === undefined) return x === undefined ? 1 : -1;
    const c = compare(x as string | number, y as string | number);
    if (c !== 0) return sort[i]!.desc ? -c : c;
  }
  return 0;
}

function sortValue(fields: Fields, doc: Source, field: string): unknown {
  const [value] = valuesOf(doc, field);
  return fields[field]!.type === 'date' && typeof value === 'string' ? Date.parse(value) : value;
}

const valuesOf = (doc: Source, field: string): unknown[] => {
  const value = doc[field];
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
};

const compare = <T extends string | number>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);

export function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(`[${what}] must be an object`);
  return value as Json;
}

export function allowKeys(
  value: Json,
  allowed: string[],
  what: string,
  type = 'parsing_exception',
) {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) refuse(`${what}: unknown [${unknown.join(', ')}]`, type);
}
