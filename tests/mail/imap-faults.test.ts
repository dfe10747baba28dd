// IMAP through failures, against a real cluster and the real daemon: UIDVALIDITY and UIDNEXT (and
// every message's UID) stay the same across a kill -9 of the daemon and of the storage group's
// primary, so a client's cache stays valid; and an APPEND cut by a kill -9 of the daemon leaves
// the message all there or not there.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { waitFor } from '../../scripts/lib/processes.ts';
import { password, rfc822, startMailSystem, testMailSettings, type MailSystem } from './mail-system.ts';

interface Seen {
  uidValidity: string;
  uidNext: number;
  uids: number[];
}

describe('IMAP through failures', () => {
  let sys: MailSystem;
  before(async () => {
    sys = await startMailSystem({ users: ['alice', 'bob'] });
  });
  after(async () => sys?.close());

  async function connect(user: string): Promise<ImapFlow> {
    const c = new ImapFlow({ host: '127.0.0.1', port: sys.ports.imapPort, secure: false, auth: { user, pass: password(user) }, logger: false, tls: { rejectUnauthorized: false }, disableAutoIdle: true });
    await c.connect();
    return c;
  }

  /** What a client caches about a folder: UIDVALIDITY, UIDNEXT and the UIDs. */
  async function seen(user: string, folder: string): Promise<Seen> {
    // The daemon may still be coming up, or storage electing a primary: a client retries.
    return waitFor(
      async () => {
        const c = await connect(user);
        try {
          const box = await c.mailboxOpen(folder, { readOnly: true });
          const uids = box.exists ? ((await c.search({ all: true }, { uid: true })) || []) : [];
          return { uidValidity: String(box.uidValidity), uidNext: box.uidNext, uids };
        } finally {
          await c.logout().catch(() => c.close());
        }
      },
      { timeoutMs: 60_000, what: `an IMAP view of ${user}'s ${folder}` },
    );
  }

  test('UIDVALIDITY, UIDNEXT and UIDs survive a kill -9 of the daemon and of the storage primary', async () => {
    const c = await connect('alice');
    await c.mailboxCreate('Kept');
    for (let i = 0; i < 5; i++) await c.append(i % 2 ? 'INBOX' : 'Kept', rfc822({ Subject: `m${i}` }, `body ${i}`));
    await c.logout();
    const before = { inbox: await seen('alice', 'INBOX'), kept: await seen('alice', 'Kept') };
    assert.equal(before.inbox.uids.length, 2);
    assert.equal(before.kept.uids.length, 3);

    await sys.restartDaemon('kill9');
    assert.deepEqual({ inbox: await seen('alice', 'INBOX'), kept: await seen('alice', 'Kept') }, before);

    const primary = await sys.cluster.primaryOf(0);
    await sys.cluster.kill9(primary);
    await sys.cluster.waitHealthy(60_000);
    assert.deepEqual({ inbox: await seen('alice', 'INBOX'), kept: await seen('alice', 'Kept') }, before);
    sys.cluster.start(primary);
    await sys.cluster.waitHealthy(60_000);

    // And the next message gets exactly the UIDNEXT the client was told.
    const after = await connect('alice');
    const appended = await after.append('Kept', rfc822({ Subject: 'after' }, 'after the failures'));
    assert.ok(appended);
    assert.equal(appended.uid, before.kept.uidNext);
    assert.equal(String(appended.uidValidity), before.kept.uidValidity);
    await after.logout();
  });

  test('a kill -9 of the daemon during an APPEND leaves the message all there or not there', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(50)}`).join('\n');
    const message = Buffer.from(rfc822({ Subject: 'big append' }, body));
    assert.ok(message.length > 2 * testMailSettings.chunkBytes && message.length < testMailSettings.messageBytesMax);
    for (const cut of ['while sending', 'right after the last byte'] as const) {
      const socket = net.connect(sys.ports.imapPort, '127.0.0.1');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.on('error', () => {});
      await waitFor(() => received.includes('* OK'), { timeoutMs: 10_000, what: 'the greeting' });
      socket.write(`a LOGIN bob ${password('bob')}\r\nb APPEND INBOX {${message.length}+}\r\n`);
      await waitFor(() => received.includes('a OK'), { timeoutMs: 10_000, what: 'the login' });
      if (cut === 'while sending') {
        socket.write(message.subarray(0, message.length >> 1));
        await sys.restartDaemon('kill9');
      } else {
        socket.write(Buffer.concat([message, Buffer.from('\r\n')]));
        await sys.restartDaemon('kill9');
      }
      socket.destroy();
      const stored = (await sys.mailbox.list('bob', 'inbox')).filter((s) => s.subject === 'big append');
      assert.ok(stored.length <= 1, `${cut}: stored ${stored.length} times`);
      if (cut === 'while sending') assert.equal(stored.length, 0);
      for (const s of stored) {
        const read = await sys.mailbox.read('bob', 'inbox', s.id);
        assert.ok(read?.raw.equals(message), `${cut}: the stored message is not the one sent`);
      }
      // Whatever the outcome, the folder's counts agree with what it lists, and IMAP serves it.
      const state = await sys.mailbox.state.read('bob');
      const listed = await sys.mailbox.list('bob', 'inbox');
      assert.ok((state.folders.find((f) => f.id === 'inbox')?.total ?? 0) >= listed.length);
      assert.equal((await seen('bob', 'INBOX')).uids.length, listed.length);
    }
  });
});
