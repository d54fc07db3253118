// RFC 9457 problem details: the one place that turns errors into HTTP responses.
// AppErrors say what to answer; domain errors are mapped here (toHttpError), and so are
// body-parser's own errors; anything else is a defect, logged with the request id and answered
// as a bare 500 with no internals.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import {
  AccountNotReady,
  CredentialsRejected,
  DomainError,
  IdentityUnavailable,
  ImageAlreadyExists,
  ImageChangedConcurrently,
  ImageNotFound,
  IncorrectCredentials,
  InvalidCursor,
  TagLimitReached,
  TagNotFound,
  TooManyAttempts,
  TransientError,
  UploadInterrupted,
  UploadMalformed,
  UploadRejected,
  UploadTooLarge,
  UsernameTaken,
  type FieldError,
} from '../domain/errors.js';
import { AppError, unsupportedMediaType } from './http-error.js';
import type { Logger } from '../logger.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export function sendProblem(res: Response, error: AppError): void {
  const body: Problem = {
    type: 'about:blank',
    title: error.title,
    status: error.status,
    detail: error.detail,
  };
  if (error.errors?.length) body.errors = error.errors;
  if (error.headers) res.set(error.headers);
  res.status(error.status).type('application/problem+json').send(JSON.stringify(body));
}

/** Errors thrown by body-parser and friends carry an HTTP status and a type. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function fromHttpishError(error: HttpishError): AppError | undefined {
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return new AppError(
        413,
        'Content Too Large',
        'The request body is larger than 16 KiB. Send at most 16 KiB.',
      );
    case 'entity.parse.failed':
      return new AppError(
        400,
        'Bad Request',
        'The request body is not valid JSON. Send a JSON object with Content-Type: application/json.',
      );
    case 'charset.unsupported':
      return unsupportedMediaType(
        'The body must be UTF-8. Send JSON with Content-Type: application/json.',
      );
    case 'encoding.unsupported':
      return new AppError(
        415,
        'Unsupported Media Type',
        'The Content-Encoding is not supported. Send the body uncompressed, or as gzip, deflate or br.',
      );
    case 'request.size.invalid':
      return new AppError(
        400,
        'Bad Request',
        'The body is not as long as its Content-Length header says. Send it again.',
      );
    default: {
      // Express' URIError: a path parameter whose percent-encoding is broken.
      if (error instanceof URIError) {
        return new AppError(
          400,
          'Bad Request',
          'The path has a broken percent-encoding. Encode it again.',
        );
      }
      const title = STATUS_CODES[status] ?? 'Error';
      return new AppError(status, title, `${title}.`);
    }
  }
}

type DomainErrorClass = abstract new (...args: never[]) => DomainError;

/** Each domain error's status; its message is the detail, its field errors the `errors`. */
const STATUS_OF: ReadonlyArray<readonly [DomainErrorClass, number]> = [
  [ImageNotFound, 404],
  [TagNotFound, 404],
  [InvalidCursor, 400],
  [CredentialsRejected, 400],
  [UploadMalformed, 400],
  [UploadInterrupted, 400],
  [IncorrectCredentials, 401],
  [AccountNotReady, 403],
  [UploadRejected, 403],
  [ImageAlreadyExists, 409],
  [ImageChangedConcurrently, 409],
  [TagLimitReached, 409],
  [UsernameTaken, 409],
  [UploadTooLarge, 413],
  [TooManyAttempts, 429],
  [IdentityUnavailable, 503],
];

function fromDomainError(error: DomainError): AppError | undefined {
  const status = STATUS_OF.find(([type]) => error instanceof type)?.[1];
  if (status === undefined) return undefined;
  const headers =
    error instanceof TooManyAttempts
      ? { 'Retry-After': String(error.retryAfterSeconds) }
      : error instanceof IdentityUnavailable
        ? { 'Retry-After': '5' }
        : undefined;
  // RFC 9110 renamed 413; Node's table still has the old name.
  const title = status === 413 ? 'Content Too Large' : (STATUS_CODES[status] ?? 'Error');
  return new AppError(status, title, error.message, {
    ...(error.errors ? { errors: error.errors } : {}),
    ...(headers ? { headers } : {}),
    cause: error,
  });
}

/** The HTTP answer an error stands for; undefined for a defect (answered as a bare 500). */
export function toHttpError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  if (error instanceof TransientError) {
    return new AppError(
      503,
      'Service Unavailable',
      'A service pixtag depends on is unavailable. Try again shortly.',
      { headers: { 'Retry-After': '5' }, cause: error },
    );
  }
  return typeof error === 'object' && error !== null ? fromHttpishError(error) : undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = toHttpError(error);
    if (known) {
      if (known.status >= 500) log.error({ err: error, reqId: req.id }, 'request failed');
      return sendProblem(res, known);
    }
    log.error(
      { err: error, reqId: req.id, method: req.method, path: req.path },
      'unexpected error',
    );
    sendProblem(
      res,
      new AppError(
        500,
        'Internal Server Error',
        'Something went wrong on our side. Try again later.',
      ),
    );
  };
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(
    new AppError(
      404,
      'Not Found',
      `There is no ${req.method} ${req.path}. /docs lists the routes.`,
    ),
  );
};

export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, _res, next) => {
    const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
    next(
      new AppError(
        405,
        'Method Not Allowed',
        `${req.method} is not allowed on ${req.path}. The Allow header lists the methods it takes.`,
        {
          headers: { Allow: allow.join(', ') },
        },
      ),
    );
  };
}
