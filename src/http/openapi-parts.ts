// The pieces /openapi.json is assembled from (http/openapi.ts, http/openapi-files.ts): JSON
// Schemas from the zod schemas, problem answers, parameters. Only builds plain objects.
import * as z from 'zod';
import * as S from './schemas.js';

type JsonSchema = Record<string, unknown>;

const requestSchema = (schema: z.ZodType): JsonSchema =>
  strip(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }));
const responseSchema = (schema: z.ZodType): JsonSchema =>
  strip(z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12', unrepresentable: 'any' }));

function strip(schema: JsonSchema): JsonSchema {
  const copy = { ...schema };
  delete copy.$schema;
  return copy;
}

export const json = (schema: z.ZodType) => ({
  'application/json': { schema: responseSchema(schema) },
});

export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: responseSchema(S.Problem) } },
});

export function queryParameters(schema: z.ZodObject): object[] {
  const properties = (requestSchema(schema).properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** A JSON request body; anything but application/json is refused with 415 (http/validate.ts). */
export const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: requestSchema(schema) } },
});

/** A route anyone may call: the document's default (a bearer token) does not apply. */
export const publicRoute = { security: [] };

/** The answers and parameters most routes share. */
export const secured = { security: [{ bearer: [] }] };
export const authErrors = { '401': problem('Missing, expired or invalid token') };
export const notFound = { '404': problem('No such image for this user') };
export const invalid = { '400': problem('Invalid request (see errors)') };
export const notJson = {
  '415': problem('The body is not JSON: send Content-Type: application/json'),
};
export const imageId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
/**
 * The request header the listings honour (http/listing-cache.ts asksForFresh). Said here because
 * the cache is otherwise invisible: a client that knows of a change the API could not see would
 * keep getting the cached page without learning that it can ask past it.
 */
export const freshListing = {
  name: 'Cache-Control',
  in: 'header',
  required: false,
  description:
    "Listings are cached per user until that user's images change. `no-cache` (or `max-age=0`) answers afresh and refreshes the cache, for a client that knows of a change the API could not see; other directives are ignored.",
  schema: { type: 'string' },
  example: 'no-cache',
};
export const tagName = {
  name: 'tag',
  in: 'path',
  required: true,
  description: 'A tag name, percent-encoded (trimmed and lower-cased by the server).',
  schema: { type: 'string', minLength: 1, maxLength: 64 },
};
