// Slow and numerous clients against a real frontend (with short limits, so the test is quick):
// a head trickled line by line, a body that stops, a kept-alive connection left idle are all
// closed; a body that keeps moving is not; connections over the per-address or the total cap
// are refused with 503 and closed, and a closed connection frees its place.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { awaitServedAgain, closeAll, connect, stalledBodies, startFrontend, type Frontend, type RawConnection } from '../../scripts/bench/abuse-web-edge.ts';
import { waitFor } from '../../scripts/lib/processes.ts';

let f: Frontend;
const perAddress = 10;
const total = 15;

before(async () => {
  f = await startFrontend(
    'connections',
    { connectionsPerAddressMax: perAddress, connectionsMax: total },
    // requestBodyIdleMs must outlast the session check (interactiveOperationMs) and largeBodyWaitMs.
    { requestHeadersMs: 1000, requestBodyIdleMs: 3000, keepAliveIdleMs: 2000, largeBodyWaitMs: 0 },
  );
});
after(() => f?.cloud.close());

const closedSoon = (c: RawConnection, what: string) => waitFor(() => c.closed(), { timeoutMs: 15_000, what });

test('a head sent a line at a time is cut at the header deadline', { timeout: 30_000 }, async () => {
  const c = await connect(f.port);
  c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\n`);
  const trickle = setInterval(() => c.socket.write('X-Slow: yes\r\n'), 200);
  try {
    await closedSoon(c, 'the trickled head to be cut');
  } finally {
    clearInterval(trickle);
  }
  assert.doesNotMatch(c.received(), /^HTTP\/1\.1 200/);
});

test('a body that stops is cut; one that keeps moving, however slowly, is read', { timeout: 60_000 }, async () => {
  const [stopped] = await stalledBodies(f, 1);
  await closedSoon(stopped!, 'the stopped body to be cut');

  const body = JSON.stringify({ to: '', text: 'slow' });
  const moving = await connect(f.port);
  moving.socket.write(
    `POST /api/mail/send HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\nOrigin: ${f.origin}\r\nCookie: ${f.cookie}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  // One byte every half second, for twice as long as a body may stand still.
  const idleMs = 3000;
  const startedMs = Date.now();
  let sent = 0;
  await waitFor(
    async () => {
      assert.equal(moving.closed(), false, 'a moving body was cut');
      moving.socket.write(body[sent++]!);
      await new Promise((r) => setTimeout(r, 500));
      return Date.now() - startedMs > 2 * idleMs;
    },
    { timeoutMs: 30_000, what: 'the slow body to have moved for a while' },
  );
  moving.socket.write(body.slice(sent));
  await waitFor(() => moving.received().includes('\r\n\r\n'), { timeoutMs: 10_000, what: 'the answer to the slow body' });
  // Read to the end: the empty To is refused by the handler.
  assert.match(moving.received(), /^HTTP\/1\.1 400 [^]*Add at least one recipient/);
  closeAll([moving]);
});

test('a kept-alive connection with no next request is closed', { timeout: 30_000 }, async () => {
  const c = await connect(f.port);
  c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\n\r\n`);
  await waitFor(() => /^HTTP\/1\.1 \d{3} /.test(c.received()), { timeoutMs: 10_000, what: 'the health answer' });
  await closedSoon(c, 'the idle kept-alive connection to be closed');
});

/** A connection kept busy: a login whose body arrives a byte at a time (see `trickle`). */
async function busy(localAddress: string): Promise<RawConnection> {
  const c = await connect(f.port, localAddress);
  c.socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\nOrigin: ${f.origin}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
  return c;
}

/** Whether a connection is served: a health check on it gets its answer. */
async function served(c: RawConnection): Promise<boolean> {
  c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\n\r\n`);
  await waitFor(() => c.received().includes('\r\n\r\n') || c.closed(), { timeoutMs: 10_000, what: 'an answer or a close' });
  return /^HTTP\/1\.1 200 /.test(c.received());
}

test('connections over the per-address and the total cap are refused with 503 and closed; closing frees a place', { timeout: 60_000 }, async () => {
  const mine: RawConnection[] = [];
  const theirs: RawConnection[] = [];
  // Their bodies keep moving, so no deadline closes them while the test runs.
  const trickle = setInterval(() => {
    for (const c of [...mine, ...theirs]) if (!c.closed()) c.socket.write(' ');
  }, 500);
  try {
    for (let i = 0; i < perAddress; i++) mine.push(await busy('127.0.0.1'));
    const overMine = await connect(f.port, '127.0.0.1');
    await closedSoon(overMine, 'the connection over the per-address cap to be closed');
    assert.match(overMine.received(), /^HTTP\/1\.1 503 [^]*Retry-After: \d+/);

    // Another address still gets in, up to the total.
    for (let i = 0; i < total - perAddress; i++) theirs.push(await busy('127.0.0.2'));
    const overTotal = await connect(f.port, '127.0.0.2');
    await closedSoon(overTotal, 'the connection over the total cap to be closed');
    assert.match(overTotal.received(), /^HTTP\/1\.1 503 /);
    assert.ok([...mine, ...theirs].every((c) => !c.closed() && c.received() === ''), 'a connection within the caps was refused');

    // Closed connections no longer count.
    closeAll(mine.splice(0, 2));
    await awaitServedAgain(f.port, '127.0.0.1', served, 'a new connection to be served once others closed');
  } finally {
    clearInterval(trickle);
    closeAll([...mine, ...theirs]);
  }
});
