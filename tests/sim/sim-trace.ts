// What happened in one run, line by line with the fake time: hashed as it goes (two runs of one
// seed must give one hash), the last lines kept for a failure report, all of them printed when
// SIM_TRACE is set.
import { createHash } from 'node:crypto';
import type { Logger } from '../../cluster/common/log.ts';

const tailLinesMax = 300;

export class Trace {
  private readonly hash = createHash('sha256');
  private readonly ring: string[] = [];
  private next = 0;
  lines = 0;

  constructor(
    private readonly now: () => number,
    private readonly echo: ((line: string) => void) | null = null,
  ) {}

  add(line: string): void {
    const text = `${this.now()} ${line}`;
    this.hash.update(text);
    this.hash.update('\n');
    this.lines++;
    if (this.ring.length < tailLinesMax) this.ring.push(text);
    else this.ring[this.next] = text;
    this.next = (this.next + 1) % tailLinesMax;
    this.echo?.(text);
  }

  /** Call once, at the end. */
  digest(): string {
    return this.hash.digest('hex').slice(0, 16);
  }

  tail(): string[] {
    return this.ring.length < tailLinesMax ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}

/** A Logger whose lines go to the trace (messages only: fields may hold stacks and real times). */
export function traceLogger(trace: Trace, prefix = ''): Logger {
  const line = (level: string) => (msg: string) => trace.add(`${prefix}${level} ${msg}`);
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (fields) => traceLogger(trace, typeof fields.node === 'string' ? `${fields.node}: ` : prefix),
  };
}
