// Request bodies against a real frontend: a route that needs a user answers 401 before it reads
// a byte of the body, so 20 parallel 25 MiB posts without a session cost the frontend nothing;
// a route without one (login) takes only a small body; with a session, large bodies are read a
// few at a time and the rest wait their turn or get 503 with Retry-After — the frontend stays
// under the 300 MB it is sized for either way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, connect, mailSendFlood, MiB, peakRssDuring, post, stalledBodies, startFrontend, type Frontend } from '../../scripts/bench/abuse-web-edge.ts';
import { waitFor } from '../../scripts/lib/processes.ts';

let f: Frontend;

before(async () => {
  // One large body at a time and a short wait for it, so a second one is refused quickly; a
  // stalled body is cut after 4 s (it must outlast the session check and the wait).
  f = await startFrontend('bodies', { largeBodiesInFlightMax: 1 }, { largeBodyWaitMs: 500, requestBodyIdleMs: 4000 });
});
after(() => f?.cloud.close());

const frontendMemoryMiB = 300;

test('without a session, mail send, a drive upload and a small route answer 401 before the body is sent', { timeout: 60_000 }, async () => {
  for (const path of ['/api/mail/send', '/api/drive/files?folder=root&name=x.bin', '/api/drive/folders']) {
    // The head and 10 bytes of a body declared 25 MiB: the answer can only come before the rest.
    const [c] = await stalledBodies(f, 1, path, 'penncloud_session=forged');
    await waitFor(() => c!.received().includes('\r\n\r\n'), { timeoutMs: 10_000, what: `the answer of ${path}` });
    assert.match(c!.received(), /^HTTP\/1\.1 401 /, path);
    assert.match(c!.received(), /"code":"unauthenticated"/, path);
    // The rest of the body never comes: the connection is closed (the idle rule), not held.
    await waitFor(() => c!.closed(), { timeoutMs: 20_000, what: `the connection of ${path} to be closed` });
  }
});

test('20 parallel 25 MiB mail sends without a session are all refused, and the frontend stays small', { timeout: 120_000 }, async () => {
  const { result, peakMiB, beforeMiB } = await peakRssDuring(f.pid, () => mailSendFlood(f, 20, 25 * MiB));
  console.log(`unauthenticated 20×25 MiB: RSS ${beforeMiB.toFixed(0)} → peak ${peakMiB.toFixed(0)} MiB`);
  // Each gets its 401, or sees the connection closed while it was still sending.
  for (const answer of result) assert.ok(answer.status === 401 || answer.status === 0, `status ${answer.status}`);
  assert.ok(result.some((a) => a.status === 401));
  assert.ok(peakMiB < frontendMemoryMiB, `peak ${peakMiB} MiB`);
  assert.ok(peakMiB < beforeMiB + 50, `grew from ${beforeMiB} to ${peakMiB} MiB`);
});

test('login, which needs no session, refuses a body over web.bodyBytesMax with 413', { timeout: 30_000 }, async () => {
  const body = Buffer.from(JSON.stringify({ username: 'bodies', password: 'x'.repeat(f.cloud.config.web.bodyBytesMax) }));
  const answer = await post(f.port, '/api/auth/login', { 'Content-Type': 'application/json', Origin: f.origin }, body);
  assert.equal(answer.status, 413, answer.text);
});

test('with a session, large bodies wait their turn: one is read, the next gets 503 with Retry-After', { timeout: 60_000 }, async () => {
  // A user's upload that has sent only its head holds the one turn (until the idle rule cuts it).
  const [holder] = await stalledBodies(f, 1, '/api/drive/files?folder=root&name=held.bin');
  // Wait until it holds the turn: a probe is refused for want of one.
  const { body, contentType } = { body: Buffer.alloc(2 * MiB), contentType: 'application/octet-stream' };
  const answer = await waitFor(
    async () => {
      const a = await post(f.port, '/api/drive/files?folder=root&name=second.bin', { 'Content-Type': contentType, Origin: f.origin, Cookie: f.cookie }, body);
      return a.status === 503 ? a : undefined;
    },
    { timeoutMs: 20_000, what: 'a second large body to be refused' },
  );
  assert.equal(answer.headers['retry-after'], '2');
  assert.match(answer.text, /"code":"unavailable"/);
  // Once the holder is gone, the turn is free again.
  holder!.socket.destroy();
  const later = await waitFor(
    async () => {
      const a = await post(f.port, '/api/drive/files?folder=root&name=third.bin', { 'Content-Type': contentType, Origin: f.origin, Cookie: f.cookie }, body);
      return a.status === 201 ? a : undefined;
    },
    { timeoutMs: 20_000, what: 'a large body to be read once the turn is free' },
  );
  assert.equal(later.status, 201);
});

test('20 parallel 25 MiB mail sends with a session: each is read in turn or refused, and the frontend stays under 300 MB', { timeout: 180_000 }, async () => {
  const { result, peakMiB, beforeMiB } = await peakRssDuring(f.pid, () => mailSendFlood(f, 20, 25 * MiB, f.cookie));
  console.log(`authenticated 20×25 MiB: RSS ${beforeMiB.toFixed(0)} → peak ${peakMiB.toFixed(0)} MiB`);
  // 400: read, and refused for its empty To; 503: its turn did not come in time.
  for (const answer of result) assert.ok([400, 503].includes(answer.status), `status ${answer.status}: ${answer.text}`);
  assert.ok(result.some((a) => a.status === 400));
  for (const answer of result.filter((a) => a.status === 503)) assert.equal(answer.headers['retry-after'], '2');
  assert.ok(peakMiB < frontendMemoryMiB, `peak ${peakMiB} MiB`);
  // Still serving.
  const c = await connect(f.port);
  closeAll([c]);
  assert.equal((await fetch(`${f.origin}/api/me`, { headers: { Cookie: f.cookie } })).status, 200);
});
