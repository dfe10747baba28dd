// `npm run bench:drive`: the drive through one frontend of a real cluster (coordinator, 3 groups
// × 3 storage nodes, the load balancer): upload and download MB/s of one BENCH_DRIVE_MIB-MiB
// file (default 256), streamed both ways, with the frontend's peak resident memory sampled every
// 100 ms from a frontend that has rendered pages and then come to rest; then files/s for BENCH_DRIVE_FILES (default 1,000) uploads of
// 4 KiB, 16 at a time, into one folder. Before them, in the same run, the disk's sequential
// write speed (BENCH_DISK_MIB, default 1,024 MiB written in 1 MiB writes, then one fsync, like
// `dd bs=1M conv=fsync`), beside which the upload is put: every byte is written by 3 replicas on
// this one disk, so disk ÷ 3 is the most an upload could reach.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { memorySettled } from '../../tests/lib/processes.ts';
import { figure } from './figures.ts';
import { benchOneFrontend, rssMiB } from './one-frontend.ts';

const MiB = 1024 * 1024;
const fileMiB = Number(process.env.BENCH_DRIVE_MIB ?? 256);
const smallFiles = Number(process.env.BENCH_DRIVE_FILES ?? 1000);
const smallBytes = 4096;
const parallel = 16;
const diskMiB = Number(process.env.BENCH_DISK_MIB ?? 1024);
const replicas = 3;

/** MB/s of writing `mib` MiB to a new file in the temporary directory (where test clusters keep their data), fsync included. */
function diskWriteMBps(mib: number): number {
  const file = path.join(os.tmpdir(), `bench-drive-disk-${process.pid}.bin`);
  const block = randomBytes(MiB);
  const fd = openSync(file, 'w');
  try {
    const t0 = performance.now();
    for (let i = 0; i < mib; i++) writeSync(fd, block);
    fsyncSync(fd);
    return (mib * MiB) / 1e6 / ((performance.now() - t0) / 1000);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

interface Session {
  origin: string;
  cookie: string;
  agent: http.Agent;
}

function request(s: Session, method: string, path: string, headers: Record<string, string>, body?: (req: http.ClientRequest) => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${s.origin}${path}`, { method, agent: s.agent, headers: { Cookie: s.cookie, Origin: s.origin, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) body(req);
    else req.end();
  });
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
  const diskMBps = diskWriteMBps(diskMiB);
  // A frontend as it usually is: it has rendered pages (Next loads their bundles on first use).
  for (let i = 0; i < 20; i++) {
    for (const page of ['/', '/menu', '/drive', '/mail']) await request(s, 'GET', page, {});
  }
  await memorySettled(pid);
  const idle = rssMiB(pid);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);
  try {
    await transfers(s, idle, diskMBps, () => peak);
  } finally {
    clearInterval(sampler);
  }
});

/** The large file up and down, then the small files; prints the figures. */
async function transfers(s: Session, idle: number, diskMBps: number, peakMiB: () => number): Promise<void> {
  const t0 = performance.now();
  const large = await uploadLarge(s, fileMiB);
  const t1 = performance.now();
  const uploadPeak = peakMiB();
  const downloaded = await downloadLarge(s, large.id);
  const t2 = performance.now();
  if (downloaded !== large.sha256) throw new Error('the download differs from the upload');
  const largePeak = peakMiB();

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

  const uploadMBps = (fileMiB * MiB) / 1e6 / ((t1 - t0) / 1000);
  const downloadMBps = (fileMiB * MiB) / 1e6 / ((t2 - t1) / 1000);
  const smallPerSecond = smallFiles / ((t4 - t3) / 1000);
  const diskThird = diskMBps / replicas;
  console.log(`bench:drive — one frontend, 3 groups × 3 storage nodes`);
  console.log(`disk sequential write: ${diskMiB} MiB + fsync, ${diskMBps.toFixed(0)} MB/s (÷ ${replicas} replicas = ${diskThird.toFixed(0)} MB/s)`);
  console.log(`upload   ${fileMiB} MiB: ${((t1 - t0) / 1000).toFixed(1)} s, ${uploadMBps.toFixed(1)} MB/s (${(uploadMBps / diskThird).toFixed(2)}× disk ÷ ${replicas})`);
  console.log(`download ${fileMiB} MiB: ${((t2 - t1) / 1000).toFixed(1)} s, ${downloadMBps.toFixed(1)} MB/s (SHA-256 matches; ${(downloadMBps / uploadMBps).toFixed(2)}× upload)`);
  console.log(
    `frontend resident memory: peak ${largePeak.toFixed(0)} MiB during the large file (${uploadPeak.toFixed(0)} MiB by the end of its upload, ${idle.toFixed(0)} MiB idle before)`,
  );
  console.log(`small uploads: ${smallFiles} × 4 KiB, ${parallel} at a time: ${((t4 - t3) / 1000).toFixed(1)} s, ${smallPerSecond.toFixed(0)} files/s, ${errors} errors`);
  console.log(`frontend resident memory: peak ${peakMiB().toFixed(0)} MiB over the whole run`);
  figure('drive', 'disk_write_mb_per_s', diskMBps, 'MB/s');
  figure('drive', 'upload_mb_per_s', uploadMBps, 'MB/s');
  figure('drive', 'upload_vs_disk_third', uploadMBps / diskThird, 'x');
  figure('drive', 'download_mb_per_s', downloadMBps, 'MB/s');
  figure('drive', 'download_vs_upload', downloadMBps / uploadMBps, 'x');
  figure('drive', 'frontend_rss_mib', largePeak, 'MiB');
  figure('drive', 'frontend_upload_rss_mib', uploadPeak, 'MiB');
  figure('drive', 'frontend_idle_rss_mib', idle, 'MiB');
  figure('drive', 'small_files_per_s', smallPerSecond, 'files/s');
  figure('drive', 'small_errors', errors, 'errors');
}
