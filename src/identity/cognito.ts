// The Cognito IdentityProvider: accounts live in a Cognito user pool, sign-in is USER_PASSWORD_AUTH
// (the server receives the password anyway, and cognito-local has no SRP), and the session is
// Cognito's ID token, which http/authenticate.ts verifies against the pool's own JWKS. Cognito's
// error names stop here: each becomes the domain error the IdentityProvider contract promises.
import {
  CognitoIdToken,
  CognitoUserPool,
  type ICognitoStorage,
  type ISignUpResult,
} from 'amazon-cognito-identity-js';
import type { AuthConfig } from '../config.js';
import {
  AccountNotReady,
  CredentialsRejected,
  IdentityUnavailable,
  IncorrectCredentials,
  TooManyAttempts,
  UsernameTaken,
} from '../domain/errors.js';
import { cognitoTokenRules } from './cognito-token-rules.js';
import type { IdentityProvider, Session, TokenRules } from './identity-provider.js';
import { enforcePasswordRule } from './password-rule.js';

export type CognitoIdentityConfig = Omit<Extract<AuthConfig, { kind: 'cognito' }>, 'kind'>;

export interface CognitoIdentityOptions {
  /** The library's fetch has no timeout of its own; past this a call counts as an outage. */
  timeoutMs?: number;
}

/**
 * The library caches every session it sees in a module-wide in-memory store by default, which in
 * a server means every user's tokens kept for ever. pixtag hands tokens to the client instead.
 */
const NO_STORAGE: ICognitoStorage = {
  setItem: () => undefined,
  getItem: () => null,
  removeItem: () => undefined,
  clear: () => undefined,
};

/**
 * The library's HTTP client (fetch, X-Amz-Target, Cognito's error bodies). Its typings leave it
 * out; it is used directly for InitiateAuth because CognitoUser.authenticateUser builds an SRP
 * helper even for USER_PASSWORD_AUTH: a 3072-bit modPow in plain JS, measured here at 170-220 ms
 * of blocked event loop per sign-in, for a value USER_PASSWORD_AUTH never sends.
 */
interface CognitoClient {
  promisifyRequest(operation: string, params: object): Promise<unknown>;
}

interface InitiateAuthResult {
  ChallengeName?: string;
  AuthenticationResult?: { IdToken?: string };
}

export class CognitoIdentityProvider implements IdentityProvider {
  readonly tokenRules: TokenRules;
  private readonly pool: CognitoUserPool;
  private readonly client: CognitoClient;
  private readonly clientId: string;
  private readonly timeoutMs: number;

  constructor(config: CognitoIdentityConfig, options: CognitoIdentityOptions = {}) {
    const { userPoolId, clientId, region, endpoint } = config;
    this.clientId = clientId;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pool = new CognitoUserPool({
      UserPoolId: userPoolId,
      ClientId: clientId,
      // Explicit even for AWS, so AWS_REGION decides, not the prefix of the pool id.
      endpoint: `${endpoint ?? `https://cognito-idp.${region}.amazonaws.com`}/`,
      Storage: NO_STORAGE,
    });
    const client = (this.pool as unknown as { client?: Partial<CognitoClient> }).client;
    if (typeof client?.promisifyRequest !== 'function') {
      throw new Error('amazon-cognito-identity-js has no CognitoUserPool.client.promisifyRequest');
    }
    this.client = client as CognitoClient;

    this.tokenRules = cognitoTokenRules(config);
  }

  async signUp(username: string, password: string): Promise<void> {
    enforcePasswordRule(password);
    try {
      await this.withTimeout(
        new Promise<ISignUpResult | undefined>((resolve, reject) =>
          this.pool.signUp(username, password, [], [], (error, result) =>
            error ? reject(error) : resolve(result),
          ),
        ),
      );
    } catch (error) {
      throw signUpFailure(error);
    }
  }

  async signIn(username: string, password: string): Promise<Session> {
    let result: InitiateAuthResult;
    try {
      result = (await this.withTimeout(
        this.client.promisifyRequest('InitiateAuth', {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: this.clientId,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      )) as InitiateAuthResult;
    } catch (error) {
      throw signInFailure(error);
    }
    const idToken = result.AuthenticationResult?.IdToken;
    if (!idToken) throw challengeRefused(result.ChallengeName);
    const expiresAt = new CognitoIdToken({ IdToken: idToken }).getExpiration();
    if (!Number.isFinite(expiresAt)) throw new Error('Cognito returned an ID token without exp');
    return {
      token: idToken,
      tokenType: 'Bearer',
      // Against this host's clock: it is the one that will judge the token's `exp`.
      expiresIn: Math.max(0, expiresAt - Math.floor(Date.now() / 1000)),
    };
  }

  private withTimeout<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CognitoTimeout(this.timeoutMs)), this.timeoutMs);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }
}

class CognitoTimeout extends Error {
  override readonly name = 'CognitoTimeout';
  constructor(ms: number) {
    super(`Cognito did not answer within ${ms} ms`);
  }
}

/** The error name Cognito answered with; undefined when no Cognito answer was understood. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message.trim().replace(/\.$/, '') : '';
  return message === '' || message === 'null' ? 'refused' : message;
}

function signUpFailure(error: unknown): Error {
  const code = codeOf(error);
  switch (code) {
    case 'UsernameExistsException':
      return new UsernameTaken();
    case 'InvalidPasswordException': {
      const message = messageOf(error);
      return new CredentialsRejected(`The password was refused: ${message}.`, [
        { path: 'password', message },
      ]);
    }
    case 'InvalidParameterException':
      return new CredentialsRejected(`The username or password was refused: ${messageOf(error)}.`);
  }
  return serviceFailure(error, 'SignUp');
}

function signInFailure(error: unknown): Error {
  const code = codeOf(error);
  switch (code) {
    case 'NotAuthorizedException':
      // AWS answers a locked-out user (too many wrong passwords) with this name too.
      if (/attempts exceeded/i.test(messageOf(error))) return tooManySignIns();
      return new IncorrectCredentials();
    // AWS sends UserNotFoundException for an unknown user unless the app client prevents user
    // existence errors; cognito-local sends InvalidPasswordException for a wrong password.
    case 'UserNotFoundException':
    case 'InvalidPasswordException':
      return new IncorrectCredentials();
    case 'UserNotConfirmedException':
      return new AccountNotReady('This account is not confirmed, so it cannot sign in yet.');
    case 'PasswordResetRequiredException':
      return new AccountNotReady('This account must reset its password before it can sign in.');
  }
  return serviceFailure(error, 'InitiateAuth');
}

function tooManySignIns(): TooManyAttempts {
  return new TooManyAttempts('Too many sign-in attempts. Try again later.', 30);
}

/** Cognito failures that may pass on their own: worth a retry soon, not the user's fault. */
const UNAVAILABLE = new Set([
  'NetworkError',
  'InternalErrorException',
  'ServiceUnavailableException',
  // The PreSignUp trigger failed or could not be run.
  'UnexpectedLambdaException',
  'UserLambdaValidationException',
  'InvalidLambdaResponseException',
]);

/** What both operations share: throttling, outages, and the failures that are our own. */
function serviceFailure(error: unknown, operation: string): Error {
  const code = codeOf(error);
  if (code === 'TooManyRequestsException' || code === 'LimitExceededException') {
    return new TooManyAttempts('The sign-in service is busy. Try again shortly.', 5);
  }
  // No code: a network error, a timeout, or an error body that was not Cognito's JSON.
  if (code === undefined || UNAVAILABLE.has(code)) {
    return new IdentityUnavailable({ cause: error });
  }
  // ResourceNotFoundException, a client with a secret, a flow the client does not allow…: the
  // configuration is wrong: a defect for us to fix (a bare 500), not something the user can change.
  return new Error(`Cognito ${operation} failed with ${code}: ${messageOf(error)}`, {
    cause: error,
  });
}

/** InitiateAuth answered with a challenge (MFA, a new password…) instead of tokens. */
function challengeRefused(challenge: string | undefined): Error {
  if (challenge === undefined) return new Error('Cognito InitiateAuth returned no ID token');
  if (challenge === 'NEW_PASSWORD_REQUIRED') {
    return new AccountNotReady('This account must set a new password before it can sign in.');
  }
  return new AccountNotReady(
    `This account needs a sign-in step pixtag does not support (${challenge}).`,
  );
}
