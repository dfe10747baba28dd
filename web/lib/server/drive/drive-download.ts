// A download, streamed: the body is a ReadableStream that reads the file's chunks from the store
// as the client takes them (a few chunks ahead, never the whole file), and serves one byte range
// when asked (206; 416 outside the file), so a paused download can resume and a video can seek.
// HEAD answers the same headers without a body. An attachment unless `?inline=1` asks for an
// image, audio or video the viewer shows (drive-preview.ts decides, and fences both forms).
import type { Entry } from './drive-model';
import { itemGone } from './drive-model';
import { readChunk, type ChunkLayout } from './drive-chunks';
import type { DriveContext } from './drive-context';
import { parseRange, type RangeAnswer } from './drive-http';
import { contentHeaders, wantsInline } from './drive-preview';
import { locate } from './drive-tree';

export async function downloadFile(d: DriveContext, fileId: string, req: Request, withBody: boolean): Promise<Response> {
  const item = await locate(d, fileId);
  if (item.kind !== 'file') throw itemGone();
  const entry = item.entry;
  const size = entry.size ?? 0;
  const etag = `"${entry.sha256 ?? fileId}"`;
  const lastModified = new Date(entry.modified).toUTCString();
  const headers = new Headers({
    ...contentHeaders(entry.name, entry.type ?? 'application/octet-stream', wantsInline(req)).headers,
    'Accept-Ranges': 'bytes',
    // no-transform: Next would gzip text types, which breaks Content-Length and byte ranges.
    'Cache-Control': 'private, no-cache, no-transform',
    ETag: etag,
    'Last-Modified': lastModified,
  });
  let range: RangeAnswer = parseRange(req.headers.get('range'), size);
  // If-Range (RFC 9110 §13.1.5): resume only the same content; otherwise send it all again.
  const ifRange = req.headers.get('if-range');
  if (ifRange && ifRange !== etag && ifRange !== lastModified) range = { kind: 'whole' };
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`);
    headers.set('Content-Type', 'application/json');
    headers.delete('Content-Disposition');
    return new Response(withBody ? JSON.stringify({ error: `The range is outside the file (${size} bytes).`, code: 'range_not_satisfiable' }) : null, {
      status: 416,
      headers,
    });
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  headers.set('X-Content-Length', String(end - start + 1)); // Content-Length, restored by web/main.ts
  if (range.kind === 'partial') headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  const status = range.kind === 'partial' ? 206 : 200;
  if (!withBody) return new Response(null, { status, headers });
  return new Response(chunkStream(d, fileId, layoutOf(entry, d), start, end), { status, headers });
}

/** Bytes start…end (inclusive) of a stored file, streamed from its chunks as they are taken. */
export function fileStream(d: DriveContext, fileId: string, entry: Entry, start: number, end: number): ReadableStream<Uint8Array> {
  return chunkStream(d, fileId, layoutOf(entry, d), start, end);
}

function layoutOf(entry: Entry, d: DriveContext): ChunkLayout {
  return { chunkBytes: entry.chunkBytes ?? d.config.drive.chunkBytes, chunksPerRow: entry.chunksPerRow ?? d.config.drive.chunksPerRow };
}

/** Bytes start…end (inclusive) of the file, read chunk by chunk with readAheadChunks in flight. */
function chunkStream(d: DriveContext, fileId: string, layout: ChunkLayout, start: number, end: number): ReadableStream<Uint8Array> {
  const { chunkBytes } = layout;
  const first = Math.floor(start / chunkBytes);
  const last = end < start ? first - 1 : Math.floor(end / chunkBytes);
  const readAhead = d.config.drive.readAheadChunks;
  const ahead: Promise<Buffer>[] = [];
  let nextToRead = first;
  let nextToSend = first;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (last < first) controller.close();
      },
      async pull(controller) {
        while (ahead.length < readAhead && nextToRead <= last) {
          // The transfer deadline (context.ts): the response is streaming; a read that gives up
          // early would cut a large download short on a group only busy, not down.
          const read = readChunk(d.transfers, d.user, fileId, nextToRead++, layout);
          read.catch(() => {}); // observed when its turn comes; not an unhandled rejection before
          ahead.push(read);
        }
        const index = nextToSend++;
        const chunk = await ahead.shift()!;
        const from = index === first ? start - index * chunkBytes : 0;
        const to = index === last ? end - index * chunkBytes + 1 : chunkBytes;
        if (chunk.length < to) throw new Error(`chunk ${index} of file ${fileId} is shorter than its place in the file`);
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset + from, to - from));
        if (index === last) controller.close();
      },
      cancel() {
        ahead.length = 0;
        nextToRead = last + 1;
      },
    },
    { highWaterMark: 1 },
  );
}
