// A resumable (tus) upload's state in the store, and the bookkeeping of how far its bytes are
// stored. Pure.
//
//   <user>#files   tus:<uploadId>   {fileId, folder, name, type, length, offset, created, …}
//
// The state lives in the owner's own files row, so a frontend finds an upload only through the
// session's user: another user's id names a column of another row, which is never read. Ids are
// 128 random bits. `offset` is a promise that bytes [0, offset) are stored in the file's chunks
// (drive-chunks.ts): it is written only after the chunks below it were acknowledged by the
// store (which acknowledges replicated writes only), and it never reaches `length` — the last
// bytes are acknowledged by the commit, which removes the state (drive-tus-commit.ts). So any
// frontend can continue from `offset`, and a state with offset = length does not exist.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const tusColumn = (uploadId: string) => `tus:${uploadId}`;

const uploadIdPattern = /^t[A-Za-z0-9_-]{22}$/;

export function newUploadId(): string {
  return 't' + randomBytes(16).toString('base64url');
}

export function isUploadId(id: string): boolean {
  return uploadIdPattern.test(id);
}

const stateSchema = z.object({
  owner: z.string(),
  fileId: z.string(),
  folder: z.string(),
  name: z.string(),
  type: z.string(),
  length: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** Milliseconds since the epoch. */
  created: z.number(),
  /** The chunk layout chosen at creation: settings may change while an upload waits. */
  chunkBytes: z.number().int().positive(),
  chunksPerRow: z.number().int().positive(),
  /** What the client names this upload by to find it again from another frontend (its origin's localStorage is not there). */
  fingerprint: z.string().optional(),
  /** The file this one replaces when it is complete (the same name in the same folder). */
  replace: z.string().optional(),
});
export type TusState = z.infer<typeof stateSchema>;

export const tusStateCodec = {
  decode: (value: Buffer): TusState => stateSchema.parse(JSON.parse(value.toString('utf8'))),
  encode: (state: TusState): Buffer => Buffer.from(JSON.stringify(state), 'utf8'),
};

/**
 * The offset a request's progress adds up to: `stored` only ever raises it, a state already
 * further (another frontend's request, finishing late) is kept, and the last byte is left to
 * the commit. `undefined`: nothing to write (the state is gone, or already as far).
 */
export function advanced(current: TusState | undefined, offset: number): TusState | undefined {
  if (!current) return undefined;
  const next = Math.min(offset, current.length - 1);
  if (next <= current.offset) return undefined;
  return { ...current, offset: next };
}

/**
 * Which bytes of a request's body are stored, as chunk writes finish in any order: the offset
 * below which every byte is stored is the end of the longest run of finished chunks from the
 * request's first. A request may begin inside a chunk (a client's PATCH need not end on a chunk
 * boundary): that chunk is written again whole, from the stored head and the new bytes.
 */
export class OffsetBook {
  private readonly ends = new Map<number, number>();
  private next: number;
  private stored: number;

  constructor(
    readonly start: number,
    readonly chunkBytes: number,
  ) {
    this.next = Math.floor(start / chunkBytes);
    this.stored = start;
  }

  /** The index of the chunk that byte `offset` falls in. */
  static indexOf(offset: number, chunkBytes: number): number {
    return Math.floor(offset / chunkBytes);
  }

  /** Chunk `index` is stored, holding the bytes up to (not including) `end`. */
  chunkStored(index: number, end: number): void {
    if (index < this.next) return;
    this.ends.set(index, end);
    for (let e = this.ends.get(this.next); e !== undefined; e = this.ends.get(this.next)) {
      this.ends.delete(this.next);
      this.stored = Math.max(this.stored, e);
      this.next++;
    }
  }

  /** Every byte below this is stored. */
  get durableOffset(): number {
    return this.stored;
  }
}
