// The part of the OpenSearch stand-in (opensearch-fake.ts) that evaluates searches: exactly the
// query DSL OpenSearchImageCatalog sends (bool filter/must_not of term, terms, exists and prefix;
// sort, search_after, size, seq_no_primary_term; a terms aggregation with an `include` prefix),
// evaluated as OpenSearch does, and a 400 for anything else, so an adapter change cannot pass by
// being ignored. Mappings and documents: opensearch-fake-mapping.ts.
import { allowKeys, object, refuse, type Json, type Source } from './opensearch-fake-json.js';
import type { Fields } from './opensearch-fake-mapping.js';

/** A published document and the sequence number it was written at. */
export interface Published {
  source: Source;
  seqNo: number;
}

type SortKey = { field: string; desc: boolean };
type Test = (doc: Source) => boolean;

/** A search over the published documents. */
export function search(fields: Fields, published: Iterable<Published>, rawBody: unknown): Json {
  const body = object(rawBody ?? {}, 'search body');
  const keys = ['size', 'query', 'sort', 'search_after', 'aggs', 'track_total_hits'];
  allowKeys(body, [...keys, 'seq_no_primary_term'], 'search');
  const size = body.size ?? 10;
  if (!Number.isInteger(size) || (size as number) < 0 || (size as number) > 10_000) {
    refuse('[size] must be from 0 to index.max_result_window (10000)');
  }
  if (![undefined, true, false].includes(body.seq_no_primary_term as boolean | undefined)) {
    refuse('[seq_no_primary_term] must be a boolean');
  }
  const test = matcher(fields, body.query);
  const matches = [...published].filter(({ source }) => test(source));
  const sort = sortKeys(fields, body.sort);
  const values = (doc: Source) => sort.map(({ field }) => sortValue(fields, doc, field));
  matches.sort((a, b) => compareRows(values(a.source), values(b.source), sort));
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
    rows = matches.filter(({ source }) => compareRows(values(source), after, sort) > 0);
  }
  const total =
    body.track_total_hits === false ? {} : { total: { value: matches.length, relation: 'eq' } };
  const hits = rows.slice(0, size as number).map(({ source, seqNo }) => ({
    _index: 'fake',
    _id: source.id,
    _score: null,
    ...(body.seq_no_primary_term === true ? { _seq_no: seqNo, _primary_term: 1 } : {}),
    _source: source,
    ...(sort.length > 0 ? { sort: values(source) } : {}),
  }));
  const docs = matches.map(({ source }) => source);
  const aggregations =
    body.aggs === undefined ? {} : { aggregations: aggregate(fields, body.aggs, docs) };
  return { took: 1, timed_out: false, hits: { ...total, max_score: null, hits }, ...aggregations };
}

function matcher(fields: Fields, query: unknown): Test {
  if (query === undefined) return () => true;
  const { bool, ...other } = object(query, 'query');
  if (Object.keys(other).length > 0 || bool === undefined) refuse('the fake only implements bool');
  const { filter = [], must_not: mustNot = [], ...rest } = object(bool, 'bool');
  if (Object.keys(rest).length > 0 || !Array.isArray(filter) || !Array.isArray(mustNot)) {
    refuse('bool: only filter: [...] and must_not: [...]');
  }
  const required = (filter as unknown[]).map((clause) => leaf(fields, clause));
  const excluded = (mustNot as unknown[]).map((clause) => leaf(fields, clause));
  return (doc) => required.every((test) => test(doc)) && !excluded.some((test) => test(doc));
}

/** One term, terms (any of the values), exists or prefix query. */
function leaf(fields: Fields, clause: unknown): Test {
  const entries = Object.entries(object(clause, 'filter clause'));
  if (entries.length !== 1) refuse('a filter clause has one query');
  const [kind, spec] = entries[0]!;
  if (kind === 'exists') {
    const { field, ...rest } = object(spec, kind);
    if (Object.keys(rest).length > 0 || typeof field !== 'string') refuse('exists: { field }');
    indexed(fields, kind, field as string, ['keyword', 'text']);
    // An empty array indexes no value, so `exists` does not match it (as in OpenSearch).
    return (doc) => valuesOf(doc, field as string).length > 0;
  }
  const fieldEntries = Object.entries(object(spec, kind));
  if (!['term', 'terms', 'prefix'].includes(kind) || fieldEntries.length !== 1) {
    refuse(`unknown query [${kind}]`);
  }
  const [field, wanted] = fieldEntries[0]!;
  if (kind === 'prefix') {
    // The short form only ({ field: "value" }), the one the catalog sends.
    if (typeof wanted !== 'string') refuse(`[prefix] on [${field}] takes a string`);
    const type = indexed(fields, kind, field, ['keyword', 'text']);
    const start = wanted as string;
    return (doc) => termsOf(type, doc, field).some((term) => term.startsWith(start));
  }
  indexed(fields, kind, field, ['keyword']);
  const accepted = kind === 'term' ? [wanted] : wanted;
  if (!Array.isArray(accepted) || !accepted.every((v) => typeof v === 'string')) {
    refuse(`[${kind}] on [${field}] takes ${kind === 'term' ? 'a string' : 'strings'}`);
  }
  return (doc) => termsOf('keyword', doc, field).some((v) => (accepted as string[]).includes(v));
}

/** The field's type, when it is indexed and of one of these types. */
function indexed(fields: Fields, kind: string, field: string, types: string[]): string {
  const mapped = fields[field];
  if (!mapped || !types.includes(mapped.type) || mapped.index === false) {
    refuse(`[${kind}] on [${field}], which is not an indexed ${types.join(' or ')} field`);
  }
  if (mapped!.type === 'text' && mapped!.analyzer !== 'whitespace') {
    refuse(`[${kind}] on [${field}]: the fake analyses text only with whitespace`);
  }
  return mapped!.type;
}

/** What the index holds for the field: keyword values as they are, text split at whitespace. */
function termsOf(type: string, doc: Source, field: string): string[] {
  const values = valuesOf(doc, field) as string[];
  return type === 'text' ? values.flatMap((v) => v.split(/\s+/).filter(Boolean)) : values;
}

function sortKeys(fields: Fields, sort: unknown): SortKey[] {
  if (sort === undefined) return [];
  if (!Array.isArray(sort)) refuse('[sort] must be an array');
  return (sort as unknown[]).map((entry) => {
    const entries = Object.entries(object(entry, 'sort entry'));
    if (entries.length !== 1) refuse('one field per sort entry');
    const [field, spec] = entries[0]!;
    const { order, ...rest } = object(spec, `sort ${field}`);
    if (Object.keys(rest).length > 0 || (order !== 'asc' && order !== 'desc')) {
      refuse('sort: { order }');
    }
    const mapped = fields[field];
    const sortable = ['keyword', 'long', 'date'].includes(mapped?.type ?? '');
    if (!sortable || mapped!.doc_values === false) {
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
    const { field, size = 10, order, include, ...rest } = object(terms, 'terms');
    if (Object.keys(rest).length > 0) refuse(`terms: unknown [${Object.keys(rest).join(',')}]`);
    const mapped = fields[field as string];
    if (mapped?.type !== 'keyword' || mapped.doc_values === false) {
      refuse(`cannot aggregate on [${String(field)}]`);
    }
    if (!Number.isInteger(size) || (size as number) < 1) refuse('[size] must be greater than 0');
    const orders = orderOf(order ?? [{ _count: 'desc' }, { _key: 'asc' }]);
    const included = include === undefined ? () => true : includeOf(include);
    const counts = new Map<string, number>();
    for (const doc of docs) {
      for (const value of new Set(valuesOf(doc, field as string) as string[])) {
        if (included(value)) counts.set(value, (counts.get(value) ?? 0) + 1);
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
    const otherDocs = buckets.slice(kept.length).reduce((sum, b) => sum + b.doc_count, 0);
    result[name] = {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: otherDocs,
      buckets: kept,
    };
  }
  return result;
}

function orderOf(order: unknown): { key: string; desc: boolean }[] {
  return (Array.isArray(order) ? order : [order]).map((o) => {
    const entries = Object.entries(object(o, 'order'));
    const [key, dir] = entries[0] ?? [];
    const known = ['_count', '_key'].includes(key!) && ['asc', 'desc'].includes(dir as string);
    if (entries.length !== 1 || !known) refuse('order: [{ _count | _key: asc | desc }]');
    return { key: key!, desc: dir === 'desc' };
  });
}

/**
 * A terms aggregation's `include` as a Lucene regular expression, of the one form the catalog
 * sends: a literal (every character that is an operator escaped by a backslash) followed by `.*`.
 * Any other operator is refused, so an unescaped `.` or `*` in a name cannot pass unnoticed.
 */
function includeOf(include: unknown): (value: string) => boolean {
  if (typeof include !== 'string' || !include.endsWith('.*')) {
    refuse('the fake implements include only as "<escaped literal>.*"');
  }
  const pattern = [...(include as string).slice(0, -2)];
  let literal = '';
  for (let k = 0; k < pattern.length; k += 1) {
    const char = pattern[k]!;
    if (char === '\\') {
      if (k + 1 === pattern.length) refuse('include: a trailing backslash');
      literal += pattern[(k += 1)];
    } else if ('.?+*|{}[]()"#@&<>~\\'.includes(char)) {
      refuse(`include: operator [${char}] not implemented by the fake`);
    } else literal += char;
  }
  return (value) => value.startsWith(literal);
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
