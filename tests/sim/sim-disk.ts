// One node's disk: a CrashFs (only fsync'd bytes survive powerCut) behind a FileSystem that
// makes every fsync take seeded fake time, as a real disk does. Without it an fsync costs no fake
// time, and races that need a write to wait on the disk while messages move could never happen.
import { CrashFs } from '../../cluster/kvs/io/crash-fs.ts';
import type { AppendHandle, FileSystem } from '../../cluster/common/files.ts';
import type { SimScheduler } from './sim-scheduler.ts';

export class SimDisk {
  private crashFs: CrashFs;

  constructor(
    private readonly clock: SimScheduler,
    private readonly random: () => number,
    /** Upper bound of one fsync's latency in fake ms (0: instant). */
    private readonly fsyncMsMax: number,
  ) {
    this.crashFs = new CrashFs({ onOperation: () => clock.activity++ });
  }

  /**
   * A FileSystem over the disk as it is now; after a power cut, open a new one. sleep is how
   * the process waits for its disk (a stalled process sees an fsync end only when it resumes).
   */
  fileSystem(sleep: (ms: number) => Promise<void> = (ms) => this.clock.sleep(ms)): FileSystem {
    return new LatencyFs(this.crashFs, () => this.latency(), sleep);
  }

  /** The machine loses power: only what was fsync'd survives; an unsynced append may be torn. */
  powerCut(): void {
    this.crashFs = this.crashFs.powerCut({ random: this.random });
  }

  private latency(): number {
    if (this.fsyncMsMax <= 0) return 0;
    // Mostly quick, now and then a slow one.
    return this.random() < 0.1 ? Math.floor(this.random() * this.fsyncMsMax * 4) : Math.floor(this.random() * (this.fsyncMsMax + 1));
  }
}

class LatencyFs implements FileSystem {
  constructor(
    private readonly inner: CrashFs,
    private readonly latency: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  private async wait(): Promise<void> {
    const ms = this.latency();
    if (ms > 0) await this.sleep(ms);
  }

  async openAppend(file: string): Promise<AppendHandle> {
    const handle = await this.inner.openAppend(file);
    const wait = () => this.wait();
    return {
      write: (data) => handle.write(data),
      // Completes after the latency; it covers at least what was written before it was called.
      sync: async () => {
        await wait();
        await handle.sync();
      },
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  }

  readFile(file: string): Promise<Buffer> {
    return this.inner.readFile(file);
  }

  readRange(file: string, offset: number, length: number): Promise<Buffer> {
    return this.inner.readRange(file, offset, length);
  }

  size(file: string): Promise<number> {
    return this.inner.size(file);
  }

  async writeFileDurable(file: string, data: Buffer | readonly Buffer[]): Promise<void> {
    await this.wait();
    await this.inner.writeFileDurable(file, data);
  }

  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }

  unlink(file: string): Promise<void> {
    return this.inner.unlink(file);
  }

  readdir(dir: string): Promise<string[]> {
    return this.inner.readdir(dir);
  }

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }

  async syncDir(dir: string): Promise<void> {
    await this.wait();
    await this.inner.syncDir(dir);
  }

  exists(file: string): Promise<boolean> {
    return this.inner.exists(file);
  }
}
