// Closed-loop load: `clients` concurrent loops each running op() until the time is up, with
// every latency recorded. Shared by the benchmarks.
export interface LoadResult {
  ops: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(clients: number, seconds: number, op: (client: number, n: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t = performance.now();
        try {
          await op(client, n);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    errors,
    seconds: elapsed,
    opsPerSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

/** The q-quantile (0 … 1) of values sorted ascending; NaN when there are none. */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * Runs `run` `warmup` times untimed (the code on its path compiled), then `timed` times, calling
 * `beforeTimed` in between (to start other measures there); answers the timed results, and how
 * to print their rates beside the median.
 */
export async function timedPasses<T>(warmup: number, timed: number, run: () => Promise<T>, rate: (result: T) => number, beforeTimed = () => {}) {
  for (let pass = 0; pass < warmup; pass++) await run();
  beforeTimed();
  const results: T[] = [];
  for (let pass = 0; pass < timed; pass++) results.push(await run());
  const rates = results.map(rate);
  return { results, median: median(rates), note: `median of ${timed} after ${warmup} untimed: ${rates.map((r) => r.toFixed(1)).join(' / ')}` };
}

/**
 * Runs each load untimed for an equal share of `seconds` before a bench's first timed phase, so
 * that what it times is the processes running, not V8 compiling them (docs/PERFORMANCE.md,
 * "Warm-up"); BENCH_WARMUP_SECONDS sets the length (default 6, 0: none).
 */
export async function warmUp(clients: number, ...loads: ((client: number, n: number) => Promise<unknown>)[]): Promise<void> {
  const seconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 6) || 0;
  if (seconds <= 0 || loads.length === 0) return;
  for (const op of loads) await runLoad(clients, seconds / loads.length, op);
  console.log(`warm-up: ${seconds} s of the same load, untimed`);
}

export function formatLoad(name: string, r: LoadResult, extra = ''): string {
  return `${name.padEnd(28)} ${r.opsPerSecond.toFixed(0).padStart(8)} ops/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  (${r.ops} ops, ${r.errors} errors)${extra}`;
}
