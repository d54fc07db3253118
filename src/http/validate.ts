// Parses a request part with its schema, or throws one 400 listing every problem (a 415 for a
// body that is not JSON at all).
import type { Request, RequestHandler } from 'express';
import type * as z from 'zod';
import { badRequest, unsupportedMediaType } from './http-error.js';

/** What req.body holds when the request carried a body that express.json() did not read. */
class NonJsonBody {
  constructor(readonly mediaType: string | undefined) {}
}

/**
 * Goes right after express.json(): a body it left unread (a form, text, any type but JSON, or no
 * Content-Type at all) is kept as a NonJsonBody, which parseBody answers with 415. Only routes that
 * read a body look at it, so elsewhere nothing changes (an unknown route is still a 404).
 */
export const flagNonJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
  // Unread is undefined, or on Lambda the raw Buffer serverless-express put there beforehand.
  const unread = req.body === undefined || Buffer.isBuffer(req.body);
  if (unread && hasBody) req.body = new NonJsonBody(mediaTypeOf(req));
  next();
};

function mediaTypeOf(req: Request): string | undefined {
  const type = req.get('content-type')?.split(';')[0]?.trim().toLowerCase().slice(0, 100);
  return type || undefined;
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body instanceof NonJsonBody) {
    throw unsupportedMediaType(
      body.mediaType
        ? `The body is ${body.mediaType}, not JSON. Send JSON with Content-Type: application/json.`
        : 'The body has no Content-Type. Send JSON with Content-Type: application/json.',
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The body must be a JSON object sent with Content-Type: application/json.');
  }
  return parse(schema, body, 'The request body is not valid. Fix the fields listed in errors.');
}

/**
 * A query-string parser for one schema, remembering its results by the exact query string: a
 * client paging or polling sends the same few strings again and again, and the zod run they
 * skip (transforms, pipes, coercion) was about 4% of a page of images. The result depends on
 * nothing but that string; it is frozen, since every request with the string shares it. Only
 * valid strings are kept, at most MAX_CACHED_QUERIES per parser.
 */
export function queryParser<T extends z.ZodType>(schema: T): (req: Request) => z.output<T> {
  let known = new Map<string, z.output<T>>();
  return (req) => {
    const at = req.url.indexOf('?');
    const raw = at === -1 ? '' : req.url.slice(at + 1);
    const cached = known.get(raw);
    if (cached !== undefined) return cached;
    const parsed = deepFreeze(
      parse(
        schema,
        req.query,
        'The query string is not valid. Fix the parameters listed in errors.',
      ),
    );
    if (known.size >= MAX_CACHED_QUERIES) known = new Map();
    known.set(raw, parsed);
    return parsed;
  };
}

const MAX_CACHED_QUERIES = 500;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function parsePath<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  return parse(schema, params, 'The path is not valid. Fix the parts listed in errors.');
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
