// The codec's contract: whole valid frames decode to what was encoded, and any damage (a cut, a
// flipped byte, a bad length, a gap in lsns) stops the reader at the damaged frame, by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogEntry } from './types.ts';
import {
  decodeFrames,
  decodeManifestFile,
  encodeCell,
  encodeFrame,
  encodeLogEntry,
  encodeLogEntryPieces,
  encodeManifest,
  encodeTabletFooter,
  encodeTabletHeader,
  frameHeaderBytes,
  frameType,
  logFrameTypes,
  recordBytesMaxDefault,
  type FrameType,
  type Manifest,
  valueApartBytesMin,
} from './wal-record.ts';

const opts = { recordBytesMax: recordBytesMaxDefault };

function sampleLog(): LogEntry[] {
  return [
    { kind: 'put', lsn: 1, epoch: 0, row: 'alice', column: 'inbox/1', value: Buffer.from('hello') },
    { kind: 'put', lsn: 2, epoch: 3, row: 'bøb ☃', column: '', value: Buffer.alloc(0) },
    { kind: 'delete', lsn: 3, epoch: 3, row: 'alice', column: 'inbox/1' },
    { kind: 'put', lsn: 4, epoch: Number.MAX_SAFE_INTEGER, row: '\u{1f431}', column: 'c', value: Buffer.alloc(1000, 7) },
  ];
}

const encodeLog = (entries: LogEntry[]): Buffer => Buffer.concat(entries.map(encodeLogEntry));
const frameOffsets = (entries: LogEntry[]): number[] => {
  let at = 0;
  return entries.map((e) => {
    const o = at;
    at += encodeLogEntry(e).length;
    return o;
  });
};

test('log records round trip', () => {
  const entries = sampleLog();
  const buf = encodeLog(entries);
  const result = decodeFrames(buf, opts);
  assert.deepEqual(result.records, entries);
  assert.deepEqual(result.offsets, frameOffsets(entries));
  assert.equal(result.validBytes, buf.length);
  assert.equal(result.stop, undefined);
});

test('a large value is logged as a head and its own buffer: the same bytes, read back the same', () => {
  const value = Buffer.alloc(valueApartBytesMin + 3, 9);
  const entry: LogEntry = { kind: 'put', lsn: 7, epoch: 2, row: 'bøb', column: 'file#1', value };
  const pieces = encodeLogEntryPieces(entry);
  assert.equal(pieces.length, 2);
  assert.equal(pieces[1], value, 'the value goes as its own buffer, not a copy');
  const joined = Buffer.concat(pieces);
  assert.deepEqual(joined, encodeLogEntry(entry));
  assert.deepEqual(decodeFrames(joined, { ...opts, prevLsn: 6 }).records, [entry]);
  // Damage inside the value is still caught by the frame's checksum.
  joined.writeUInt8(joined.readUInt8(joined.length - 1) ^ 1, joined.length - 1);
  assert.equal(decodeFrames(joined, { ...opts, prevLsn: 6 }).stop?.reason, 'checksum mismatch');
  // Smaller values, and deletes, stay one frame.
  for (const e of sampleLog()) assert.deepEqual(encodeLogEntryPieces(e), [encodeLogEntry(e)]);
});

test('an empty buffer is an empty log', () => {
  assert.deepEqual(decodeFrames(Buffer.alloc(0), opts), { records: [], offsets: [], validBytes: 0 });
});

test('tablet frames and the manifest round trip', () => {
  const manifest: Manifest = {
    format: 1,
    version: 7,
    lsn: 120400,
    epoch: 3,
    tablets: [
      { id: 't5', first: '', file: 't5-12.tab', bytes: 8120, cells: 40 },
      { id: 't6', first: 'm\0x', file: 't6-13.tab', bytes: 10, cells: 1 },
    ],
  };
  const buf = Buffer.concat([
    encodeTabletHeader('t5'),
    encodeCell('r', 'c', Buffer.from('v')),
    encodeTabletFooter(1, 123),
    encodeManifest(manifest),
  ]);
  const { records, stop } = decodeFrames(buf, opts);
  assert.equal(stop, undefined);
  assert.deepEqual(records, [
    { kind: 'tablet-header', format: 1, id: 't5' },
    { kind: 'cell', row: 'r', column: 'c', value: Buffer.from('v') },
    { kind: 'tablet-footer', cells: 1, bytes: 123 },
    { kind: 'manifest', manifest },
  ]);
  assert.deepEqual(decodeManifestFile(encodeManifest(manifest), recordBytesMaxDefault), manifest);
});

test('checksum mismatch: a flipped body byte stops the reader at that frame', () => {
  const entries = sampleLog();
  const buf = encodeLog(entries);
  const at = frameOffsets(entries)[2] as number;
  buf[at + frameHeaderBytes + 3] = (buf[at + frameHeaderBytes + 3] as number) ^ 0x10;
  const result = decodeFrames(buf, opts);
  assert.deepEqual(result.stop, { reason: 'checksum mismatch', offset: at });
  assert.deepEqual(result.records, entries.slice(0, 2));
  assert.equal(result.validBytes, at);
});

test('checksum mismatch: a flipped length bit that still fits the file is caught', () => {
  const entries = sampleLog();
  const buf = encodeLog(entries);
  buf[0] = (buf[0] as number) ^ 0x01;
  assert.deepEqual(decodeFrames(buf, opts).stop, { reason: 'checksum mismatch', offset: 0 });
});

test('truncated tail: a frame cut short, or a header cut short', () => {
  const entries = sampleLog();
  const buf = encodeLog(entries);
  const last = frameOffsets(entries)[3] as number;
  const midRecord = decodeFrames(buf.subarray(0, buf.length - 1), opts);
  assert.deepEqual(midRecord.stop, { reason: 'truncated tail', offset: last });
  assert.deepEqual(midRecord.records, entries.slice(0, 3));
  const midHeader = decodeFrames(buf.subarray(0, last + 5), opts);
  assert.deepEqual(midHeader.stop, { reason: 'truncated tail', offset: last });
  assert.equal(midHeader.validBytes, last);
});

test('bad length: zero, or over recordBytesMax', () => {
  const entries = sampleLog();
  const buf = encodeLog(entries);
  const at = frameOffsets(entries)[1] as number;
  const zero = Buffer.from(buf);
  zero.writeUInt32LE(0, at);
  assert.deepEqual(decodeFrames(zero, opts).stop, { reason: 'bad length', offset: at });
  const huge = Buffer.from(buf);
  huge.writeUInt32LE(recordBytesMaxDefault + 1, at);
  assert.deepEqual(decodeFrames(huge, opts).stop, { reason: 'bad length', offset: at });
  // A record over a smaller limit is refused even though it is whole and checks out.
  const small = decodeFrames(buf, { recordBytesMax: 500 });
  assert.deepEqual(small.stop, { reason: 'bad length', offset: frameOffsets(entries)[3] });
});

test('bad record: lsn that does not rise by exactly one', () => {
  const [a, b] = sampleLog() as [LogEntry, LogEntry];
  const gap = Buffer.concat([encodeLogEntry(a), encodeLogEntry({ ...b, lsn: 3 })]);
  const result = decodeFrames(gap, opts);
  assert.deepEqual(result.stop, { reason: 'bad record', offset: encodeLogEntry(a).length });
  assert.deepEqual(result.records, [a]);
  const repeat = Buffer.concat([encodeLogEntry(a), encodeLogEntry({ ...b, lsn: 1 })]);
  assert.equal(decodeFrames(repeat, opts).stop?.reason, 'bad record');
  // prevLsn continues a log read in pieces.
  assert.equal(decodeFrames(encodeLogEntry(b), { ...opts, prevLsn: 5 }).stop?.reason, 'bad record');
  assert.equal(decodeFrames(encodeLogEntry(b), { ...opts, prevLsn: 1 }).stop, undefined);
});

test('bad record: unknown type, type not allowed here, body that does not parse', () => {
  const unknown = encodeFrame(99 as FrameType, Buffer.from('x'));
  assert.deepEqual(decodeFrames(unknown, opts).stop, { reason: 'bad record', offset: 0 });
  const cell = encodeCell('r', 'c', Buffer.from('v'));
  assert.equal(decodeFrames(cell, { ...opts, types: logFrameTypes }).stop?.reason, 'bad record');
  const short = encodeFrame(frameType.put, Buffer.alloc(10));
  assert.equal(decodeFrames(short, opts).stop?.reason, 'bad record');
  const trailing = encodeFrame(frameType.cell, Buffer.concat([cellBody(), Buffer.from([0])]));
  assert.equal(decodeFrames(trailing, opts).stop?.reason, 'bad record');
  const badUtf8 = encodeFrame(frameType.tabletHeader, Buffer.from([1, 0, 0, 0, 1, 0, 0xff]));
  assert.equal(decodeFrames(badUtf8, opts).stop?.reason, 'bad record');
  const unsafe = Buffer.alloc(8 + 8 + 2 + 2);
  unsafe.writeBigUInt64LE(2n ** 60n, 0);
  assert.equal(decodeFrames(encodeFrame(frameType.delete, unsafe), opts).stop?.reason, 'bad record');
  const manifest = encodeFrame(frameType.manifest, Buffer.from('{"format":1}'));
  assert.equal(decodeFrames(manifest, opts).stop?.reason, 'bad record');
});

function cellBody(): Buffer {
  return encodeCell('r', 'c', Buffer.from('v')).subarray(9);
}

test('encoders refuse rows the format cannot hold', () => {
  assert.throws(
    () => encodeLogEntry({ kind: 'delete', lsn: 1, epoch: 0, row: 'x'.repeat(70000), column: 'c' }),
    /the format holds at most/,
  );
});

// ---- Properties ----

const text = fc.string({ unit: 'binary', maxLength: 12 });
const arbLog: fc.Arbitrary<LogEntry[]> = fc
  .record({
    firstLsn: fc.integer({ min: 1, max: 2 ** 40 }),
    epoch: fc.nat({ max: 1000 }),
    ops: fc.array(
      fc.record({
        put: fc.boolean(),
        row: text,
        column: text,
        value: fc.uint8Array({ maxLength: 64 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  })
  .map(({ firstLsn, epoch, ops }) =>
    ops.map((op, i): LogEntry => {
      const base = { lsn: firstLsn + i, epoch, row: op.row, column: op.column };
      return op.put ? { kind: 'put', ...base, value: Buffer.from(op.value) } : { kind: 'delete', ...base };
    }),
  );

test('property: any prefix of a valid log decodes to a prefix of its records', () => {
  fc.assert(
    fc.property(arbLog, fc.nat(), (entries, cutSeed) => {
      const buf = encodeLog(entries);
      const cut = cutSeed % (buf.length + 1);
      const result = decodeFrames(buf.subarray(0, cut), opts);
      assert.deepEqual(result.records, entries.slice(0, result.records.length));
      const whole = frameOffsets(entries).filter((o, i) => o + encodeLogEntry(entries[i] as LogEntry).length <= cut);
      assert.equal(result.records.length, whole.length);
      // A cut between frames is a shorter clean log; a cut inside one is a torn tail.
      assert.equal(result.stop?.reason, cut === result.validBytes ? undefined : 'truncated tail');
    }),
    { numRuns: 300 },
  );
});

test('property: any single-byte flip decodes to a strict prefix of the records', () => {
  fc.assert(
    fc.property(arbLog, fc.nat(), fc.integer({ min: 1, max: 255 }), (entries, atSeed, mask) => {
      const buf = encodeLog(entries);
      const at = atSeed % buf.length;
      buf[at] = (buf[at] as number) ^ mask;
      const result = decodeFrames(buf, opts);
      assert.ok(result.stop, 'a flipped byte must stop the reader');
      assert.ok(result.records.length < entries.length);
      assert.deepEqual(result.records, entries.slice(0, result.records.length));
    }),
    { numRuns: 300 },
  );
});

test('log and cell records built in place are byte for byte encodeFrame(type, body) of WAL_FORMAT.md', () => {
  // The body as the format describes it, built separately: u64 fields, u16-prefixed row and
  // column, u32-prefixed value.
  const body = (prefix: number[], row: string, column: string, value?: Buffer) => {
    const r = Buffer.from(row, 'utf8');
    const c = Buffer.from(column, 'utf8');
    const parts: Buffer[] = prefix.map((n) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(n));
      return b;
    });
    const u16 = (n: number) => Buffer.from([n & 0xff, n >> 8]);
    parts.push(u16(r.length), r, u16(c.length), c);
    if (value) {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(value.length);
      parts.push(len, value);
    }
    return Buffer.concat(parts);
  };
  for (const e of sampleLog()) {
    const expected =
      e.kind === 'put'
        ? encodeFrame(frameType.put, body([e.lsn, e.epoch], e.row, e.column, e.value))
        : encodeFrame(frameType.delete, body([e.lsn, e.epoch], e.row, e.column));
    assert.deepEqual(encodeLogEntry(e), expected, `lsn ${e.lsn}`);
  }
  const value = Buffer.alloc(70_000, 9);
  assert.deepEqual(encodeCell('row', 'col', value), encodeFrame(frameType.cell, body([], 'row', 'col', value)));
});
