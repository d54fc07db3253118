// The one error type that crosses layers. Adapters translate their system's failures into an
// AppError (the client's fault or a known outcome) or a TransientError (worth retrying) at their
// edge; http/problem.ts turns AppErrors into RFC 9457 responses and everything else into a bare 500.

export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorExtra {
  errors?: FieldError[];
  headers?: Record<string, string>;
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
export const notFound = (what: string) => new AppError(404, 'Not Found', `${what} was not found`);
export const conflict = (detail: string) => new AppError(409, 'Conflict', detail);
export const payloadTooLarge = (detail: string) => new AppError(413, 'Content Too Large', detail);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, 'Too Many Requests', detail, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

/** A failure of an outside system that may pass (outage, throttling): the caller retries later. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Processing cannot succeed for this input, however often it is retried (not an image, …). */
export class UnprocessableImageError extends Error {
  override readonly name = 'UnprocessableImageError';
  constructor(
    /** Shown to the user as the image's `error`. */
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
