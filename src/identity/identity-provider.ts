// The IdentityProvider port: accounts and the tokens that prove them. Adapters: local.ts (users
// in SQLite, an RS256 key pair in DATA_DIR) and cognito.ts (a Cognito user pool); both pass
// test/contract/identity-provider.contract.ts. Whatever the adapter, tokens are verified the same
// way (http/authenticate.ts: express-jwt + jwks-rsa); the adapter only says where the keys are and
// what the claims must be. Adapters refuse with the domain errors of domain/errors.ts, never an
// HTTP status: http/problem.ts answers each.
import type { JSONWebKey } from 'jwks-rsa';

export interface Session {
  token: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
}

export interface TokenRules {
  /** The exact `iss` claim. */
  issuer: string;
  /** The exact `aud` claim. */
  audience: string;
  /** Claims that must hold these exact values (Cognito: token_use = id). */
  requiredClaims?: Record<string, string>;
  /** Where the signing keys are: a JWKS URL, or a function handing the keys over in-process. */
  jwks: { uri: string } | { keys: () => Promise<JSONWebKey[]> };
}

export interface IdentityProvider {
  /**
   * Throws UsernameTaken when the username is taken, CredentialsRejected when the password (or
   * username) is refused; TooManyAttempts or IdentityUnavailable when the service says so.
   */
  signUp(username: string, password: string): Promise<void>;
  /**
   * Throws the same IncorrectCredentials for an unknown user and a wrong password,
   * AccountNotReady for an account that cannot sign in as it is; TooManyAttempts or
   * IdentityUnavailable when the service says so.
   */
  signIn(username: string, password: string): Promise<Session>;
  readonly tokenRules: TokenRules;
  /** The public JWKS to serve at /.well-known/jwks.json, for a provider that issues its own. */
  publicJwks?(): { keys: JSONWebKey[] };
}
