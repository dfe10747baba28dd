// Sharing through one frontend of a real cluster (coordinator, 3 groups × 3 storage nodes, the
// load balancer), as a visitor without an account:
//   - a link to a 1 MiB file: resolving it (GET /api/shared/<token>: the guess-limit read, the
//     link, the walk up to the top folder) and downloading it whole, p50/p99 of each;
//   - a link to a folder of BENCH_SHARE_ENTRIES (1,000) files: its listing, p50/p99.
// Requests one at a time: the figures are latencies, not throughput.
import { randomBytes } from 'node:crypto';
import { percentile } from './load.ts';
import { figure } from './figures.ts';
import { benchOneFrontend } from './one-frontend.ts';

const entries = Number(process.env.BENCH_SHARE_ENTRIES ?? 1000);
const rounds = Number(process.env.BENCH_SHARE_ROUNDS ?? 200);
const uploadsInFlight = 8;
const MiB = 1024 * 1024;

async function timed(rounds: number, run: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

benchOneFrontend('bench-share', 4, async ({ origin, cookie }) => {
  const owner = { Cookie: cookie, Origin: origin };
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { ...owner, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const uploadRaw = async (folder: string, name: string, content: Buffer) => {
    const response = await fetch(`${origin}/api/drive/files?${new URLSearchParams({ folder, name })}`, { method: 'POST', headers: owner, body: new Uint8Array(content) });
    if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { item: { id: string } }).item;
  };
  const link = async (item: string) => (await json<{ share: { link: { token: string } } }>('POST', '/api/drive/shares', { kind: 'link', item })).share.link.token;
  const visit = async (path: string) => {
    const response = await fetch(`${origin}${path}`);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };

  const file = await uploadRaw('root', 'one-mib.bin', randomBytes(MiB));
  const fileToken = await link(file.id);
  const resolve = await timed(rounds, async () => void (await visit(`/api/shared/${fileToken}`)));
  const download = await timed(rounds, async () => {
    const body = await visit(`/api/shared/${fileToken}/files/${file.id}`);
    if (body.length !== MiB) throw new Error(`downloaded ${body.length} bytes`);
  });
  console.log(`link to a 1 MiB file: resolve p50 ${resolve.p50.toFixed(1)} ms, p99 ${resolve.p99.toFixed(1)} ms; download p50 ${download.p50.toFixed(1)} ms, p99 ${download.p99.toFixed(1)} ms`);

  const folder = (await json<{ item: { id: string } }>('POST', '/api/drive/folders', { parent: 'root', name: 'Shared folder' })).item.id;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: uploadsInFlight }, async () => {
      while (next < entries) {
        const n = next++;
        await uploadRaw(folder, `file ${String(n).padStart(5, '0')}.txt`, Buffer.from(`file ${n}\n`));
      }
    }),
  );
  console.log(`${entries} files uploaded into the shared folder in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const folderToken = await link(folder);
  const listing = await timed(Math.max(20, rounds / 4), async () => {
    const body = JSON.parse((await visit(`/api/shared/${folderToken}/folders/${folder}`)).toString()) as { items: unknown[] };
    if (body.items.length !== entries) throw new Error(`listed ${body.items.length} entries`);
  });
  console.log(`link to a folder of ${entries} files: listing p50 ${listing.p50.toFixed(1)} ms, p99 ${listing.p99.toFixed(1)} ms`);

  figure('drive_share', 'link_resolve_p50', resolve.p50, 'ms');
  figure('drive_share', 'link_resolve_p99', resolve.p99, 'ms');
  figure('drive_share', 'download_1mib_p50', download.p50, 'ms');
  figure('drive_share', 'download_1mib_p99', download.p99, 'ms');
  figure('drive_share', 'folder_1000_list_p50', listing.p50, 'ms');
  figure('drive_share', 'folder_1000_list_p99', listing.p99, 'ms');
});
