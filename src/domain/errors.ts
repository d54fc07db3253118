// The failures every layer may name. Use cases and adapters throw these (never an HTTP status);
// http/problem.ts is the one place that turns each into a response. A message is the detail a
// user reads, so it says what happened and what to do, in their words.

/** A field of the request and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

interface DomainErrorOptions {
  cause?: unknown;
  errors?: FieldError[];
}

/** A known outcome, not a defect: its message is safe to show the user. */
export abstract class DomainError extends Error {
  readonly errors: FieldError[] | undefined;
  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.errors = options.errors;
  }
}

// ---- images

/** No such image, or it belongs to someone else: the two are never told apart. */
export class ImageNotFound extends DomainError {
  override readonly name = 'ImageNotFound';
  constructor(what = 'The image') {
    super(`${what} was not found.`);
  }
}

export class ImageAlreadyExists extends DomainError {
  override readonly name = 'ImageAlreadyExists';
  constructor(id: string) {
    super(`An image with id ${id} already exists.`);
  }
}

/** Another writer changed the image between our read and our write, more than once. */
export class ImageChangedConcurrently extends DomainError {
  override readonly name = 'ImageChangedConcurrently';
  constructor(id: string) {
    super(`Image ${id} changed while it was being updated. Try again.`);
  }
}

/** None of the owner's images carries the tag. */
export class TagNotFound extends DomainError {
  override readonly name = 'TagNotFound';
  constructor(tag: string) {
    super(`None of your images has the tag "${tag}".`);
  }
}

/** An edit would put more than MAX_USER_TAGS of the user's tags on one image. */
export class TagLimitReached extends DomainError {
  override readonly name = 'TagLimitReached';
  constructor(id: string, max: number) {
    super(
      `Image ${id} already has ${max} of your tags, the most one image can carry. Remove one first.`,
    );
  }
}

/** A page cursor that no catalog made. */
export class InvalidCursor extends DomainError {
  override readonly name = 'InvalidCursor';
  constructor(reason: string) {
    super('The cursor is not valid.', { errors: [{ path: 'cursor', message: reason }] });
  }
}

// ---- accounts

export class UsernameTaken extends DomainError {
  override readonly name = 'UsernameTaken';
  constructor() {
    super('That username is taken.');
  }
}

/** The identity provider refused the password (or, with `path` unset, the credentials). */
export class CredentialsRejected extends DomainError {
  override readonly name = 'CredentialsRejected';
  constructor(detail: string, errors?: FieldError[]) {
    super(detail, errors ? { errors } : {});
  }
}

/** The same for an unknown user and a wrong password, so neither can be told from the other. */
export class IncorrectCredentials extends DomainError {
  override readonly name = 'IncorrectCredentials';
  constructor() {
    super('Incorrect username or password.');
  }
}

/** The account exists but cannot sign in as it is (unconfirmed, a reset or a step pending). */
export class AccountNotReady extends DomainError {
  override readonly name = 'AccountNotReady';
}

/** Too many attempts: the caller may try again after `retryAfterSeconds`. */
export class TooManyAttempts extends DomainError {
  override readonly name = 'TooManyAttempts';
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail);
  }
}

/** The identity service is down or unreachable: worth trying again shortly. */
export class IdentityUnavailable extends DomainError {
  override readonly name = 'IdentityUnavailable';
  constructor(options: { cause?: unknown } = {}) {
    super('Sign-in service unavailable.', options);
  }
}

// ---- uploads (the local store's signed URLs)

/** The request does not carry a valid signature for what it does (unsigned, altered, expired). */
export class UploadRejected extends DomainError {
  override readonly name = 'UploadRejected';
}

/** The request's headers or body do not match what was signed (length, early end). */
export class UploadMalformed extends DomainError {
  override readonly name = 'UploadMalformed';
}

/** More bytes than the size the URL was signed for. */
export class UploadTooLarge extends DomainError {
  override readonly name = 'UploadTooLarge';
}

/** The client went away before the last byte; nothing was kept. */
export class UploadInterrupted extends DomainError {
  override readonly name = 'UploadInterrupted';
  constructor(options: { cause?: unknown } = {}) {
    super('The upload was interrupted before it ended.', options);
  }
}

// ---- processing

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
