// At most `running` tasks at once, at most `queued` more waiting in order; past that, run()
// refuses at once with UNAVAILABLE instead of letting the queue grow. Guards CPU- and
// memory-heavy work such as scrypt (32 MiB and tens of ms per hash).
import { PennError } from '../../common/errors.ts';

export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly runningMax: number,
    private readonly queuedMax: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.runningMax) {
      if (this.waiting.length >= this.queuedMax) throw new PennError('unavailable', 'The server is busy; try again in a moment.');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never drops below the queue.
      if (next) next();
      else this.active--;
    }
  }
}
