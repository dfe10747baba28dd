// Uploads and deletes that do not finish: an upload whose client goes away midway is undone at
// once (no file, no chunk, its room given back); one whose frontend is killed midway leaves a
// stale record that a frontend reclaims later; a delete whose frontend is killed midway can be
// repeated, or is finished by another frontend later. And the quota: an upload that would pass
// it is refused with a clear message before any byte is stored. Tests that need settings the
// shared cluster lacks run on a frontend started with them (drive-helpers.ts, frontendWithSettings).
import { randomBytes } from 'node:crypto';
import { waitFor } from '../../../scripts/lib/processes.ts';
import { expect, test } from '../fixtures';
import { call, chunkCount, frontendWithSettings, list, signUp, streamUpload, uploadOk, via, waitForChunks } from './drive-helpers';

const MiB = 1024 * 1024;

test.describe('drive uploads and deletes that do not finish', () => {
  test('a client that goes away midway leaves no file and no chunk', async ({ cloud }) => {
    const alice = await signUp(cloud.frontendUrl(1));
    await uploadOk(alice, 'root', 'kept.txt', 'kept');
    for (const declare of [true, false]) {
      let sentMiB = 0;
      const upload = streamUpload(alice, 'root', `cut-${declare}.bin`, 64 * MiB, {
        declare,
        fill: (piece, i) => {
          piece.fill(i);
          sentMiB = i + 1;
        },
        onRequest: (req) => {
          // Cut the connection once some chunks are surely in the store.
          const timer = setInterval(async () => {
            if (sentMiB >= 12 && (await chunkCount(cloud, alice.name)) >= 4) {
              clearInterval(timer);
              req.destroy();
            }
          }, 50);
          req.once('close', () => clearInterval(timer));
        },
      });
      await expect(upload).rejects.toThrow();
      await waitForChunks(cloud, alice.name, 1);
      await waitFor(async () => (await list(alice)).usage.usedBytes === 4, { timeoutMs: 10_000, what: 'the reservation to be given back' });
      expect((await list(alice)).items.map((i) => i.name)).toEqual(['kept.txt']);
    }
  });

  test('an upload whose frontend dies is reclaimed later; the quota is checked first', async ({ cloud }) => {
    const quotaBytes = 48 * MiB;
    const stop = await frontendWithSettings(cloud, 2, {
      PENNCLOUD__web__quotaBytes: String(quotaBytes),
      PENNCLOUD__drive__uploadStaleMs: '2000',
      PENNCLOUD__drive__uploadTouchMs: '300',
    });
    try {
      const origin = cloud.frontendUrl(2);
      const alice = await signUp(origin);
      await uploadOk(alice, 'root', 'first.bin', randomBytes(8 * MiB));

      // Refused before a byte is stored, with the figures in the message.
      const tooBig = await streamUpload(alice, 'root', 'too-big.bin', 41 * MiB);
      expect(tooBig.status).toBe(413);
      expect(JSON.parse(tooBig.body)).toEqual({
        code: 'quota_exceeded',
        error: 'Not enough room: this needs 41.0 MiB, and 40.0 MiB of your 48.0 MiB are free.',
      });
      // Without a declared size it is refused as it passes the quota, and undone.
      const undeclared = await streamUpload(alice, 'root', 'undeclared.bin', 41 * MiB, { declare: false }).catch((err: Error) => ({ status: 0, body: err.message }));
      expect([0, 413]).toContain(undeclared.status);
      await waitForChunks(cloud, alice.name, 8);
      expect((await list(alice)).usage.usedBytes).toBe(8 * MiB);
      expect((await uploadOk(alice, 'root', 'fits.bin', randomBytes(40 * MiB))).size).toBe(40 * MiB);
      await uploadOk(alice, 'root', 'empty.txt', '');

      // Now an upload through frontend 1 (ordinary settings) is killed with its frontend midway.
      const bob = await signUp(cloud.frontendUrl(1));
      let sentMiB = 0;
      const dying = streamUpload(bob, 'root', 'dying.bin', 64 * MiB, {
        fill: (piece, i) => {
          piece.fill(i);
          sentMiB = i + 1;
        },
      });
      dying.catch(() => {});
      await waitFor(async () => sentMiB >= 8 && (await chunkCount(cloud, bob.name)) >= 4, { timeoutMs: 30_000, what: 'chunks of the dying upload' });
      await cloud.kill9('web1');
      await expect(dying).rejects.toThrow();
      const left = await chunkCount(cloud, bob.name);
      expect(left).toBeGreaterThanOrEqual(4);
      const bobThere = via(bob, origin);
      expect((await list(bobThere)).items).toEqual([]);
      expect((await list(bobThere)).usage.usedBytes).toBe(64 * MiB);
      // Frontend 2 reclaims it once the record is stale (2 s here), when bob's drive is listed.
      await waitFor(
        async () => {
          await list(bobThere);
          return (await chunkCount(cloud, bob.name)) === 0 && (await list(bobThere)).usage.usedBytes === 0;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'the dead upload to be reclaimed' },
      );
      expect((await list(bobThere)).items).toEqual([]);
    } finally {
      await stop();
    }
  });

  test('a delete whose frontend dies midway can be repeated, and is otherwise finished by another frontend', async ({ cloud }) => {
    // Small chunks, one per row, so a delete takes long enough to be cut short.
    const stop = await frontendWithSettings(cloud, 2, {
      PENNCLOUD__drive__uploadStaleMs: '2000',
      PENNCLOUD__drive__chunkBytes: String(64 * 1024),
      PENNCLOUD__drive__chunksPerRow: '1',
    });
    try {
      const alice = await signUp(cloud.frontendUrl(2));
      await uploadOk(alice, 'root', 'kept.txt', 'kept');
      const files = [await uploadOk(alice, 'root', 'again.bin', randomBytes(8 * MiB)), await uploadOk(alice, 'root', 'left.bin', randomBytes(8 * MiB))];
      for (const file of files) {
        // Through frontend 1 (started afresh for the second file), killed midway.
        if (!cloud.services.has('web1')) await frontendWithSettings(cloud, 1, {});
        const before = await chunkCount(cloud, alice.name);
        const deleting = call(via(alice, cloud.frontendUrl(1)), 'DELETE', `/api/drive/items/${file.id}`);
        deleting.catch(() => {});
        await waitFor(async () => (await chunkCount(cloud, alice.name)) < before, { timeoutMs: 20_000, intervalMs: 20, what: `the delete of ${file.name} to begin` });
        await cloud.kill9('web1');
        await expect(deleting).rejects.toThrow();
        // Cut short: some of its chunks are still stored.
        expect(await chunkCount(cloud, alice.name)).toBeGreaterThan(before - 128);
        if (file.name === 'again.bin') {
          // The user deletes it again: done at once.
          const again = await call(alice, 'DELETE', `/api/drive/items/${file.id}`);
          expect(again.status, JSON.stringify(again.body)).toBe(200);
          expect(await chunkCount(cloud, alice.name)).toBe(before - 128);
          expect((await list(alice)).usage.usedBytes).toBe(4 + 8 * MiB);
        } else {
          // Left alone, frontend 2 finishes it once its record is stale (2 s here), when the drive is listed.
          await waitFor(
            async () => (await list(alice)).usage.usedBytes === 4 && (await chunkCount(cloud, alice.name)) === 1,
            { timeoutMs: 30_000, intervalMs: 500, what: 'the cut-short delete to be finished' },
          );
        }
      }
      expect((await list(alice)).items.map((i) => i.name)).toEqual(['kept.txt']);
    } finally {
      await stop();
    }
  });
});
