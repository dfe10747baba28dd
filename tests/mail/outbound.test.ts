// Mail out, against a real cluster and the real daemon, with a local sink SMTP server standing
// in for other domains' mail exchangers (mail.relay): delivery by SMTP submission and by gRPC
// Mail.Send, a temporary failure retried until delivered, an MX that never answers retried and
// then bounced to the sender, a permanent refusal bounced at once, and queued mail surviving
// kill -9 of the daemon.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { PennError } from '../../cluster/common/errors.ts';
import { waitFor } from '../../scripts/lib/processes.ts';
import { password, startMailSystem, testMailSettings, type MailSystem } from './mail-system.ts';

describe('mail out', () => {
  let sys: MailSystem;
  before(async () => {
    sys = await startMailSystem({ users: ['alice', 'bob', 'carol'] });
  });
  after(async () => sys?.close());
  beforeEach(() => {
    sys.sink.mode = 'accept';
    sys.sink.messages.length = 0;
    sys.sink.connections = 0;
    sys.sink.refusals = 0;
  });

  const submit = (user: string, mail: SendMailOptions) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: sys.ports.smtpPort, secure: false, ignoreTLS: true, auth: { user, pass: password(user) } })
      .sendMail(mail);

  const waitQueueEmpty = (timeoutMs = 15_000) =>
    waitFor(async () => (await sys.client.status()).queueLength === 0, { timeoutMs, what: 'the outbound queue to empty' });

  async function bounceFor(user: string, recipient: string, timeoutMs = 15_000) {
    return waitFor(
      async () => {
        for (const m of await sys.mailbox.list(user, 'inbox')) {
          if (m.subject !== 'Undelivered Mail Returned to Sender') continue;
          const raw = (await sys.mailbox.read(user, 'inbox', m.id))?.raw.toString() ?? '';
          if (raw.includes(`Final-Recipient: rfc822; ${recipient}`)) return { summary: m, raw };
        }
        return undefined;
      },
      { timeoutMs, what: `a bounce for ${recipient} in ${user}'s inbox` },
    );
  }

  test('SMTP submission to a remote and a local recipient: the sink gets one, bob the other, alice a Sent copy', async () => {
    const info = await submit('alice', { from: 'alice@localhost', to: ['carol@example.com', 'bob@localhost'], subject: 'to the world', text: 'hi all' });
    assert.deepEqual(info.accepted.sort(), ['bob@localhost', 'carol@example.com']);
    const arrived = await waitFor(() => sys.sink.messages[0], { timeoutMs: 10_000, what: 'the sink to receive the message' });
    assert.equal(arrived.from, 'alice@localhost');
    assert.deepEqual(arrived.to, ['carol@example.com']);
    assert.match(arrived.raw.toString(), /Subject: to the world/);
    assert.match(arrived.raw.toString(), /^Received: from /);
    assert.doesNotMatch(arrived.raw.toString(), /Return-Path/);
    assert.ok((await sys.mailbox.list('bob', 'inbox')).some((m) => m.subject === 'to the world'));
    assert.ok((await sys.mailbox.list('alice', 'sent')).some((m) => m.subject === 'to the world'));
    await waitQueueEmpty();
  });

  test('gRPC Mail.Send: local and remote recipients, a Sent copy with Bcc, Status counts it', async () => {
    const before = await sys.client.status();
    const result = await sys.client.send({
      user: 'bob',
      to: ['Alice <alice@localhost>', 'dave@example.net'],
      bcc: ['carol@localhost'],
      subject: 'via gRPC',
      text: 'plain part',
      html: '<p>html part</p>',
      attachments: [{ filename: 'a.bin', content: Buffer.from([0, 1, 2, 255]) }],
    });
    assert.deepEqual(result.delivered.sort(), ['alice', 'carol']);
    assert.deepEqual(result.queued, ['dave@example.net']);
    assert.match(result.messageId, /^<.+@localhost>$/);
    const sent = await sys.mailbox.read('bob', 'sent', result.sentId);
    assert.ok(sent);
    assert.equal(sent.summary.hasAttachments, true);
    assert.match(sent.raw.toString(), /^Bcc: carol@localhost/m);
    const [aliceCopy] = (await sys.mailbox.list('alice', 'inbox')).filter((m) => m.subject === 'via gRPC');
    assert.ok(aliceCopy);
    assert.doesNotMatch((await sys.mailbox.read('alice', 'inbox', aliceCopy.id))!.raw.toString(), /^Bcc:/m);
    assert.ok((await sys.mailbox.list('carol', 'inbox')).some((m) => m.subject === 'via gRPC'));
    const arrived = await waitFor(() => sys.sink.messages.find((m) => m.to.includes('dave@example.net')), { timeoutMs: 10_000, what: 'the sink to get dave’s copy' });
    assert.equal(arrived.from, 'bob@localhost');
    await waitQueueEmpty();
    const after = await sys.client.status();
    assert.equal(after.sentByGrpc, before.sentByGrpc + 1);
    assert.ok(after.deliveredRemote >= before.deliveredRemote + 1);
  });

  test('gRPC Mail.Send refuses bad addresses and unknown users before storing anything', async () => {
    const sentBefore = (await sys.mailbox.list('bob', 'sent')).length;
    const refuse = async (to: string[], code: string, message: RegExp) =>
      assert.rejects(sys.client.send({ user: 'bob', to, subject: 's', text: 't' }), (err: unknown) => {
        assert.ok(err instanceof PennError);
        assert.equal(err.code, code);
        assert.match(err.message, message);
        return true;
      });
    await refuse(['not an address'], 'invalid_argument', /not an email address/);
    await refuse(['alice@localhost', 'ghost@localhost'], 'not_found', /no user ghost@localhost/);
    await refuse([], 'invalid_argument', /at least one recipient/);
    await assert.rejects(sys.client.send({ user: 'nobody', to: ['alice@localhost'], subject: 's', text: 't' }), /unknown sender/);
    const huge = Buffer.alloc(testMailSettings.messageBytesMax, 1);
    await assert.rejects(sys.client.send({ user: 'bob', to: ['alice@localhost'], subject: 's', text: 't', attachments: [{ filename: 'big', content: huge }] }), /limit is/);
    assert.equal((await sys.mailbox.list('bob', 'sent')).length, sentBefore);
  });

  test('a temporary refusal (451) is retried until the message gets through', async () => {
    sys.sink.mode = 'tempfail';
    await submit('alice', { from: 'alice@localhost', to: 'later@example.com', subject: 'eventually', text: 'x' });
    // Refused, not merely connected: flipping the mode earlier could let the first attempt through.
    await waitFor(() => sys.sink.refusals >= 1, { timeoutMs: 10_000, what: 'a first, refused attempt' });
    assert.equal((await sys.client.status()).queueLength, 1);
    sys.sink.mode = 'accept';
    await waitFor(() => sys.sink.messages.find((m) => m.to.includes('later@example.com')), { timeoutMs: 10_000, what: 'the retry to deliver' });
    assert.ok(sys.sink.connections >= 2);
    await waitQueueEmpty();
  });

  test('an MX that never answers is tried deliveryAttemptsMax times, then alice gets a bounce', async () => {
    sys.sink.mode = 'silent';
    const statusBefore = await sys.client.status();
    await submit('alice', { from: 'alice@localhost', to: 'void@blackhole.example', subject: 'into the void', text: 'x' });
    const bounce = await bounceFor('alice', 'void@blackhole.example');
    assert.equal(sys.sink.connections, testMailSettings.deliveryAttemptsMax);
    assert.match(bounce.raw, /Content-Type: multipart\/report; report-type=delivery-status/);
    assert.match(bounce.raw, /gave up after 3 attempts/);
    assert.match(bounce.raw, /Subject: into the void/);
    assert.equal(bounce.summary.from, 'Mail Delivery System <MAILER-DAEMON@localhost>');
    await waitQueueEmpty();
    const statusAfter = await sys.client.status();
    assert.equal(statusAfter.bounced, statusBefore.bounced + 1);
    assert.equal(statusAfter.deliveryAttempts, statusBefore.deliveryAttempts + testMailSettings.deliveryAttemptsMax);
  });

  test('a permanent refusal (550) bounces at once, without retries', async () => {
    sys.sink.mode = 'reject';
    await submit('bob', { from: 'bob@localhost', to: 'gone@example.com', subject: 'to nobody', text: 'x' });
    const bounce = await bounceFor('bob', 'gone@example.com');
    assert.match(bounce.raw, /Status: 5\.1\.1/);
    assert.match(bounce.raw, /no such user/);
    assert.equal(sys.sink.connections, 1);
    await waitQueueEmpty();
  });

  test('queued mail survives kill -9 of the daemon and is delivered after the restart', async () => {
    sys.sink.mode = 'tempfail';
    await submit('carol', { from: 'carol@localhost', to: 'patient@example.com', subject: 'survivor', text: 'still here' });
    await waitFor(() => sys.sink.refusals >= 1, { timeoutMs: 10_000, what: 'a first, refused attempt' });
    await sys.daemon.kill9();
    const connectionsBefore = sys.sink.connections;
    sys.sink.mode = 'accept';
    await sys.restartDaemon('kill9');
    const arrived = await waitFor(() => sys.sink.messages.find((m) => m.to.includes('patient@example.com')), {
      timeoutMs: 15_000,
      what: 'the restarted daemon to deliver the queued message',
    });
    assert.match(arrived.raw.toString(), /still here/);
    assert.ok(sys.sink.connections > connectionsBefore);
    await waitQueueEmpty();
    assert.ok(!(await sys.mailbox.list('carol', 'inbox')).some((m) => m.subject === 'Undelivered Mail Returned to Sender'));
  });

  test('SIGTERM stops the daemon cleanly and it starts again with the same certificate', async () => {
    const certFile = path.join(sys.cluster.config.dataDir, 'mail-tls', 'tls.pem');
    const cert = await readFile(certFile, 'utf8');
    const old = sys.daemon;
    await sys.restartDaemon('stop');
    assert.equal(old.child.exitCode, 0);
    assert.equal(await readFile(certFile, 'utf8'), cert);
    const info = await submit('alice', { from: 'alice@localhost', to: 'bob@localhost', subject: 'after restart', text: 'x' });
    assert.deepEqual(info.accepted, ['bob@localhost']);
  });
});
