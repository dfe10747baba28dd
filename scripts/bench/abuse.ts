// `npm run bench:abuse`: each attack on the edges (scripts/bench/abuse-*.ts), one after another
// on a fresh cluster of its own, printing what the attack achieved and what a real user saw
// meanwhile. Every figure is a FIGURE line (figures.ts) so `npm run bench` can table them.
// BENCH_ONLY=web-edge,accounts,mail runs a subset.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const parts = readdirSync(here)
  .filter((name) => /^abuse-[a-z-]+\.ts$/.test(name))
  .map((name) => name.slice('abuse-'.length, -'.ts'.length))
  .filter((part) => !only || only.includes(part))
  .sort();

let failed = 0;
for (const part of parts) {
  console.log(`=== bench:abuse ${part}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `abuse-${part}.ts`)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`bench:abuse ${part} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
