// The drive's search and Trash through one frontend of a real cluster (coordinator, 3 groups × 3
// storage nodes, the load balancer): BENCH_SEARCH_FILES (default 100,000) empty files in
// BENCH_SEARCH_FOLDERS leaf folders (default 20, under 4 top folders) are written straight into
// the store in the drive's layout (docs/ARCHITECTURE.md, "Storage layouts": folder cells and
// `at:` pointers, but no name index), then:
//   - the first search, which builds the name index (`<user>#names`) from the tree;
//   - search latency p50/p99 over rounds of queries that match one file, a few hundred, a
//     fifth of the drive (answer cut at the hit limit), and nothing;
//   - Trash: move a file from a full leaf folder to Trash and restore it, p50/p99 of each.
// The layout is written here from its documented form, not with the web's code (scripts use
// the web only through its build).
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import type { StoredEntry as Entry } from '../lib/drive-store.ts';
import { httpText } from '../lib/http-text.ts';
import { percentile } from './load.ts';
import { figure } from './figures.ts';
import { benchOneFrontend } from './one-frontend.ts';

const files = Number(process.env.BENCH_SEARCH_FILES ?? 100_000);
const leafFolders = Number(process.env.BENCH_SEARCH_FOLDERS ?? 20);
const topFolders = 4;
const rounds = Number(process.env.BENCH_SEARCH_ROUNDS ?? 20);
const trashMoves = Number(process.env.BENCH_SEARCH_TRASH ?? 40);
const writesInFlight = 64;
const user = 'bench-search';
const words = ['budget', 'invoice', 'report', 'photo', 'notes'];
const extensions = ['pdf', 'xlsx', 'jpg', 'txt', 'md'];

const newId = (kind: 'd' | 'f') => kind + randomBytes(12).toString('base64url');

async function bounded(tasks: (() => Promise<unknown>)[], inFlight: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

interface Written {
  /** The files of the first leaf folder (for the Trash moves). */
  firstLeaf: string[];
  names: string[];
}

/** Writes the drive: folder cells and pointers (the first search indexes it). */
async function writeDrive(store: ClusterClient): Promise<Written> {
  const row = `${user}#files`;
  const now = Date.now();
  const cell = (parent: string | null, entries: Record<string, Entry>) => JSON.stringify({ parent, created: now, entries });
  const folderEntry = (name: string): Entry => ({ kind: 'folder', name, created: now, modified: now });
  const writes: (() => Promise<unknown>)[] = [];
  const rootEntries: Record<string, Entry> = {};
  const tops = Array.from({ length: topFolders }, (_, t) => ({ id: newId('d'), name: `Area ${t}`, entries: {} as Record<string, Entry> }));
  const leaves = Array.from({ length: leafFolders }, (_, l) => ({ id: newId('d'), name: `Project ${l}`, parent: tops[l % topFolders]!, entries: {} as Record<string, Entry> }));
  for (const top of tops) {
    rootEntries[top.id] = folderEntry(top.name);
  }
  for (const leaf of leaves) {
    leaf.parent.entries[leaf.id] = folderEntry(leaf.name);
  }
  const names: string[] = [];
  for (let i = 0; i < files; i++) {
    const leaf = leaves[i % leaves.length]!;
    const id = newId('f');
    const name = `${words[i % words.length]}-${i}.${extensions[Math.floor(i / words.length) % extensions.length]}`;
    names.push(name);
    leaf.entries[id] = { kind: 'file', name, created: now, modified: now, size: 0, type: 'application/octet-stream' };
    writes.push(() => store.put(row, `at:${id}`, leaf.id));
  }
  for (const leaf of leaves) writes.push(() => store.put(row, `folder:${leaf.id}`, cell(leaf.parent.id, leaf.entries)));
  for (const top of tops) writes.push(() => store.put(row, `folder:${top.id}`, cell('root', top.entries)));
  writes.push(() => store.put(row, 'folder:root', cell(null, rootEntries)));
  await bounded(writes, writesInFlight);
  return { firstLeaf: Object.keys(leaves[0]!.entries), names };
}

async function timed(label: string, count: number, run: (i: number) => Promise<void>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const result = { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  console.log(`${label}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms over ${count}`);
  return result;
}

benchOneFrontend(user, 4, async ({ cloud, origin, cookie, agent }) => {
  const call = async (a: http.Agent, method: string, path: string, body?: unknown) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const answer = await httpText(`${origin}${path}`, { method, agent: a, headers: { Cookie: cookie, Origin: origin, 'Content-Type': 'application/json' } }, (req) => req.end(text));
    if (answer.status !== 200) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as unknown;
  };

  const t0 = performance.now();
  const { firstLeaf, names } = await writeDrive(cloud.cluster.client);
  console.log(`wrote ${files} files in ${leafFolders} folders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The first search indexes the drive (and the frontend loads the route's code).
  const t1 = performance.now();
  await call(agent, 'GET', '/api/drive/search?q=warmup');
  const buildMs = performance.now() - t1;
  console.log(`first search, indexing ${files + leafFolders + topFolders} names: ${buildMs.toFixed(0)} ms`);
  figure('drive_search', 'index_build_100k', buildMs, 'ms');
  // One file; some dozens; a fifth of the drive (cut at the hit limit); nothing.
  const queries = [`${names[files - 4]}`, 'report-123', 'BUDGET', 'no-such-name'];
  const expected = queries.map((q) => Math.min(100, names.filter((n) => n.toLowerCase().includes(q.toLowerCase())).length));
  const search = await timed('search', rounds * queries.length, async (i) => {
    const k = i % queries.length;
    const answer = (await call(agent, 'GET', `/api/drive/search?${new URLSearchParams({ q: queries[k]! })}`)) as { hits: unknown[]; truncated: boolean };
    if (answer.hits.length !== expected[k]) throw new Error(`"${queries[k]}" found ${answer.hits.length}, expected ${expected[k]}`);
  });
  figure('drive_search', 'search_100k_p50', search.p50, 'ms');
  figure('drive_search', 'search_100k_p99', search.p99, 'ms');

  const moved = firstLeaf.slice(0, trashMoves);
  const toTrash = await timed('move to Trash', moved.length, (i) => call(agent, 'POST', '/api/drive/trash', { id: moved[i] }).then(() => undefined));
  const restore = await timed('restore', moved.length, (i) => call(agent, 'POST', '/api/drive/trash/restore', { id: moved[i] }).then(() => undefined));
  figure('drive_search', 'trash_move_p50', toTrash.p50, 'ms');
  figure('drive_search', 'trash_move_p99', toTrash.p99, 'ms');
  figure('drive_search', 'trash_restore_p50', restore.p50, 'ms');
  figure('drive_search', 'trash_restore_p99', restore.p99, 'ms');
});
