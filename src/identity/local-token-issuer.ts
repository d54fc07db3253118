// The local identity's token issuer: an RS256 key pair kept in DATA_DIR/keys that signs ID tokens
// shaped like Cognito's, so http/authenticate.ts verifies both kinds the same way. The public key
// is handed to the verifier in-process (tokenRules.jwks.keys), so the app never calls itself over
// HTTP; publicJwks() is what /.well-known/jwks.json serves. Knows keys and JWTs, not users.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomUUID,
  sign,
  type KeyObject,
} from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JSONWebKey } from 'jwks-rsa';
import { readOrCreateSecret } from '../secret-file.js';
import type { Session, TokenRules } from './identity-provider.js';

export interface LocalTokenIssuerOptions {
  /** Where the private key is kept (made on first start). */
  keysDir: string;
  /** The `iss` of every token. */
  issuer: string;
  /** The `aud` of every token. */
  audience: string;
  tokenTtlSeconds: number;
}

/** Who a token is for: its `sub` and `username` claims. */
export interface TokenSubject {
  id: string;
  username: string;
}

export class LocalTokenIssuer {
  readonly tokenRules: TokenRules;

  private constructor(
    private readonly signingKey: SigningKey,
    private readonly options: LocalTokenIssuerOptions,
  ) {
    this.tokenRules = {
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: { token_use: 'id' },
      jwks: { keys: async () => this.publicJwks().keys },
    };
  }

  static async open(options: LocalTokenIssuerOptions): Promise<LocalTokenIssuer> {
    return new LocalTokenIssuer(await loadOrCreateSigningKey(options.keysDir), options);
  }

  publicJwks(): { keys: JSONWebKey[] } {
    return { keys: [{ ...this.signingKey.publicJwk }] };
  }

  async issueIdToken(subject: TokenSubject): Promise<Session> {
    const { issuer, audience, tokenTtlSeconds } = this.options;
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.signingKey.kid };
    const claims = {
      iss: issuer,
      aud: audience,
      sub: subject.id,
      iat: now,
      exp: now + tokenTtlSeconds,
      username: subject.username,
      token_use: 'id',
      jti: randomUUID(),
    };
    const signingInput = `${base64urlJson(header)}.${base64urlJson(claims)}`;
    // RSA signing takes a millisecond or two: the async form runs it off the event loop.
    const signature = await signAsync('sha256', Buffer.from(signingInput), this.signingKey.private);
    return {
      token: `${signingInput}.${signature.toString('base64url')}`,
      tokenType: 'Bearer',
      expiresIn: tokenTtlSeconds,
    };
  }
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
