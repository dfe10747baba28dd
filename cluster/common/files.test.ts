// The disk door on real files: a file written from pieces holds them in order, however many,
// and a write that stops short goes on where it stopped.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem, writePieces } from './files.ts';

test('writeFileDurable from pieces writes them in order, empty ones and more than IOV_MAX of them', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'files-'));
  try {
    const pieces = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? Buffer.alloc(0) : Buffer.alloc(1 + (i % 13), i % 251)));
    pieces.push(Buffer.alloc(3 * 1024 * 1024, 5));
    const file = path.join(dir, 'pieces.tab');
    await nodeFileSystem.writeFileDurable(file, pieces);
    assert.deepEqual(await readFile(file), Buffer.concat(pieces));
    // Rewriting replaces the whole file, from a Buffer as from pieces.
    await nodeFileSystem.writeFileDurable(file, [Buffer.from('ab'), Buffer.from('c')]);
    assert.equal((await readFile(file)).toString(), 'abc');
    await nodeFileSystem.writeFileDurable(file, Buffer.from('d'));
    assert.equal((await readFile(file)).toString(), 'd');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writePieces goes on after short writes, stopping within a piece or at its end', async () => {
  const pieces = [Buffer.from('abc'), Buffer.alloc(0), Buffer.from('defg'), Buffer.from('h'), Buffer.from('ijklmn')];
  // A disk that takes at most these many bytes per call: 2 stops inside "abc", 1 ends it, 4 ends "defg"...
  const takes = [2, 1, 4, 3, 1, 100];
  const file = Buffer.alloc(14, '.');
  const calls: number[] = [];
  await writePieces(
    {
      async writev(buffers, position) {
        const all = Buffer.concat(buffers);
        const n = Math.min(all.length, takes[calls.length] ?? 100);
        calls.push(position);
        all.copy(file, position, 0, n);
        return { bytesWritten: n };
      },
    },
    pieces,
  );
  assert.equal(file.toString(), 'abcdefghijklmn');
  assert.deepEqual(calls, [0, 2, 3, 7, 10, 11], 'each call starts where the last one stopped');
  await assert.rejects(writePieces({ writev: async () => ({ bytesWritten: 0 }) }, [Buffer.from('x')]), /no progress/);
});
