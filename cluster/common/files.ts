// The store's only door to the disk. Everything durable goes through this interface so a test
// can swap in CrashFs (crash-fs.ts), which loses whatever was not fsync'd. The contract follows
// POSIX as the store relies on it: data is durable after sync(); a name (creation, rename,
// unlink) is durable only after its directory is synced.
import fs from 'node:fs/promises';

/** An open file that writes always append to (O_APPEND). */
export interface AppendHandle {
  /** Appends all of data at the current end. */
  write(data: Buffer): Promise<void>;
  /** fsync: the file's bytes so far survive a power cut. */
  sync(): Promise<void>;
  /** Cuts the file to length bytes; durable after sync(). */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystem {
  /** Opens a file for appending, creating it empty if absent (its name needs syncDir). */
  openAppend(file: string): Promise<AppendHandle>;
  readFile(file: string): Promise<Buffer>;
  /** Up to length bytes from offset; fewer at the end of the file. */
  readRange(file: string, offset: number, length: number): Promise<Buffer>;
  size(file: string): Promise<number>;
  /**
   * Creates or replaces file with data (or its pieces, written in order) and fsyncs the data
   * (not the name: syncDir for that).
   */
  writeFileDurable(file: string, data: Buffer | readonly Buffer[]): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  /** Creates dir and any missing parents. */
  mkdir(dir: string): Promise<void>;
  /** fsync of a directory: the creations, renames and unlinks in it so far survive a power cut. */
  syncDir(dir: string): Promise<void>;
  exists(file: string): Promise<boolean>;
}

/** What writePieces needs of a file handle (fs.FileHandle's writev). */
export interface WritevHandle {
  writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }>;
}

/**
 * Writes the pieces one after another from the file's start, with writev; a short write goes on
 * where it stopped, within a piece or at its end.
 */
export async function writePieces(handle: WritevHandle, pieces: readonly Buffer[]): Promise<void> {
  const rest = pieces.filter((p) => p.length > 0);
  let first = 0;
  let at = 0;
  while (first < rest.length) {
    const { bytesWritten } = await handle.writev(rest.slice(first), at);
    if (bytesWritten <= 0) throw new Error('a write made no progress');
    at += bytesWritten;
    let done = bytesWritten;
    while (first < rest.length && done >= (rest[first] as Buffer).length) done -= (rest[first++] as Buffer).length;
    if (done > 0) rest[first] = (rest[first] as Buffer).subarray(done);
  }
}

class NodeAppendHandle implements AppendHandle {
  constructor(private readonly handle: fs.FileHandle) {}

  async write(data: Buffer): Promise<void> {
    let at = 0;
    // A regular file takes a whole write, but the contract does not promise it: loop.
    while (at < data.length) {
      const { bytesWritten } = await this.handle.write(data, at, data.length - at);
      at += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** The real disk, through node:fs/promises. */
export const nodeFileSystem: FileSystem = {
  async openAppend(file) {
    return new NodeAppendHandle(await fs.open(file, 'a'));
  },

  readFile: (file) => fs.readFile(file),

  async readRange(file, offset, length) {
    const handle = await fs.open(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    } finally {
      await handle.close();
    }
  },

  async size(file) {
    return (await fs.stat(file)).size;
  },

  async writeFileDurable(file, data) {
    const handle = await fs.open(file, 'w');
    try {
      if (Buffer.isBuffer(data)) await handle.writeFile(data);
      else await writePieces(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },

  rename: (from, to) => fs.rename(from, to),
  unlink: (file) => fs.unlink(file),
  readdir: (dir) => fs.readdir(dir),

  async mkdir(dir) {
    await fs.mkdir(dir, { recursive: true });
  },

  async syncDir(dir) {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },

  async exists(file) {
    try {
      await fs.access(file);
      return true;
    } catch {
      return false;
    }
  },
};
