// `npm test` (all suites) and the fast part of `npm run check`. Runs each suite as its own
// process, reads its counts, and ends with one line `N passed, N failed` over every suite.
// Exit code 1 when any test failed or any suite could not report.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Suite {
  name: string;
  files: string[];
  /** Real-process suites run one file at a time: they share two cores. */
  concurrency: number;
}

function findTests(dir: string, out: string[] = []): string[] {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return out;
  for (const entry of readdirSync(abs)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const rel = path.join(dir, entry);
    if (statSync(path.join(root, rel)).isDirectory()) findTests(rel, out);
    else if (entry.endsWith('.test.ts')) out.push(rel);
  }
  return out.sort();
}

function suites(mode: string): Suite[] {
  const fast: Suite = {
    name: 'unit',
    files: [...findTests('cluster'), ...findTests('tests/lib'), ...findTests('tests/sim')],
    concurrency: 2,
  };
  if (mode === 'fast') return [fast];
  return [fast, { name: 'reliability', files: findTests('tests/reliability'), concurrency: 1 }];
}

interface Counts {
  passed: number;
  failed: number;
}

function runSuite(suite: Suite): Promise<Counts> {
  if (suite.files.length === 0) return Promise.resolve({ passed: 0, failed: 0 });
  process.stdout.write(`\n=== ${suite.name}: ${suite.files.length} files ===\n`);
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=tap',
    `--test-concurrency=${suite.concurrency}`,
    ...suite.files,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4096);
    });
    child.on('exit', (code) => {
      const pass = /^# pass (\d+)$/m.exec(tail);
      const fail = /^# fail (\d+)$/m.exec(tail);
      if (!pass || !fail) {
        process.stdout.write(`suite ${suite.name} ended (exit ${code}) without counts\n`);
        resolve({ passed: 0, failed: 1 });
        return;
      }
      const counts = { passed: Number(pass[1]), failed: Number(fail[1]) };
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      resolve(counts);
    });
  });
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'all';
  const total: Counts = { passed: 0, failed: 0 };
  const lines: string[] = [];
  for (const suite of suites(mode)) {
    const started = Date.now();
    const counts = await runSuite(suite);
    total.passed += counts.passed;
    total.failed += counts.failed;
    lines.push(`${suite.name}: ${counts.passed} passed, ${counts.failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n${total.passed} passed, ${total.failed} failed\n`);
  process.exit(total.failed > 0 ? 1 : 0);
}

void main();
