// The local IdentityProvider: accounts in SQLite (local-user-store.ts) and ID tokens signed with
// an RS256 key pair in DATA_DIR/keys (local-token-issuer.ts), shaped like Cognito's so that
// http/authenticate.ts verifies both kinds the same way. Refuses with domain errors
// (UsernameTaken, CredentialsRejected, IncorrectCredentials), never an HTTP status.
import { join } from 'node:path';
import type { JSONWebKey } from 'jwks-rsa';
import type { Db } from '../db/database.js';
import { IncorrectCredentials } from '../domain/errors.js';
import type { IdentityProvider, Session, TokenRules } from './identity-provider.js';
import { LocalTokenIssuer } from './local-token-issuer.js';
import { LocalUserStore } from './local-user-store.js';
import { enforcePasswordRule } from './password-rule.js';

export interface LocalIdentityOptions {
  db: Db;
  dataDir: string;
  /** The `iss` of every token: PUBLIC_URL. */
  issuer: string;
  audience?: string;
  tokenTtlSeconds?: number;
}

export class LocalIdentityProvider implements IdentityProvider {
  readonly tokenRules: TokenRules;

  private constructor(
    private readonly users: LocalUserStore,
    private readonly tokens: LocalTokenIssuer,
  ) {
    this.tokenRules = tokens.tokenRules;
  }

  static async open(options: LocalIdentityOptions): Promise<LocalIdentityProvider> {
    const { db, dataDir, issuer, audience = 'pixtag', tokenTtlSeconds = 3600 } = options;
    const [users, tokens] = await Promise.all([
      LocalUserStore.open(db),
      LocalTokenIssuer.open({ keysDir: join(dataDir, 'keys'), issuer, audience, tokenTtlSeconds }),
    ]);
    return new LocalIdentityProvider(users, tokens);
  }

  async signUp(username: string, password: string): Promise<void> {
    enforcePasswordRule(password);
    await this.users.create(username, password);
  }

  async signIn(username: string, password: string): Promise<Session> {
    const user = await this.users.authenticate(username, password);
    if (!user) throw new IncorrectCredentials();
    return this.tokens.issueIdToken(user);
  }

  publicJwks(): { keys: JSONWebKey[] } {
    return this.tokens.publicJwks();
  }
}
