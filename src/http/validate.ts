// Parses a request part with its schema, or throws one 400 listing every problem.
import type * as z from 'zod';
import { badRequest } from '../errors.js';

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object sent with Content-Type: application/json.');
  }
  return parse(schema, body, 'The request body is not valid.');
}

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  return parse(schema, query, 'The query string is not valid.');
}

export function parsePath<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  return parse(schema, params, 'The path is not valid.');
}

function parse<T extends z.ZodType>(schema: T, value: unknown, detail: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    detail,
    result.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.map(String).join('.') : keysOf(issue),
      message: issue.message,
    })),
  );
}

/** zod reports unknown keys at the object's own path; name them instead. */
function keysOf(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
}
