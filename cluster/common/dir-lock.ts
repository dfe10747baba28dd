// One process per data directory. Two storage nodes writing one log (say, `npm run kvs -- g0r1`
// typed twice, or a node started while an old one still shuts down) would interleave their
// records and lose acknowledged writes; two coordinators would each hand out epochs. So a
// process that owns a directory holds `<dir>/LOCK`, holding its pid and what it is.
//
// Node has no flock(), so the lock is a file created with O_EXCL. A LOCK whose process is gone
// (kill -9, power cut) is stale and taken over; "gone" means no process with that pid, or one
// whose command line does not name the same owner (the pid was reused after a reboot).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface DirLock {
  /** Removes the lock if this process still holds it. */
  release(): void;
}

interface LockBody {
  pid: number;
  owner: string;
}

/**
 * Takes `<dir>/LOCK` for `owner` (a word that appears on the owner's command line, like the node
 * id "g0r1" or "coordinator"), or throws naming the process that holds it.
 */
export function lockDir(dir: string, owner: string): DirLock {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'LOCK');
  const body: LockBody = { pid: process.pid, owner };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(body) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return {
        release() {
          if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(file);
    if (holder && holder.pid !== process.pid && isAlive(holder)) {
      throw new Error(`${dir} is in use by process ${holder.pid} (${holder.owner}); stop it first, or remove ${file} if that is wrong`);
    }
    // Stale (or unreadable: a crash between create and write): take it over.
    rmSync(file, { force: true });
  }
  throw new Error(`could not take ${file}: another process keeps taking it`);
}

function readHolder(file: string): LockBody | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockBody>;
    if (Number.isInteger(parsed.pid) && typeof parsed.owner === 'string') return { pid: parsed.pid!, owner: parsed.owner };
  } catch {
    // missing, torn or not ours: treated as stale
  }
  return undefined;
}

/** True when a process with the holder's pid runs and its command line names the owner. */
function isAlive(holder: LockBody): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(holder.owner));
  } catch {
    return true; // no /proc (not Linux): a live pid is taken at its word
  }
}
