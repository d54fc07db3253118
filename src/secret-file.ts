// Secrets made on first start and kept in DATA_DIR (file 0600, folder 0700), so tokens and signed
// URLs stay valid across restarts. Used by the local identity (its RS256 key) and the local blob
// store (its URL-signing secret).
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Reads the secret, or makes it with make() and publishes it first. The new secret goes to a
 * temporary file (0600, flushed) and is then linked into place, so a crash never leaves half a
 * secret, and — a link never replaces a file, unlike a rename — two processes starting at once
 * both end up with the one that landed first.
 */
export async function readOrCreateSecret(
  file: string,
  make: () => Promise<Buffer | string> | Buffer | string = () => randomBytes(32),
): Promise<Buffer> {
  const existing = await readIfExists(file);
  if (existing) return existing;

  const folder = dirname(file);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  const secret = Buffer.from(await make());
  const temporary = `${file}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(secret);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(temporary);
      return readFile(file);
    }
    // Some file systems (certain network and container mounts) have no hard links.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    await rename(temporary, file);
    return secret;
  }
  await unlink(temporary);
  return secret;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
