import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadName, hexDump, hexPreviewBytesMax, isText, previewValue, textPreviewBytesMax, utf8Prefix } from './value-preview.ts';

test('text is valid UTF-8 without control characters; anything else is binary', () => {
  assert.equal(isText(Buffer.from('héllo, wörld ✓\n\tline two\r\n')), true);
  assert.equal(isText(Buffer.alloc(0)), true);
  assert.equal(isText(Buffer.from([0x68, 0x00, 0x69])), false, 'NUL');
  assert.equal(isText(Buffer.from([0x1b, 0x5b, 0x30, 0x6d])), false, 'ESC');
  assert.equal(isText(Buffer.from([0xc3])), false, 'truncated sequence');
  assert.equal(isText(Buffer.from([0xc0, 0xaf])), false, 'overlong encoding');
  assert.equal(isText(Buffer.from([0xed, 0xa0, 0x80])), false, 'lone surrogate');
  assert.equal(isText(Buffer.from([0xff, 0xfe, 0x00, 0x01])), false);
});

test('a text preview stops at the limit without cutting a character in two', () => {
  const value = Buffer.from('é'.repeat(textPreviewBytesMax)); // 2 bytes each
  const odd = Buffer.concat([Buffer.from('x'), value]);
  const preview = previewValue(odd);
  assert.equal(preview.kind, 'text');
  assert.equal(preview.truncated, true);
  assert.equal(preview.shownBytes, textPreviewBytesMax - 1);
  assert.equal(preview.content, 'x' + 'é'.repeat((textPreviewBytesMax - 2) / 2));
  assert.deepEqual(utf8Prefix(Buffer.from('ab'), 10), Buffer.from('ab'));
  assert.equal(utf8Prefix(Buffer.from('✓✓'), 4).length, 3);
});

test('a binary value is a hex dump of its first bytes', () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const preview = previewValue(bytes);
  assert.equal(preview.kind, 'hex');
  assert.equal(preview.truncated, false);
  const lines = preview.content.split('\n');
  assert.equal(lines.length, 16);
  assert.equal(lines[0], '00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|');
  assert.equal(lines[4], '00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|');
  assert.equal(hexDump(Buffer.from('ab\x00')), '00000000  61 62 00                                          |ab.|');
  const big = previewValue(Buffer.alloc(hexPreviewBytesMax * 3, 0xff));
  assert.equal(big.truncated, true);
  assert.equal(big.shownBytes, hexPreviewBytesMax);
  assert.equal(big.content.split('\n').length, hexPreviewBytesMax / 16);
});

test('download names keep only safe characters', () => {
  assert.equal(downloadName('alice#file#12', 'chunk/0'), 'alice_file_12.chunk_0.bin');
  assert.equal(downloadName('../..', '#'), 'value.bin');
});
