// `npm run bench:drive`: the drive through one frontend of a real cluster (coordinator, 3 groups
// × 3 storage nodes, the load balancer): upload and download MB/s of one BENCH_DRIVE_MIB-MiB
// file (default 256), streamed both ways, with the frontend's peak resident memory sampled every
// 100 ms from a frontend that has rendered pages and then come to rest; the same size through the
// resumable (tus) protocol as the drive page sends it (tus-js-client, 64 MiB per PATCH); then
// files/s for BENCH_DRIVE_FILES (default 1,000) uploads of 4 KiB, 16 at a time, into one folder;
// and the time to a 12-megapixel JPEG's thumbnail, made on first request (drive-thumbnail.ts).
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Upload } from 'tus-js-client';
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

benchOneFrontend('bench-drive', parallel, async ({ origin, cookie, pid, agent }) => {
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
});
