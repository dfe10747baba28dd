// A coordinator member's durable Raft state, in <dataDir>/coordinator/<id>/ (RAFT.md, "On disk"):
//
//   term.json      {"term":…,"votedFor":…}            replaced atomically (temp, fsync, rename, fsync dir)
//   snapshot.json  {"index":…,"term":…,"data":"…"}    replaced atomically
//   log            records: length u32 LE, crc32 u32 LE over the body, body = one entry as JSON
//
// save() makes a batch of persist effects durable, in order, before it resolves; the loop sends
// nothing of that step until then. Loading cuts a torn or corrupt tail of the log (the bytes a
// crash left unsynced — never acknowledged to anyone), drops entries a snapshot covers or
// contradicts, and refuses a log that starts after the snapshot (entries missing: damage).
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { AppendHandle, FileSystem } from '../../common/files.ts';
import { PennError } from '../../common/errors.ts';
import type { RaftDurable, RaftEffect, RaftEntry, RaftSnapshot } from '../core/raft.ts';

export type PersistEffect = Extract<RaftEffect, { kind: 'persistHardState' | 'persistLog' | 'persistSnapshot' }>;

export interface RaftStorage {
  load(): Promise<RaftDurable & { cutBytes: number }>;
  save(batch: PersistEffect[]): Promise<void>;
  close(): Promise<void>;
}

/** One entry's record is never larger than this: a command is a few KiB of JSON. */
const recordBytesMax = 4 * 1024 * 1024;
const headerBytes = 8;

export function encodeRecord(entry: RaftEntry): Buffer {
  const body = Buffer.from(JSON.stringify(entry), 'utf8');
  const out = Buffer.allocUnsafe(headerBytes + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, headerBytes);
  return out;
}

/**
 * The entries of a log file up to the first record that is torn, corrupt or out of order. Where
 * the first one starts is load()'s to judge: a first entry after the snapshot's successor is a
 * gap (damage to refuse), not a torn tail to cut.
 */
export function decodeRecords(buf: Buffer): { entries: RaftEntry[]; offsets: number[]; goodBytes: number } {
  const entries: RaftEntry[] = [];
  const offsets: number[] = [];
  let at = 0;
  while (at + headerBytes <= buf.length) {
    const length = buf.readUInt32LE(at);
    if (length > recordBytesMax || at + headerBytes + length > buf.length) break;
    const body = buf.subarray(at + headerBytes, at + headerBytes + length);
    if (crc32(body) !== buf.readUInt32LE(at + 4)) break;
    let entry: RaftEntry;
    try {
      entry = JSON.parse(body.toString('utf8')) as RaftEntry;
    } catch {
      break;
    }
    const expected = entries.length > 0 ? (entries[entries.length - 1] as RaftEntry).index + 1 : undefined;
    const valid = Number.isInteger(entry.index) && Number.isInteger(entry.term) && typeof entry.data === 'string';
    if (!valid || (expected !== undefined && entry.index !== expected)) break;
    entries.push(entry);
    offsets.push(at);
    at += headerBytes + length;
  }
  return { entries, offsets, goodBytes: at };
}

export class FileRaftStorage implements RaftStorage {
  private readonly termFile: string;
  private readonly snapshotFile: string;
  private readonly logFile: string;
  private handle: AppendHandle | undefined;
  /** Byte offset of each stored entry, and the index of the first. */
  private offsets: number[] = [];
  private firstIndex = 1;
  private sizeBytes = 0;

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {
    this.termFile = path.join(dir, 'term.json');
    this.snapshotFile = path.join(dir, 'snapshot.json');
    this.logFile = path.join(dir, 'log');
  }

  async load(): Promise<RaftDurable & { cutBytes: number }> {
    await this.fs.mkdir(this.dir);
    const hard = await this.readJson<{ term: number; votedFor: string }>(this.termFile, { term: 0, votedFor: '' });
    const snapshot = await this.readJson<RaftSnapshot>(this.snapshotFile, { index: 0, term: 0, data: '' });
    const buf = (await this.fs.exists(this.logFile)) ? await this.fs.readFile(this.logFile) : Buffer.alloc(0);
    // The first stored entry may precede the snapshot (a crash between writing the snapshot and
    // rewriting the log); it must not start after snapshot.index + 1 (a gap).
    const decoded = decodeRecords(buf);
    // Such a crash can also leave entries from a history that lost: a snapshot installed from the
    // leader that disagrees with this log at its index keeps no entry after it (core/raft.ts,
    // onSnapshot). Bug fixed here: those entries used to come back on the restart, and a later
    // truncation could not remove them for good. Now the whole stale file goes.
    const atSnapshot = decoded.entries.find((e) => e.index === snapshot.index);
    const stale = atSnapshot !== undefined && atSnapshot.term !== snapshot.term;
    const log = stale ? [] : decoded.entries.filter((e) => e.index > snapshot.index);
    if (log.length > 0 && (log[0] as RaftEntry).index !== snapshot.index + 1) {
      // Checked before anything is cut: a gap is damage to report, and the file stays as found.
      // (It used to be read as a torn first record and the whole log cut, this check unreachable.)
      throw new PennError('failed_precondition', `${this.logFile} starts at entry ${(log[0] as RaftEntry).index}, after the snapshot's ${snapshot.index}: entries are missing`);
    }
    const keptBytes = stale ? 0 : decoded.goodBytes;
    this.handle = await this.fs.openAppend(this.logFile);
    if (keptBytes < buf.length) {
      await this.handle.truncate(keptBytes);
      await this.handle.sync();
    }
    await this.fs.syncDir(this.dir);
    this.offsets = stale ? [] : decoded.offsets;
    this.firstIndex = stale ? snapshot.index + 1 : (decoded.entries[0]?.index ?? snapshot.index + 1);
    this.sizeBytes = keptBytes;
    return { term: hard.term, votedFor: hard.votedFor, snapshot, log, cutBytes: buf.length - decoded.goodBytes };
  }

  async save(batch: PersistEffect[]): Promise<void> {
    let logDirty = false;
    for (const e of batch) {
      if (e.kind === 'persistHardState') {
        await this.replace(this.termFile, JSON.stringify({ term: e.term, votedFor: e.votedFor }));
      } else if (e.kind === 'persistLog') {
        await this.truncateFrom(e.from);
        await this.append(e.entries);
        logDirty = true;
      } else {
        await this.replace(this.snapshotFile, JSON.stringify(e.snapshot));
        await this.rewriteLog(e.log, e.snapshot.index + 1);
        logDirty = false;
      }
    }
    if (logDirty) await this.open().sync();
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private open(): AppendHandle {
    if (!this.handle) throw new PennError('internal', 'raft storage used before load()');
    return this.handle;
  }

  private async truncateFrom(index: number): Promise<void> {
    const at = index - this.firstIndex;
    if (at >= this.offsets.length) return;
    const offset = at <= 0 ? 0 : (this.offsets[at] as number);
    await this.open().truncate(offset);
    this.offsets = at <= 0 ? [] : this.offsets.slice(0, at);
    if (at <= 0) this.firstIndex = index;
    this.sizeBytes = offset;
  }

  private async append(entries: RaftEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.offsets.length === 0) this.firstIndex = (entries[0] as RaftEntry).index;
    const records = entries.map(encodeRecord);
    for (const r of records) {
      this.offsets.push(this.sizeBytes);
      this.sizeBytes += r.length;
    }
    await this.open().write(Buffer.concat(records));
  }

  /** The log after a snapshot: written aside, then renamed over the old one. */
  private async rewriteLog(entries: RaftEntry[], firstIndex: number): Promise<void> {
    const records = entries.map(encodeRecord);
    const temp = `${this.logFile}.tmp`;
    await this.fs.writeFileDurable(temp, Buffer.concat(records));
    await this.open().close();
    await this.fs.rename(temp, this.logFile);
    await this.fs.syncDir(this.dir);
    this.handle = await this.fs.openAppend(this.logFile);
    this.offsets = [];
    this.sizeBytes = 0;
    for (const r of records) {
      this.offsets.push(this.sizeBytes);
      this.sizeBytes += r.length;
    }
    this.firstIndex = entries[0]?.index ?? firstIndex;
  }

  private async replace(file: string, text: string): Promise<void> {
    const temp = `${file}.tmp`;
    await this.fs.writeFileDurable(temp, Buffer.from(text, 'utf8'));
    await this.fs.rename(temp, file);
    await this.fs.syncDir(this.dir);
  }

  private async readJson<T>(file: string, fallback: T): Promise<T> {
    if (!(await this.fs.exists(file))) return fallback;
    const text = (await this.fs.readFile(file)).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      // Written atomically, so never torn: a file that does not parse was damaged outside us.
      throw new PennError('failed_precondition', `${file} is corrupt (${(err as Error).message}); restore this member from a backup or remove its directory so it rejoins empty`);
    }
  }
}
