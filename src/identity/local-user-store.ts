// The local identity's users: rows of the SQLite `users` table (usernames unique regardless of
// case) with scrypt password hashes. Knows accounts and passwords, not tokens.
import { randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { UsernameTaken } from '../domain/errors.js';

/** A user as tokens name them. */
export interface LocalUser {
  id: string;
  username: string;
}

interface UserRow extends LocalUser {
  password_hash: string;
}

export class LocalUserStore {
  private readonly findUser: Database.Statement<[string], UserRow>;
  private readonly insertUser: Database.Statement<[UserRow & { created_at: string }]>;

  private constructor(
    db: Db,
    /** Hash of a random password: an unknown user is checked against it, at the same cost. */
    private readonly dummyHash: string,
  ) {
    this.findUser = db.prepare<[string], UserRow>(
      'SELECT id, username, password_hash FROM users WHERE username = ?',
    );
    this.insertUser = db.prepare(
      'INSERT INTO users (id, username, password_hash, created_at) VALUES (@id, @username, @password_hash, @created_at)',
    );
  }

  static async open(db: Db): Promise<LocalUserStore> {
    return new LocalUserStore(db, await hashPassword(randomBytes(32).toString('base64url')));
  }

  /** Adds the user; UsernameTaken when the name is taken, in any case. */
  async create(username: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    try {
      // The UNIQUE NOCASE column decides, not a prior SELECT, so of two racing sign-ups one wins.
      this.insertUser.run({
        id: randomUUID(),
        username,
        password_hash: passwordHash,
        created_at: new Date().toISOString(),
      });
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UsernameTaken();
      }
      throw error;
    }
  }

  /**
   * The user whose password this is; undefined for a wrong password and for an unknown user
   * alike, after the same work, so neither can be told from the other.
   */
  async authenticate(username: string, password: string): Promise<LocalUser | undefined> {
    const user = this.findUser.get(username);
    const matches = await verifyPassword(password, user?.password_hash ?? this.dummyHash);
    return user && matches ? { id: user.id, username: user.username } : undefined;
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
