// The headline figures of a benchmark, in one machine-readable form beside the readable lines:
// each `figure()` prints `FIGURE <bench> <name> <value> <unit>`, and `npm run bench`
// (scripts/bench/all.ts) collects those lines from every bench into one table with the peers'
// figures of the same pass. Names are short, lowercase, words joined by '_' (`put_256b_ops`).

export interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
}

const prefix = 'FIGURE ';

/** Prints one headline figure of `bench` (e.g. `figure('kvs', 'put_256b', 5898, 'ops/s')`). */
export function figure(bench: string, name: string, value: number, unit: string): void {
  if (!/^[a-z0-9_:]+$/.test(bench) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`bad figure name ${bench} ${name}`);
  console.log(`${prefix}${bench} ${name} ${Number.isFinite(value) ? Number(value.toPrecision(6)) : 'NaN'} ${unit}`);
}

/** The figures printed in `output` by figure(). */
export function parseFigures(output: string): Figure[] {
  const figures: Figure[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const [bench, name, value, ...unit] = line.slice(prefix.length).trim().split(/\s+/);
    if (bench && name && value) figures.push({ bench, name, value: Number(value), unit: unit.join(' ') });
  }
  return figures;
}

/** A load phase's throughput and p50/p99 as figures `<name>` (ops/s), `<name>_p50`, `<name>_p99` (ms). */
export function loadFigures(bench: string, name: string, r: { opsPerSecond: number; p50Ms: number; p99Ms: number }): void {
  figure(bench, name, r.opsPerSecond, 'ops/s');
  figure(bench, `${name}_p50`, r.p50Ms, 'ms');
  figure(bench, `${name}_p99`, r.p99Ms, 'ms');
}
