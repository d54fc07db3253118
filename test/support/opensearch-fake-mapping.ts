// The part of the OpenSearch stand-in (opensearch-fake.ts) that reads mappings and checks
// documents against them: index creation, `PUT _mapping` (additive only, as OpenSearch allows on a
// live index), and `dynamic: strict` documents. Exactly the options OpenSearchImageCatalog uses;
// anything else is a 400, so an adapter change cannot pass by being ignored.
import { allowKeys, object, refuse, type Json, type Source } from './opensearch-fake-json.js';

export interface Field {
  type: string;
  index?: boolean;
  doc_values?: boolean;
  format?: string;
  enabled?: boolean;
  analyzer?: string;
  index_prefixes?: { min_chars: number; max_chars: number };
}
export type Fields = Record<string, Field>;

/** An index's mapping as GET _mapping shows it. */
export interface Mapping {
  dynamic: 'strict';
  _meta?: Json;
  properties: Fields;
}

const PARAMS_OF_FIELD: Record<string, string[]> = {
  keyword: ['index', 'doc_values'],
  long: ['index'],
  date: ['format'],
  text: ['index', 'analyzer', 'index_prefixes'],
  object: ['enabled'],
};
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The mapping of an index-creation body, which may hold only what the fake implements. */
export function parseIndexBody(body: Json): Mapping {
  allowKeys(body, ['settings', 'mappings'], 'index creation');
  if (body.settings !== undefined) {
    const settings = object(body.settings, 'settings');
    allowKeys(settings, ['index'], 'settings');
    allowKeys(object(settings.index, 'settings.index'), ['number_of_shards'], 'settings.index');
  }
  const mappings = object(body.mappings, 'mappings');
  allowKeys(mappings, ['dynamic', '_meta', 'properties'], 'mappings');
  if (mappings.dynamic !== 'strict') refuse('the fake only implements dynamic: strict');
  return {
    dynamic: 'strict',
    ...(mappings._meta === undefined ? {} : { _meta: object(mappings._meta, '_meta') }),
    properties: parseProperties(mappings.properties),
  };
}

/**
 * `PUT <index>/_mapping`: new fields are added, a field mapped already must be sent unchanged
 * (OpenSearch cannot change a field's mapping in place), and `_meta` is replaced when sent.
 */
export function putMapping(mapping: Mapping, body: Json): Mapping {
  allowKeys(body, ['_meta', 'properties'], 'put mapping');
  const added = body.properties === undefined ? {} : parseProperties(body.properties);
  for (const [name, field] of Object.entries(added)) {
    const current = mapping.properties[name];
    if (current !== undefined && JSON.stringify(current) !== JSON.stringify(field)) {
      refuse(`mapper [${name}] cannot be changed`, 'illegal_argument_exception');
    }
  }
  return {
    ...mapping,
    ...(body._meta === undefined ? {} : { _meta: object(body._meta, '_meta') }),
    properties: { ...mapping.properties, ...added },
  };
}

function parseProperties(properties: unknown): Fields {
  const fields: Fields = {};
  for (const [field, spec] of Object.entries(object(properties, 'properties'))) {
    const { type, ...params } = object(spec, field) as unknown as Field;
    const allowed = PARAMS_OF_FIELD[type];
    if (!allowed) refuse(`[${field}] has unknown type [${type}]`, 'mapper_parsing_exception');
    allowKeys(params, allowed!, `[${field}]`, 'mapper_parsing_exception');
    if (params.format !== undefined && params.format !== 'strict_date_optional_time') {
      refuse(`[${field}] format not implemented by the fake`, 'mapper_parsing_exception');
    }
    // Only what the catalog's `words` uses: the values are already split and folded.
    if (params.analyzer !== undefined && params.analyzer !== 'whitespace') {
      refuse(`[${field}] analyzer not implemented by the fake`, 'mapper_parsing_exception');
    }
    if (params.index_prefixes !== undefined) {
      const prefixes = object(params.index_prefixes, `[${field}].index_prefixes`);
      allowKeys(prefixes, ['min_chars', 'max_chars'], 'index_prefixes', 'mapper_parsing_exception');
      const { min_chars: min, max_chars: max } = prefixes;
      if (
        !Number.isInteger(min) ||
        !Number.isInteger(max) ||
        +min! < 0 ||
        +max! > 19 ||
        +min! > +max!
      ) {
        refuse('index_prefixes: 0 <= min_chars <= max_chars < 20', 'mapper_parsing_exception');
      }
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
      if (!ok) {
        const type = field!.type;
        refuse(`failed to parse field [${name}] of type [${type}]`, 'mapper_parsing_exception');
      }
    }
  }
  return source;
}
