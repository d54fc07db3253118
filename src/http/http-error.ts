// An HTTP answer that is not a success: its status, title and detail. Only http/ makes these;
// the layers below throw domain errors (domain/errors.ts), which http/problem.ts maps to one.
import type { FieldError } from '../domain/errors.js';

export interface AppErrorExtra {
  errors?: FieldError[] | undefined;
  headers?: Record<string, string> | undefined;
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    extra: AppErrorExtra = {},
  ) {
    super(detail ?? title, { cause: extra.cause });
    this.errors = extra.errors;
    this.headers = extra.headers;
  }

  get detail(): string {
    return this.message;
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'Bad Request', detail, { errors });
export const unauthorized = (detail: string, headers?: Record<string, string>) =>
  new AppError(401, 'Unauthorized', detail, { headers });
export const forbidden = (detail: string) => new AppError(403, 'Forbidden', detail);
export const notFound = (what: string) => new AppError(404, 'Not Found', `${what} was not found.`);
export const conflict = (detail: string) => new AppError(409, 'Conflict', detail);
/** Accept names the one media type the JSON routes take (RFC 9110, 415). */
export const unsupportedMediaType = (detail: string) =>
  new AppError(415, 'Unsupported Media Type', detail, { headers: { Accept: 'application/json' } });
export const payloadTooLarge = (detail: string) => new AppError(413, 'Content Too Large', detail);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, 'Too Many Requests', detail, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
