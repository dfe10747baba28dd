import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { afterAttempt, backoffMs, bounceMessage, classifyError, decodeJob, encodeJob, groupByDomain, type QueueJob } from './delivery-queue.ts';
import { routeFor } from './mx.ts';

const settings = { deliveryAttemptsMax: 3, retryBaseMs: 1000, retryMaxMs: 5000 };
const job: QueueJob = {
  id: 'j1',
  sender: 'alice',
  from: 'alice@localhost',
  recipients: ['a@x.com', 'b@x.com', 'c@y.org'],
  attempts: 0,
  nextAttemptAtMs: 0,
  createdAtMs: 0,
  size: 10,
  chunks: 1,
  lastError: '',
};

describe('delivery queue', () => {
  test('backoff doubles from the base and stops at the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 60].map((n) => backoffMs(n, settings)), [1000, 2000, 4000, 5000, 5000, 5000]);
  });

  test('an attempt removes delivered recipients, gives up on permanent failures, keeps temporary ones', () => {
    const out = afterAttempt(
      job,
      [
        { recipient: 'a@x.com', outcome: 'delivered', detail: '' },
        { recipient: 'b@x.com', outcome: 'permanent', detail: '550 5.1.1 no such user' },
        { recipient: 'c@y.org', outcome: 'temporary', detail: '451 later' },
      ],
      10_000,
      settings,
    );
    assert.deepEqual(out.delivered, ['a@x.com']);
    assert.deepEqual(out.failed, [{ recipient: 'b@x.com', status: '5.1.1', detail: '550 5.1.1 no such user' }]);
    assert.deepEqual(out.job, { ...job, recipients: ['c@y.org'], attempts: 1, lastError: '451 later', nextAttemptAtMs: 11_000 });
  });

  test('after the last attempt, temporary failures become bounces and the job is done', () => {
    const last = afterAttempt({ ...job, attempts: 2, recipients: ['c@y.org'] }, [], 0, settings);
    assert.equal(last.job, null);
    assert.equal(last.failed.length, 1);
    assert.equal(last.failed[0]!.status, '4.4.7');
    assert.match(last.failed[0]!.detail, /gave up after 3 attempts; last error: not attempted/);
  });

  test('5xx is permanent; 4xx and connection errors are temporary', () => {
    assert.equal(classifyError(550), 'permanent');
    assert.equal(classifyError(421), 'temporary');
    assert.equal(classifyError(undefined), 'temporary');
  });

  test('recipients are grouped by domain, case-insensitively', () => {
    assert.deepEqual([...groupByDomain(['a@X.com', 'b@x.com', 'c@y.org'])], [
      ['x.com', ['a@X.com', 'b@x.com']],
      ['y.org', ['c@y.org']],
    ]);
  });

  test('jobs round-trip; garbage decodes to undefined', () => {
    assert.deepEqual(decodeJob(encodeJob(job)), job);
    assert.equal(decodeJob(Buffer.from('nope')), undefined);
    assert.equal(decodeJob(encodeJob(job).subarray(0, 20)), undefined);
  });

  test('a bounce is an RFC 3464 report with the original headers and no body', () => {
    const original = Buffer.from('Subject: hello\r\nTo: a@x.com\r\n\r\nsecret body\r\n');
    const raw = bounceMessage({
      domain: 'localhost',
      to: 'alice@localhost',
      failures: [{ recipient: 'a@x.com', status: '4.4.7', detail: 'gave up\r\nInjected: yes' }],
      original,
      arrivalDate: new Date(0),
      date: new Date(0),
      token: 'tok',
    }).toString();
    assert.match(raw, /^From: Mail Delivery System <MAILER-DAEMON@localhost>\r\n/);
    assert.match(raw, /Content-Type: multipart\/report; report-type=delivery-status; boundary="=_penncloud_bounce_tok"/);
    assert.match(raw, /Final-Recipient: rfc822; a@x.com\r\nAction: failed\r\nStatus: 5\.4\.7\r\n/);
    assert.match(raw, /Subject: hello/);
    assert.doesNotMatch(raw, /secret body/);
    assert.doesNotMatch(raw, /\r\nInjected: yes/);
  });
});

describe('MX routing (RFC 5321 §5.1)', () => {
  test('MX hosts by preference; no MX means the domain itself (A record)', () => {
    const records = [
      { exchange: 'b.mx.', priority: 20 },
      { exchange: 'a.mx', priority: 10 },
      { exchange: 'c.mx', priority: 20 },
    ];
    assert.deepEqual(routeFor('x.com', { kind: 'records', records }), { kind: 'hosts', hosts: ['a.mx', 'b.mx', 'c.mx'] });
    assert.deepEqual(routeFor('x.com', { kind: 'no-records' }), { kind: 'hosts', hosts: ['x.com'] });
    assert.deepEqual(routeFor('x.com', { kind: 'records', records: [] }), { kind: 'hosts', hosts: ['x.com'] });
  });

  test('a null MX or a missing domain fail permanently; DNS trouble temporarily', () => {
    assert.equal(routeFor('x.com', { kind: 'records', records: [{ exchange: '.', priority: 0 }] }).kind, 'permanent');
    assert.equal(routeFor('x.com', { kind: 'no-domain' }).kind, 'permanent');
    assert.equal(routeFor('x.com', { kind: 'dns-error', detail: 'ETIMEOUT' }).kind, 'temporary');
  });
});
