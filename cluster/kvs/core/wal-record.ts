// The frame codec of WAL_FORMAT.md: log records, tablet-file frames and the manifest frame.
// Pure Buffer code. Encoders throw on input the format cannot hold; the decoder never throws: it
// returns every whole, valid frame up to the first one that is not, and says why it stopped, so
// recovery can cut a torn tail and a reader can never see a garbage record.
import { strict as assert } from 'node:assert';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { PennError } from '../../common/errors.ts';
import type { LogEntry } from './types.ts';

export const frameType = {
  put: 1,
  delete: 2,
  tabletHeader: 16,
  cell: 17,
  tabletFooter: 18,
  manifest: 32,
} as const;
export type FrameType = (typeof frameType)[keyof typeof frameType];

export const logFrameTypes: ReadonlySet<number> = new Set([frameType.put, frameType.delete]);
export const tabletFrameTypes: ReadonlySet<number> = new Set([
  frameType.tabletHeader,
  frameType.cell,
  frameType.tabletFooter,
]);
export const manifestFrameTypes: ReadonlySet<number> = new Set([frameType.manifest]);

/** length u32 + crc u32; the type byte counts in the length. */
export const frameHeaderBytes = 8;
export const recordBytesMaxDefault = 4 * 1024 * 1024 + 64 * 1024;
/** Rows, columns and tablet ids carry a u16 length. */
export const stringBytesMax = 0xffff;
export const tabletFormat = 1;
export const manifestFormat = 1;

export type StopReason = 'truncated tail' | 'bad length' | 'checksum mismatch' | 'bad record';

export type WalRecord =
  | LogEntry
  | { kind: 'tablet-header'; format: number; id: string }
  | { kind: 'cell'; row: string; column: string; value: Buffer }
  | { kind: 'tablet-footer'; cells: number; bytes: number }
  | { kind: 'manifest'; manifest: Manifest };

export interface ManifestTablet {
  id: string;
  /** Smallest key the tablet may hold; the first tablet's is ''. */
  first: string;
  file: string;
  bytes: number;
  cells: number;
}

export interface Manifest {
  format: number;
  version: number;
  lsn: number;
  epoch: number;
  tablets: ManifestTablet[];
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
// File names come from a peer during snapshot install: no separators, no dot-dot.
const fileName = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.tab$/);
const manifestSchema = z
  .object({
    format: z.literal(manifestFormat),
    version: count,
    lsn: count,
    epoch: count,
    tablets: z.array(
      z.object({ id: z.string().regex(/^[A-Za-z0-9_]+$/), first: z.string(), file: fileName, bytes: count, cells: count }).strict(),
    ),
  })
  .strict();

// ---- Encoding ----

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

function checkString(what: string, bytes: Buffer): void {
  if (bytes.length > stringBytesMax) {
    throw new PennError('invalid_argument', `${what} is ${bytes.length} bytes; the format holds at most ${stringBytesMax}`);
  }
}

function checkCount(what: string, n: number): void {
  assert(Number.isSafeInteger(n) && n >= 0, `${what} must be a non-negative safe integer, got ${n}`);
}

/** Frames a body: length, crc over length+type+body, type, body (WAL_FORMAT.md, record framing). */
export function encodeFrame(type: FrameType, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(frameHeaderBytes + 1 + body.length);
  out.writeUInt32LE(1 + body.length, 0);
  out.writeUInt8(type, 8);
  body.copy(out, 9);
  out.writeUInt32LE(frameCrc(out, 0, 1 + body.length), 4);
  return out;
}

function frameCrc(buf: Buffer, at: number, length: number): number {
  return crc32(buf.subarray(at + 8, at + 8 + length), crc32(buf.subarray(at, at + 4)));
}

/** Writes fields into one body buffer sized up front, so a record costs one allocation and one copy. */
class BodyWriter {
  readonly buf: Buffer;
  private at: number;
  /** headroom: bytes kept free before the body, where frame() puts the frame's header. */
  constructor(
    size: number,
    private readonly headroom = 0,
  ) {
    this.buf = Buffer.allocUnsafe(headroom + size);
    this.at = headroom;
  }
  u16(n: number): this {
    this.at = this.buf.writeUInt16LE(n, this.at);
    return this;
  }
  u32(n: number): this {
    this.at = this.buf.writeUInt32LE(n, this.at);
    return this;
  }
  u64(n: number): this {
    this.at = this.buf.writeBigUInt64LE(BigInt(n), this.at);
    return this;
  }
  bytes(b: Buffer): this {
    this.at += b.copy(this.buf, this.at);
    return this;
  }
  done(): Buffer {
    assert.equal(this.at, this.buf.length, 'body size mismatch');
    return this.headroom === 0 ? this.buf : this.buf.subarray(this.headroom);
  }
  /** The whole frame around the body, in the same buffer (encodeFrame without the copy). */
  frame(type: FrameType): Buffer {
    assert.equal(this.headroom, frameHeaderBytes + 1, 'frame() needs room for the header');
    assert.equal(this.at, this.buf.length, 'body size mismatch');
    const out = this.buf;
    const length = out.length - frameHeaderBytes;
    out.writeUInt32LE(length, 0);
    out.writeUInt8(type, 8);
    out.writeUInt32LE(frameCrc(out, 0, length), 4);
    return out;
  }
}

function cellBody(prefix: number[], row: string, column: string, value: Buffer | undefined, headroom = 0): BodyWriter {
  const r = utf8(row);
  const c = utf8(column);
  checkString('row', r);
  checkString('column', c);
  const size = prefix.length * 8 + 2 + r.length + 2 + c.length + (value ? 4 + value.length : 0);
  const w = new BodyWriter(size, headroom);
  for (const n of prefix) w.u64(n);
  w.u16(r.length).bytes(r).u16(c.length).bytes(c);
  if (value) w.u32(value.length).bytes(value);
  return w;
}

export function encodeLogEntry(entry: LogEntry): Buffer {
  checkCount('lsn', entry.lsn);
  checkCount('epoch', entry.epoch);
  const prefix = [entry.lsn, entry.epoch];
  // Written in place after the header: a 1 MiB value is copied once, not twice.
  if (entry.kind === 'put') return cellBody(prefix, entry.row, entry.column, entry.value, frameHeaderBytes + 1).frame(frameType.put);
  return cellBody(prefix, entry.row, entry.column, undefined, frameHeaderBytes + 1).frame(frameType.delete);
}

/** A put's value of at least this many bytes goes to the log as its own buffer, not copied into its frame (encodeLogEntryPieces). */
export const valueApartBytesMin = 64 * 1024;

/**
 * A log entry's frame as the pieces to write one after another: the frame itself, or, for a put
 * whose value is at least valueApartBytesMin, everything before the value and then the
 * value's own buffer — the same bytes as encodeLogEntry's, with the CRC carried across both, and
 * no copy of a large value (each copy of a 1 MiB value is an allocation the collector then
 * frees; docs/PERFORMANCE.md, "Drive: transfers").
 */
export function encodeLogEntryPieces(entry: LogEntry): Buffer[] {
  if (entry.kind !== 'put' || entry.value.length < valueApartBytesMin) return [encodeLogEntry(entry)];
  checkCount('lsn', entry.lsn);
  checkCount('epoch', entry.epoch);
  return framedApart(frameType.put, [entry.lsn, entry.epoch], entry.row, entry.column, entry.value);
}

/**
 * A frame ending in a value, as [everything before the value, the value's own buffer]: the body
 * without the value's bytes, framed as if it were whole, then its header mended (length, the
 * value's length, the CRC carried across both).
 */
function framedApart(type: FrameType, prefix: number[], row: string, column: string, value: Buffer): Buffer[] {
  const head = cellBody(prefix, row, column, Buffer.alloc(0), frameHeaderBytes + 1).frame(type);
  const length = head.length - frameHeaderBytes + value.length;
  head.writeUInt32LE(length, 0);
  head.writeUInt32LE(value.length, head.length - 4);
  head.writeUInt32LE(crc32(value, crc32(head.subarray(frameHeaderBytes), crc32(head.subarray(0, 4)))), 4);
  return [head, value];
}

export function encodeCell(row: string, column: string, value: Buffer): Buffer {
  return cellBody([], row, column, value, frameHeaderBytes + 1).frame(frameType.cell);
}

/** Small frames are joined into writes of about this size; a piece this large goes alone (joinSmallPieces). */
export const joinedPieceBytes = 256 * 1024;

/**
 * Frames (or pieces of frames) as a few large writes, the same bytes in the same order: small
 * ones joined into runs of about joinedPieceBytes (one syscall for many), large ones as they are
 * (joining them would copy every large value once more). The log's batches and tablet files.
 */
export function joinSmallPieces(frames: Iterable<Buffer>, pieceBytes = joinedPieceBytes): Buffer[] {
  const pieces: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const endRun = () => {
    if (run.length > 0) pieces.push(run.length === 1 ? (run[0] as Buffer) : Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const frame of frames) {
    if (frame.length >= pieceBytes) {
      endRun();
      pieces.push(frame);
      continue;
    }
    run.push(frame);
    runBytes += frame.length;
    if (runBytes >= pieceBytes) endRun();
  }
  endRun();
  return pieces;
}

/** A tablet cell's frame as pieces, as encodeLogEntryPieces: a large value is not copied. */
export function encodeCellPieces(row: string, column: string, value: Buffer): Buffer[] {
  return value.length < valueApartBytesMin ? [encodeCell(row, column, value)] : framedApart(frameType.cell, [], row, column, value);
}

export function encodeTabletHeader(id: string): Buffer {
  const b = utf8(id);
  checkString('tablet id', b);
  return encodeFrame(frameType.tabletHeader, new BodyWriter(4 + 2 + b.length).u32(tabletFormat).u16(b.length).bytes(b).done());
}

export function encodeTabletFooter(cells: number, bytes: number): Buffer {
  checkCount('cells', cells);
  checkCount('bytes', bytes);
  assert(cells <= 0xffffffff, 'cell count over u32');
  return encodeFrame(frameType.tabletFooter, new BodyWriter(12).u32(cells).u64(bytes).done());
}

export function encodeManifest(manifest: Manifest): Buffer {
  const parsed = manifestSchema.safeParse(manifest);
  assert(parsed.success, `invalid manifest: ${parsed.error?.message}`);
  const problem = checkManifestOrder(manifest);
  assert(problem === undefined, problem);
  return encodeFrame(frameType.manifest, utf8(JSON.stringify(manifest)));
}

/** Tablets ordered by first, the first one's first '', ids and files unique. */
function checkManifestOrder(m: Manifest): string | undefined {
  const ids = new Set<string>();
  const files = new Set<string>();
  for (const [i, t] of m.tablets.entries()) {
    if (i === 0 && t.first !== '') return 'the first tablet must start at ""';
    const prev = m.tablets[i - 1];
    if (prev && !(prev.first < t.first)) return 'tablets are not ordered by first';
    if (ids.has(t.id) || files.has(t.file)) return 'tablet ids and files must be unique';
    ids.add(t.id);
    files.add(t.file);
  }
  return undefined;
}

// ---- Decoding ----

export interface DecodeOptions {
  recordBytesMax: number;
  /** Frame types that may appear; any other is a 'bad record'. Default: every known type. */
  types?: ReadonlySet<number>;
  /** lsn of the log record just before buf, when buf continues a log read in pieces. */
  prevLsn?: number;
}

export interface DecodeResult {
  records: WalRecord[];
  /** Offset in buf of each record's frame. */
  offsets: number[];
  /** Bytes of whole, valid frames from the start of buf. */
  validBytes: number;
  stop?: { reason: StopReason; offset: number };
}

class BadRecord extends Error {}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads fields of one body; any overrun, bad UTF-8 or out-of-range number is a BadRecord. */
class BodyReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): number {
    if (this.at + n > this.buf.length) throw new BadRecord('body too short');
    const at = this.at;
    this.at += n;
    return at;
  }
  u16(): number {
    return this.buf.readUInt16LE(this.need(2));
  }
  u32(): number {
    return this.buf.readUInt32LE(this.need(4));
  }
  u64(): number {
    const n = this.buf.readBigUInt64LE(this.need(8));
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadRecord('u64 over the safe integer range');
    return Number(n);
  }
  string(): string {
    const length = this.u16();
    const at = this.need(length);
    try {
      return strictUtf8.decode(this.buf.subarray(at, at + length));
    } catch {
      throw new BadRecord('invalid UTF-8');
    }
  }
  /** A copy, so a record never pins the (possibly large) buffer it was read from. */
  value(): Buffer {
    const length = this.u32();
    const at = this.need(length);
    return Buffer.from(this.buf.subarray(at, at + length));
  }
  end(): void {
    if (this.at !== this.buf.length) throw new BadRecord('trailing bytes in body');
  }
}

function parseBody(type: number, body: Buffer): WalRecord {
  const r = new BodyReader(body);
  let record: WalRecord;
  switch (type) {
    case frameType.put: {
      const lsn = r.u64();
      const epoch = r.u64();
      record = { kind: 'put', lsn, epoch, row: r.string(), column: r.string(), value: r.value() };
      break;
    }
    case frameType.delete: {
      const lsn = r.u64();
      const epoch = r.u64();
      record = { kind: 'delete', lsn, epoch, row: r.string(), column: r.string() };
      break;
    }
    case frameType.tabletHeader:
      record = { kind: 'tablet-header', format: r.u32(), id: r.string() };
      if (record.format !== tabletFormat) throw new BadRecord(`unknown tablet format ${record.format}`);
      break;
    case frameType.cell:
      record = { kind: 'cell', row: r.string(), column: r.string(), value: r.value() };
      break;
    case frameType.tabletFooter:
      record = { kind: 'tablet-footer', cells: r.u32(), bytes: r.u64() };
      break;
    case frameType.manifest:
      return { kind: 'manifest', manifest: parseManifest(body) };
    default:
      throw new BadRecord(`unknown frame type ${type}`);
  }
  r.end();
  return record;
}

function parseManifest(body: Buffer): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(body));
  } catch {
    throw new BadRecord('manifest is not UTF-8 JSON');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new BadRecord(`manifest: ${parsed.error.message}`);
  const problem = checkManifestOrder(parsed.data);
  if (problem) throw new BadRecord(`manifest: ${problem}`);
  return parsed.data;
}

/**
 * Decodes frames from the start of buf until the first one that is not whole and valid.
 * Consecutive log records must have lsns rising by exactly one.
 */
export function decodeFrames(buf: Buffer, options: DecodeOptions): DecodeResult {
  const records: WalRecord[] = [];
  const offsets: number[] = [];
  let prevLsn = options.prevLsn;
  let at = 0;
  const stop = (reason: StopReason): DecodeResult => ({ records, offsets, validBytes: at, stop: { reason, offset: at } });
  while (at < buf.length) {
    if (buf.length - at < frameHeaderBytes) return stop('truncated tail');
    const length = buf.readUInt32LE(at);
    if (length === 0 || length > options.recordBytesMax) return stop('bad length');
    if (buf.length - at - frameHeaderBytes < length) return stop('truncated tail');
    if (buf.readUInt32LE(at + 4) !== frameCrc(buf, at, length)) return stop('checksum mismatch');
    const type = buf.readUInt8(at + 8);
    if (options.types && !options.types.has(type)) return stop('bad record');
    let record: WalRecord;
    try {
      record = parseBody(type, buf.subarray(at + 9, at + 8 + length));
    } catch (err) {
      if (err instanceof BadRecord) return stop('bad record');
      throw err;
    }
    if (record.kind === 'put' || record.kind === 'delete') {
      if (prevLsn !== undefined && record.lsn !== prevLsn + 1) return stop('bad record');
      prevLsn = record.lsn;
    }
    records.push(record);
    offsets.push(at);
    at += frameHeaderBytes + length;
  }
  return { records, offsets, validBytes: at };
}

/** Decodes a whole MANIFEST file; undefined unless it is exactly one valid manifest frame. */
export function decodeManifestFile(buf: Buffer, recordBytesMax: number): Manifest | undefined {
  const result = decodeFrames(buf, { recordBytesMax, types: manifestFrameTypes });
  const first = result.records[0];
  if (result.stop || result.records.length !== 1 || first?.kind !== 'manifest') return undefined;
  return first.manifest;
}
