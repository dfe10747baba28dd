// `npm run bench:drive`: the drive through one frontend of a real cluster (coordinator, 3 groups
// × 3 storage nodes, the load balancer): upload and download MB/s of one BENCH_DRIVE_MIB-MiB
// file (default 256), streamed both ways, with the frontend's peak resident memory sampled every
// 100 ms from a frontend that has rendered pages and then come to rest; the same size through the
// resumable (tus) protocol as the drive page sends it (tus-js-client, 64 MiB per PATCH); then
// files/s for BENCH_DRIVE_FILES (default 1,000) uploads of 4 KiB, 16 at a time, into one folder;
// the time to a 12-megapixel JPEG's thumbnail, made on first request (drive-thumbnail.ts);
// then a folder of BENCH_DRIVE_FOLDER_ENTRIES (default 100,000) items, written straight into the
// store in the drive's layout (docs/ARCHITECTURE.md, "Storage layouts": a head and bucket cells
// by the FNV-1a hash of the folded name), listed through the API: the first page's latency
// (p50 of rounds) and a walk of every page of drive.folderPageItemsMax items. The layout is
// written here from its documented form, not with the web's code (scripts use the web only
// through its build).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Upload } from 'tus-js-client';
import type { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { newItemId, writeBuckets, type StoredEntry } from '../lib/drive-store.ts';
import { httpText } from '../lib/http-text.ts';
import { memorySettled } from '../lib/processes.ts';
import { benchThumbnail } from './drive-thumbnail.ts';
import { figure } from './figures.ts';
import { benchOneFrontend, rssMiB } from './one-frontend.ts';

const MiB = 1024 * 1024;
const fileMiB = Number(process.env.BENCH_DRIVE_MIB ?? 256);
const smallFiles = Number(process.env.BENCH_DRIVE_FILES ?? 1000);
const smallBytes = 4096;
const parallel = 16;
const folderEntries = Number(process.env.BENCH_DRIVE_FOLDER_ENTRIES ?? 100_000);
const firstPageRounds = 20;
const walkPageItems = 1000;

interface Session {
  origin: string;
  cookie: string;
  agent: http.Agent;
}

function request(s: Session, method: string, path: string, headers: Record<string, string>, body?: (req: http.ClientRequest) => void): Promise<{ status: number; text: string }> {
  return httpText(`${s.origin}${path}`, { method, agent: s.agent, headers: { Cookie: s.cookie, Origin: s.origin, ...headers } }, body);
}

/** Streams `mib` MiB of generated data as one upload; answers the new file's id and the content's hash. */
async function uploadLarge(s: Session, mib: number): Promise<{ id: string; sha256: string }> {
  const hash = createHash('sha256');
  const piece = randomBytes(MiB);
  const answer = await request(s, 'POST', `/api/drive/files?folder=root&name=large-${Date.now()}.bin`, { 'Content-Length': String(mib * MiB) }, (req) => {
    let i = 0;
    const write = () => {
      while (i < mib) {
        piece.writeUInt32BE(i++, 0);
        hash.update(piece);
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
  if (answer.status !== 201) throw new Error(`upload failed: ${answer.status} ${answer.text}`);
  return { id: (JSON.parse(answer.text) as { item: { id: string } }).item.id, sha256: hash.digest('hex') };
}

/** `mib` MiB through the tus endpoint in 64 MiB PATCHes, as the drive page sends a file; answers the file's id, the content's hash and the seconds it took. */
async function uploadTus(s: Session, mib: number): Promise<{ id: string; sha256: string; seconds: number }> {
  const data = Buffer.allocUnsafe(mib * MiB);
  for (let i = 0; i < mib; i++) randomBytes(MiB).copy(data, i * MiB);
  const sha256 = createHash('sha256').update(data).digest('hex');
  let id = '';
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${s.origin}/api/drive/uploads`,
      chunkSize: 64 * MiB,
      metadata: { name: `tus-${Date.now()}.bin`, folder: 'root' },
      headers: { Cookie: s.cookie, Origin: s.origin },
      retryDelays: null,
      storeFingerprintForResuming: false,
      onAfterResponse: (_req, res) => {
        id = res.getHeader('Drive-File-Id') ?? id;
      },
      onSuccess: () => resolve(),
      onError: reject,
    });
    upload.start();
  });
  return { id, sha256, seconds: (performance.now() - started) / 1000 };
}

/** Writes `count` entries (one folder in a hundred) into folder `id`'s buckets. */
async function writeBigFolder(cluster: ClusterClient, user: string, id: string, count: number): Promise<void> {
  const now = Date.now();
  const entries: Record<string, StoredEntry> = {};
  for (let i = 0; i < count; i++) {
    const folder = i % 100 === 0;
    const name = folder ? `Folder ${i}` : `photo ${(i * 7919) % count}.jpg`;
    entries[newItemId(folder ? 'folder' : 'file')] = folder ? { kind: 'folder', name, created: now, modified: now } : { kind: 'file', name, created: now, modified: now, size: 0, type: 'image/jpeg' };
  }
  await writeBuckets(cluster, user, id, entries);
}

/** The big-folder figures: first page p50 over rounds, and a walk of every page. */
async function benchBigFolder(s: Session, cluster: ClusterClient, user: string): Promise<{ firstPageMs: number; walkSeconds: number; pages: number }> {
  const made = await request(s, 'POST', '/api/drive/folders', { 'Content-Type': 'application/json' }, (req) => req.end(JSON.stringify({ parent: 'root', name: 'Big folder' })));
  if (made.status !== 201) throw new Error(`making the folder failed: ${made.status} ${made.text}`);
  const id = (JSON.parse(made.text) as { item: { id: string } }).item.id;
  const t0 = performance.now();
  await writeBigFolder(cluster, user, id, folderEntries);
  console.log(`wrote a folder of ${folderEntries} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const page = async (cursor: string | null, limit?: number) => {
    const query = new URLSearchParams();
    if (cursor) query.set('cursor', cursor);
    if (limit) query.set('limit', String(limit));
    const answer = await request(s, 'GET', `/api/drive/folders/${id}?${query}`, {});
    if (answer.status !== 200) throw new Error(`listing failed: ${answer.status} ${answer.text.slice(0, 200)}`);
    return JSON.parse(answer.text) as { items: unknown[]; total: number; next: string | null };
  };
  const times: number[] = [];
  for (let i = 0; i < firstPageRounds; i++) {
    const t = performance.now();
    const first = await page(null);
    times.push(performance.now() - t);
    if (first.total !== folderEntries) throw new Error(`the folder lists ${first.total} items, not ${folderEntries}`);
  }
  times.sort((a, b) => a - b);
  const t1 = performance.now();
  let seen = 0;
  let pages = 0;
  for (let cursor: string | null = null, started = false; !started || cursor; started = true) {
    const p = await page(cursor, walkPageItems);
    seen += p.items.length;
    pages++;
    cursor = p.next;
  }
  if (seen !== folderEntries) throw new Error(`the walk saw ${seen} items, not ${folderEntries}`);
  return { firstPageMs: times[Math.floor(times.length / 2)]!, walkSeconds: (performance.now() - t1) / 1000, pages };
}

function downloadLarge(s: Session, id: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${s.origin}/api/drive/files/${id}`, { agent: s.agent, headers: { Cookie: s.cookie } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`download failed: ${res.statusCode}`));
        const hash = createHash('sha256');
        res.on('data', (d: Buffer) => hash.update(d));
        res.on('end', () => resolve(hash.digest('hex')));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

benchOneFrontend('bench-drive', parallel, async ({ cloud, origin, cookie, pid, agent }) => {
  const s: Session = { origin, agent, cookie };
  // A frontend as it usually is: it has rendered pages (Next loads their bundles on first use).
  for (let i = 0; i < 20; i++) {
    for (const page of ['/', '/menu', '/drive', '/mail']) await request(s, 'GET', page, {});
  }
  await memorySettled(pid);
  const idle = rssMiB(pid);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);

  const t0 = performance.now();
  const large = await uploadLarge(s, fileMiB);
  const t1 = performance.now();
  const downloaded = await downloadLarge(s, large.id);
  const t2 = performance.now();
  if (downloaded !== large.sha256) throw new Error('the download differs from the upload');
  const largePeak = peak;
  const tus = await uploadTus(s, fileMiB);
  if ((await downloadLarge(s, tus.id)) !== tus.sha256) throw new Error('the tus upload downloads differently');

  const payload = randomBytes(smallBytes);
  let next = 0;
  let errors = 0;
  const t3 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < smallFiles; i = next++) {
        const answer = await request(s, 'POST', `/api/drive/files?folder=root&name=small-${i}.bin`, { 'Content-Length': String(smallBytes) }, (req) => req.end(payload));
        if (answer.status !== 201) errors++;
      }
    }),
  );
  const t4 = performance.now();
  const thumbnail = await benchThumbnail(s);
  clearInterval(sampler);

  const mbps = (seconds: number) => ((fileMiB * MiB) / 1e6 / seconds).toFixed(1);
  console.log(`bench:drive — one frontend, 3 groups × 3 storage nodes`);
  console.log(`upload   ${fileMiB} MiB: ${((t1 - t0) / 1000).toFixed(1)} s, ${mbps((t1 - t0) / 1000)} MB/s`);
  console.log(`tus upload ${fileMiB} MiB: ${tus.seconds.toFixed(1)} s, ${mbps(tus.seconds)} MB/s (64 MiB per PATCH; SHA-256 matches)`);
  console.log(`download ${fileMiB} MiB: ${((t2 - t1) / 1000).toFixed(1)} s, ${mbps((t2 - t1) / 1000)} MB/s (SHA-256 matches)`);
  console.log(`frontend resident memory: peak ${largePeak.toFixed(0)} MiB during the large file (${idle.toFixed(0)} MiB idle before)`);
  console.log(
    `small uploads: ${smallFiles} × 4 KiB, ${parallel} at a time: ${((t4 - t3) / 1000).toFixed(1)} s, ${(smallFiles / ((t4 - t3) / 1000)).toFixed(0)} files/s, ${errors} errors`,
  );
  console.log(
    `thumbnail of a 12-megapixel JPEG (${(thumbnail.jpegBytes / MiB).toFixed(1)} MiB): ${thumbnail.firstMs.toFixed(0)} ms made on first request, ` +
      `${thumbnail.storedMs.toFixed(0)} ms served from the store after (${(thumbnail.thumbnailBytes / 1024).toFixed(1)} KiB WebP)`,
  );
  console.log(`frontend resident memory: peak ${peak.toFixed(0)} MiB over the whole run`);
  figure('drive', 'upload_mb_per_s', Number(mbps((t1 - t0) / 1000)), 'MB/s');
  figure('drive', 'tus_upload_mb_per_s', Number(mbps(tus.seconds)), 'MB/s');
  figure('drive', 'download_mb_per_s', Number(mbps((t2 - t1) / 1000)), 'MB/s');
  figure('drive', 'frontend_rss_mib', largePeak, 'MiB');
  figure('drive', 'small_files_per_s', smallFiles / ((t4 - t3) / 1000), 'files/s');
  figure('drive', 'thumbnail_12mp_ms', thumbnail.firstMs, 'ms');
  figure('drive', 'thumbnail_stored_ms', thumbnail.storedMs, 'ms');

  const big = await benchBigFolder(s, cloud.cluster.client, 'bench-drive');
  console.log(`listing a ${folderEntries}-entry folder: first page p50 ${big.firstPageMs.toFixed(0)} ms over ${firstPageRounds}; all ${big.pages} pages of ${walkPageItems} in ${big.walkSeconds.toFixed(1)} s`);
  figure('drive', 'list_100k_first_page_ms', big.firstPageMs, 'ms');
  figure('drive', 'list_100k_walk_s', big.walkSeconds, 's');
});
