// The thumbnail part of `npm run bench:drive`: a 12-megapixel JPEG (4000 × 3000, a photo-like
// picture: smooth gradients with grain, so the encoder has real work), uploaded, then its
// thumbnail asked for the first time — the frontend reads the file from the store, sharp decodes
// and shrinks it, the WebP is stored — and a second time, served from the store. The same
// request a drive page makes for an image in the list (web/lib/server/drive/drive-thumbnail.ts).
import http from 'node:http';
import sharp from 'sharp';

export interface ThumbnailTimes {
  jpegBytes: number;
  firstMs: number;
  storedMs: number;
  thumbnailBytes: number;
}

interface Session {
  origin: string;
  cookie: string;
  agent: http.Agent;
}

async function photoLike(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.allocUnsafe(width * height * 3);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const grain = (seed >>> 24) % 24;
      const at = (y * width + x) * 3;
      raw[at] = (x * 200) / width + grain;
      raw[at + 1] = (y * 200) / height + grain;
      raw[at + 2] = ((x + y) * 100) / (width + height) + 80 + grain;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 88 }).toBuffer();
}

function send(s: Session, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${s.origin}${path}`, { method, agent: s.agent, headers: { Cookie: s.cookie, Origin: s.origin, ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchThumbnail(s: Session): Promise<ThumbnailTimes> {
  const jpeg = await photoLike(4000, 3000);
  const uploaded = await send(s, 'POST', `/api/drive/files?folder=root&name=photo-${Date.now()}.jpg`, { 'Content-Type': 'image/jpeg', 'Content-Length': String(jpeg.length) }, jpeg);
  if (uploaded.status !== 201) throw new Error(`the photo's upload failed: ${uploaded.status} ${uploaded.body.toString()}`);
  const id = (JSON.parse(uploaded.body.toString()) as { item: { id: string } }).item.id;
  const timed = async () => {
    const started = performance.now();
    const answer = await send(s, 'GET', `/api/drive/files/${id}/thumbnail`, {});
    if (answer.status !== 200) throw new Error(`the thumbnail failed: ${answer.status} ${answer.body.toString()}`);
    return { ms: performance.now() - started, bytes: answer.body.length };
  };
  const first = await timed();
  const stored = await timed();
  return { jpegBytes: jpeg.length, firstMs: first.ms, storedMs: stored.ms, thumbnailBytes: first.bytes };
}
