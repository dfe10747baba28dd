// The disk door on real files: a file written from pieces holds them in order, however many.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from './files.ts';

test('writeFileDurable from pieces writes them in order, empty ones and more than one writev holds', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'files-'));
  try {
    // More pieces than IOV_MAX (1024), so the writes go on past the first writev's limit.
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
