// Name clashes found before an upload, and the Keep both name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findClashes, keepBothName } from './upload-names.ts';

test('keep both: " (n)" before the extension, the next free number', () => {
  assert.equal(keepBothName('report.pdf', new Set(['report.pdf'])), 'report (1).pdf');
  assert.equal(keepBothName('report.pdf', new Set(['report.pdf', 'report (1).pdf', 'report (3).pdf'])), 'report (2).pdf');
  assert.equal(keepBothName('report (1).pdf', new Set(['report (1).pdf'])), 'report (2).pdf');
  assert.equal(keepBothName('archive.tar.gz', new Set()), 'archive.tar (1).gz');
  assert.equal(keepBothName('.bashrc', new Set()), '.bashrc (1)');
  assert.equal(keepBothName('README', new Set(['README (1)'])), 'README (2)');
  assert.equal(keepBothName('Cafe\u0301.txt', new Set(['Café (1).txt'])), 'Café (2).txt', 'NFC, as the server compares');
});

test('clashes: with the folder (a file or a folder holds the name) and within the batch', () => {
  const existing = new Map([
    ['a.txt', { id: 'fA', kind: 'file' as const }],
    ['docs', { id: 'dD', kind: 'folder' as const }],
  ]);
  assert.deepEqual(findClashes(['a.txt', 'b.txt', 'docs', 'b.txt'], existing), [
    { name: 'a.txt', holder: 'fA', holderIsFile: true },
    { name: 'b.txt' },
    { name: 'docs', holder: 'dD', holderIsFile: false },
    { name: 'b.txt', inBatch: true },
  ]);
});
