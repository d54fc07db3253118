// The local IdentityProvider: users in SQLite with scrypt hashes, and an RS256 key pair in
// DATA_DIR/keys that signs ID tokens shaped like Cognito's, so http/authenticate.ts verifies both
// kinds the same way. The public key is handed to the verifier in-process (tokenRules.jwks.keys),
// so the app never calls itself over HTTP; publicJwks() is what /.well-known/jwks.json serves.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  randomUUID,
  scrypt,
  sign,
  timingSafeEqual,
  type KeyObject,
  type ScryptOptions,
} from 'node:crypto';
import { readOrCreateSecret } from '../secret-file.js';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { JSONWebKey } from 'jwks-rsa';
import type { Db } from '../db/database.js';
import { badRequest, conflict, unauthorized } from '../http/http-error.js';
import type { IdentityProvider, Session, TokenRules } from './identity-provider.js';

export interface LocalIdentityOptions {
  db: Db;
  dataDir: string;
  /** The `iss` of every token: PUBLIC_URL. */
  issuer: string;
  audience?: string;
  tokenTtlSeconds?: number;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
}

const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
const PASSWORD_LENGTH = { min: 8, max: 256 };

export class LocalIdentityProvider implements IdentityProvider {
  readonly tokenRules: TokenRules;
  private readonly findUser: Database.Statement<[string], UserRow>;
  private readonly insertUser: Database.Statement<[UserRow & { created_at: string }]>;

  private constructor(
    db: Db,
    private readonly signingKey: SigningKey,
    /** Hash of a random password: an unknown user is checked against it, at the same cost. */
    private readonly dummyHash: string,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly tokenTtlSeconds: number,
  ) {
    this.findUser = db.prepare<[string], UserRow>(
      'SELECT id, username, password_hash FROM users WHERE username = ?',
    );
    this.insertUser = db.prepare(
      'INSERT INTO users (id, username, password_hash, created_at) VALUES (@id, @username, @password_hash, @created_at)',
    );
    this.tokenRules = {
      issuer,
      audience,
      requiredClaims: { token_use: 'id' },
      jwks: { keys: async () => this.publicJwks().keys },
    };
  }

  static async open(options: LocalIdentityOptions): Promise<LocalIdentityProvider> {
    const { db, dataDir, issuer, audience = 'pixtag', tokenTtlSeconds = 3600 } = options;
    const [signingKey, dummyHash] = await Promise.all([
      loadOrCreateSigningKey(join(dataDir, 'keys')),
      hashPassword(randomBytes(32).toString('base64url')),
    ]);
    return new LocalIdentityProvider(db, signingKey, dummyHash, issuer, audience, tokenTtlSeconds);
  }

  async signUp(username: string, password: string): Promise<void> {
    // The routes validate too; this guard keeps a direct caller from storing a trivial password
    // or making scrypt chew a huge one.
    if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
      const message = `must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters`;
      throw badRequest(`The password ${message}.`, [{ path: 'password', message }]);
    }
    const passwordHash = await hashPassword(password);
    try {
      // The UNIQUE NOCASE column decides, not a prior SELECT, so two racing sign-ups get one 409.
      this.insertUser.run({
        id: randomUUID(),
        username,
        password_hash: passwordHash,
        created_at: new Date().toISOString(),
      });
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw conflict('That username is taken.');
      }
      throw error;
    }
  }

  async signIn(username: string, password: string): Promise<Session> {
    const user = this.findUser.get(username);
    const matches = await verifyPassword(password, user?.password_hash ?? this.dummyHash);
    if (!user || !matches) throw unauthorized(INCORRECT_CREDENTIALS);
    return this.issueIdToken(user);
  }

  publicJwks(): { keys: JSONWebKey[] } {
    return { keys: [{ ...this.signingKey.publicJwk }] };
  }

  private async issueIdToken(user: UserRow): Promise<Session> {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.signingKey.kid };
    const claims = {
      iss: this.issuer,
      aud: this.audience,
      sub: user.id,
      iat: now,
      exp: now + this.tokenTtlSeconds,
      username: user.username,
      token_use: 'id',
      jti: randomUUID(),
    };
    const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
    // RSA signing takes a millisecond or two: the async form runs it off the event loop.
    const signature = await signAsync('sha256', Buffer.from(signingInput), this.signingKey.private);
    return {
      token: `${signingInput}.${signature.toString('base64url')}`,
      tokenType: 'Bearer',
      expiresIn: this.tokenTtlSeconds,
    };
  }
}

// --- passwords ------------------------------------------------------------------------------

// 16 MiB and about 50 ms per hash. The parameters are stored with each hash, so raising them
// later only affects new hashes and old ones still verify.
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength } = SCRYPT;
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, keyLength, {
    N,
    r,
    p,
    maxmem: scryptMemory(N, r),
  });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (scheme !== 'scrypt' || rest.length > 0 || !salt || !hash) return false;
  if (![N, R, P].every((value) => Number.isSafeInteger(value) && value > 0)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N,
    r: R,
    p: P,
    maxmem: scryptMemory(N, R),
  });
  return timingSafeEqual(actual, expected);
}

/** Node refuses scrypt above `maxmem` (32 MiB by default); allow what the parameters need. */
function scryptMemory(N: number, r: number): number {
  return 2 * 128 * N * r;
}

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

// --- the signing key ------------------------------------------------------------------------

interface SigningKey {
  private: KeyObject;
  kid: string;
  publicJwk: JSONWebKey;
}

const PRIVATE_KEY_FILE = 'signing-key.pem';
const generateRsaKeyPair = promisify(generateKeyPair);
const signAsync = promisify(sign);

async function loadOrCreateSigningKey(keysDir: string): Promise<SigningKey> {
  const file = join(keysDir, PRIVATE_KEY_FILE);
  const pem = await readOrCreateSecret(file, async () => {
    const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    return privateKey.export({ type: 'pkcs8', format: 'pem' });
  });
  return describeKey(file, pem.toString('utf8'));
}

function describeKey(file: string, pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`The signing key ${file} cannot be read; delete it to make a new one.`, {
      cause: error,
    });
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < 2048) {
    throw new Error(`The signing key ${file} is not an RSA key of at least 2048 bits.`);
  }
  const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('RSA JWK without n or e');
  const kid = jwkThumbprint({ e, kty: 'RSA', n });
  return {
    private: privateKey,
    kid,
    publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' },
  };
}

/** RFC 7638: SHA-256 of the required members, in lexicographic order, without whitespace. */
function jwkThumbprint(required: { e: string; kty: 'RSA'; n: string }): string {
  const canonical = JSON.stringify({ e: required.e, kty: required.kty, n: required.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

function base64urlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
