// kill -9 of the mail daemon while sessions deliver, small messages (one write, inline in the
// index value) and large ones (chunks, then the index column) mixed: every message that got its
// 250 is there after the restart, and every message listed is all there — its bytes read back
// whole, of the size its summary says. A message cut off by the crash is simply not listed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { waitFor } from '../../scripts/lib/processes.ts';
import { rfc822, startMailSystem, testMailSettings, type MailSystem } from './mail-system.ts';

describe('a crash mid-delivery', () => {
  let sys: MailSystem;
  before(async () => {
    sys = await startMailSystem({ users: ['kim'] });
  });
  after(async () => sys?.close());

  test('kill -9 during deliveries: everything acknowledged is there, everything there is whole', async () => {
    const acknowledged = new Set<string>();
    const bodies = new Map<string, string>();
    let stop = false;
    const sessions = 6;
    const senders = Array.from({ length: sessions }, async (_, s) => {
      const transport = nodemailer.createTransport({ pool: true, maxConnections: 1, host: '127.0.0.1', port: sys.ports.smtpPort, secure: false, ignoreTLS: true });
      for (let n = 0; !stop; n++) {
        const subject = `crash ${s}.${n}`;
        // Every third message is over the inline limit of the test config (chunkBytes 16 KiB).
        const lines = n % 3 === 0 ? 400 : 3;
        const body = Array.from({ length: lines }, (_, i) => `${subject} line ${i} ${'z'.repeat(50)}`).join('\n');
        bodies.set(subject, body);
        try {
          await transport.sendMail({ envelope: { from: 'sender@example.org', to: ['kim@localhost'] }, raw: rfc822({ From: 'sender@example.org', Subject: subject }, body) });
          acknowledged.add(subject);
        } catch {
          // The daemon died under this message: the sender would try again later.
          break;
        }
      }
      transport.close();
    });
    await waitFor(() => acknowledged.size >= 30, { timeoutMs: 60_000, what: '30 messages acknowledged' });
    await sys.restartDaemon('kill9');
    stop = true;
    await Promise.all(senders);

    const inbox = await sys.mailbox.list('kim', 'inbox');
    const listed = new Set(inbox.map((m) => m.subject));
    for (const subject of acknowledged) assert.ok(listed.has(subject), `${subject} got its 250 but is not in the inbox`);
    assert.ok(inbox.some((m) => m.chunks === 0) && inbox.some((m) => m.size > testMailSettings.chunkBytes && m.chunks > 1));
    for (const m of inbox) {
      const read = await sys.mailbox.read('kim', 'inbox', m.id);
      assert.ok(read, `${m.subject} is listed but cannot be read`);
      assert.equal(read.raw.length, m.size, `${m.subject}: ${read.raw.length} bytes read, ${m.size} in the summary`);
      assert.ok(read.raw.toString().endsWith(`${bodies.get(m.subject)!.replaceAll('\n', '\r\n')}\r\n`), `${m.subject} is not whole`);
    }
    // Each message once: a session whose message died with the daemon did not send it again.
    assert.equal(inbox.length, listed.size);
  });
});
