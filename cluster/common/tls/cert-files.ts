// How certificate files reach the disk. A file is written whole under a temporary name, fsync'd,
// then put in place with one rename (or link, to never replace), and the directory fsync'd: a
// process that watches <name>.crt (grpc-js's FileWatcherCertificateProvider) sees the old file
// or the new one, never half of one, and a power cut leaves one of the two.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Private keys; certificates are public. */
export const keyFileMode = 0o600;
export const certFileMode = 0o644;

/** The directory, made 0700 when absent: only its owner should even list the keys. */
export async function makeCertDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Creates or replaces file with data, atomically. */
export async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const tmp = await writeTemp(file, data, mode);
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(path.dirname(file));
}

/** Creates file with data unless it exists (link(2) fails then); false when it existed. */
export async function createFileExclusive(file: string, data: string, mode: number): Promise<boolean> {
  const tmp = await writeTemp(file, data, mode);
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await syncDir(path.dirname(file));
  return true;
}

/** A temp file beside `file` (same file system, so rename and link work) holding data, fsync'd. */
async function writeTemp(file: string, data: string, mode: number): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // 'wx': never follow or reuse something already at that name.
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return tmp;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
