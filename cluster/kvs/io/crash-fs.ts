// An in-memory FileSystem that models a power cut, for tests. Each file keeps its current bytes
// and its durable bytes (as of its last fsync); each directory keeps its current entries and its
// durable entries (as of its last directory fsync). Creating, renaming or unlinking a name is
// durable only after a directory fsync: a file's own fsync does not make its name durable.
// powerCut() returns a new CrashFs holding only what was durable, the way a disk would look after
// the machine lost power; the old one stays usable so a test can cut at any moment.
//
// Simplification: mkdir is durable at once (the store creates its directories only at open).
import path from 'node:path';
import type { AppendHandle, FileSystem } from '../../common/files.ts';

interface Inode {
  data: Buffer;
  durable: Buffer;
}

export type CrashFsOp = 'write' | 'sync' | 'truncate' | 'writeFile' | 'rename' | 'unlink' | 'syncDir';

export interface CrashFsOptions {
  /** Called before every change to the disk: a test can cut the power at any of them. */
  onOperation?: (op: CrashFsOp, file: string) => void;
}

/**
 * fsyncs take a turn of the event loop, as a real one takes time: writes that arrive meanwhile
 * queue up behind it, which is what group commit and the crash tests need to see.
 */
const fsyncLatency = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface PowerCutOptions {
  /**
   * With a random source, a file whose unsynced bytes extend its durable bytes keeps a random
   * prefix of them, as a torn append would. Without one, exactly the durable bytes survive.
   */
  random?: () => number;
}

function ioError(code: string, op: string, file: string): Error {
  return Object.assign(new Error(`${code}: ${op} '${file}'`), { code });
}

const norm = (p: string): string => path.posix.normalize(p);

export class CrashFs implements FileSystem {
  private readonly dirs = new Map<string, Map<string, Inode>>();
  private readonly durableDirs = new Map<string, Map<string, Inode>>();
  private readonly faults = new Set<CrashFsOp>();

  constructor(private readonly options: CrashFsOptions = {}) {}

  /** The next operation of this kind throws EIO (once). */
  injectFault(op: CrashFsOp): void {
    this.faults.add(op);
  }

  /** XORs one byte of a file, in both its current and its durable bytes (bit rot). */
  flipByte(file: string, offset: number, mask = 0xff): void {
    const inode = this.lookup(file);
    if (!inode) throw ioError('ENOENT', 'flipByte', file);
    if (!Number.isInteger(offset) || offset < 0 || offset >= inode.data.length) throw new RangeError(`no byte ${offset} in ${file}`);
    for (const key of ['data', 'durable'] as const) {
      if (offset < inode[key].length) {
        const copy = Buffer.from(inode[key]);
        copy[offset] = (copy[offset] as number) ^ mask;
        inode[key] = copy;
      }
    }
  }

  /** What survives a power cut now: durable names pointing at durable bytes. */
  powerCut(options: PowerCutOptions = {}): CrashFs {
    const next = new CrashFs(this.options);
    const copies = new Map<Inode, Inode>();
    const survive = (inode: Inode): Inode => {
      let copy = copies.get(inode);
      if (!copy) {
        let data = inode.durable;
        const extra = inode.data.length - inode.durable.length;
        if (options.random && extra > 0 && inode.data.subarray(0, inode.durable.length).equals(inode.durable)) {
          data = inode.data.subarray(0, inode.durable.length + Math.floor(options.random() * (extra + 1)));
        }
        copy = { data: Buffer.from(data), durable: Buffer.from(data) };
        copies.set(inode, copy);
      }
      return copy;
    };
    for (const [dir, entries] of this.durableDirs) {
      const kept = new Map([...entries].map(([name, inode]) => [name, survive(inode)] as const));
      next.dirs.set(dir, kept);
      next.durableDirs.set(dir, new Map(kept));
    }
    return next;
  }

  private before(op: CrashFsOp, file: string): void {
    this.options.onOperation?.(op, file);
    if (this.faults.delete(op)) throw ioError('EIO', op, file);
  }

  private dirOf(file: string): Map<string, Inode> {
    const entries = this.dirs.get(path.posix.dirname(norm(file)));
    if (!entries) throw ioError('ENOENT', 'open', file);
    return entries;
  }

  private lookup(file: string): Inode | undefined {
    return this.dirs.get(path.posix.dirname(norm(file)))?.get(path.posix.basename(file));
  }

  private need(file: string, op: string): Inode {
    const inode = this.lookup(file);
    if (!inode) throw ioError('ENOENT', op, file);
    return inode;
  }

  async openAppend(file: string): Promise<AppendHandle> {
    const entries = this.dirOf(file);
    const name = path.posix.basename(file);
    let inode = entries.get(name);
    if (!inode) {
      inode = { data: Buffer.alloc(0), durable: Buffer.alloc(0) };
      entries.set(name, inode);
    }
    return new CrashHandle(inode, file, (op) => this.before(op, file));
  }

  async readFile(file: string): Promise<Buffer> {
    return Buffer.from(this.need(file, 'read').data);
  }

  async readRange(file: string, offset: number, length: number): Promise<Buffer> {
    return Buffer.from(this.need(file, 'read').data.subarray(offset, offset + length));
  }

  async size(file: string): Promise<number> {
    return this.need(file, 'stat').data.length;
  }

  async writeFileDurable(file: string, data: Buffer | readonly Buffer[]): Promise<void> {
    this.before('writeFile', file);
    await fsyncLatency();
    const entries = this.dirOf(file);
    const name = path.posix.basename(file);
    const copy = Buffer.concat(Buffer.isBuffer(data) ? [data] : data);
    // Like open(O_TRUNC) + write + fsync: an existing file is rewritten in place.
    const inode = entries.get(name);
    if (inode) Object.assign(inode, { data: copy, durable: copy });
    else entries.set(name, { data: copy, durable: copy });
  }

  async rename(from: string, to: string): Promise<void> {
    this.before('rename', from);
    const inode = this.need(from, 'rename');
    this.dirOf(from).delete(path.posix.basename(from));
    this.dirOf(to).set(path.posix.basename(to), inode);
  }

  async unlink(file: string): Promise<void> {
    this.before('unlink', file);
    this.need(file, 'unlink');
    this.dirOf(file).delete(path.posix.basename(file));
  }

  async readdir(dir: string): Promise<string[]> {
    const entries = this.dirs.get(norm(dir));
    if (!entries) throw ioError('ENOENT', 'readdir', dir);
    const subdirs = [...this.dirs.keys()].filter((d) => d !== '/' && path.posix.dirname(d) === norm(dir));
    return [...entries.keys(), ...subdirs.map((d) => path.posix.basename(d))].sort();
  }

  async mkdir(dir: string): Promise<void> {
    for (let d = norm(dir); !this.dirs.has(d); d = path.posix.dirname(d)) {
      this.dirs.set(d, new Map());
      this.durableDirs.set(d, new Map());
    }
  }

  async syncDir(dir: string): Promise<void> {
    this.before('syncDir', dir);
    await fsyncLatency();
    const entries = this.dirs.get(norm(dir));
    if (!entries) throw ioError('ENOENT', 'syncDir', dir);
    this.durableDirs.set(norm(dir), new Map(entries));
  }

  async exists(file: string): Promise<boolean> {
    return this.dirs.has(norm(file)) || this.lookup(file) !== undefined;
  }
}

class CrashHandle implements AppendHandle {
  private closed = false;

  constructor(
    private readonly inode: Inode,
    private readonly file: string,
    private readonly before: (op: CrashFsOp) => void,
  ) {}

  private check(op: CrashFsOp): void {
    if (this.closed) throw ioError('EBADF', op, this.file);
    this.before(op);
  }

  async write(data: Buffer): Promise<void> {
    this.check('write');
    this.inode.data = Buffer.concat([this.inode.data, data]);
  }

  async sync(): Promise<void> {
    this.check('sync');
    // What is durable is what was written when the fsync began.
    const data = this.inode.data;
    await fsyncLatency();
    this.inode.durable = data;
  }

  async truncate(length: number): Promise<void> {
    this.check('truncate');
    const data = Buffer.alloc(length);
    this.inode.data.copy(data, 0, 0, length);
    this.inode.data = data;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
