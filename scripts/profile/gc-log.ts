// Preloaded into every process of a bench, logs each garbage collection with the process's memory
// at that moment, to <PROFILE_DIR>/gc-<pid>.txt (one line per collection: seconds since start,
// kind, duration, resident, V8 heap used, ArrayBuffers). Buffers the collector found dead are
// freed by a background sweeper, so a line's ArrayBuffers can lag a collection by one line.
//   PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import tsx --import ./scripts/profile/gc-log.ts" npm run bench:kvs
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

const file = path.join(process.env.PROFILE_DIR ?? '/tmp', `gc-${process.pid}.txt`);
const kinds = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'full'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'young'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
]);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1;
    const m = process.memoryUsage();
    const at = (entry.startTime / 1000).toFixed(2);
    appendFileSync(file, `${at} s ${kinds.get(kind) ?? kind} ${entry.duration.toFixed(1)} ms: resident ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} MiB, ArrayBuffers ${mib(m.arrayBuffers)} MiB\n`);
  }
}).observe({ entryTypes: ['gc'] });
