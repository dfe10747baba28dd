// The load balancer's HTTP port is a public edge like the frontends: connections over its cap per
// client address (lb.connectionsPerAddressMax, here 5) are answered 503 with Retry-After and
// closed, another address still gets in, and a closed connection frees its place.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { awaitServedAgain, closeAll, connect, type RawConnection } from '../../scripts/bench/abuse-web-edge.ts';
import { waitFor } from '../../scripts/lib/processes.ts';
import { startWebCluster, type WebCluster } from '../../scripts/lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';

const perAddress = 5;
let cloud: WebCluster;
let port: number;

before(async () => {
  await ensureWebBuild();
  cloud = await startWebCluster({ groups: 1, replicas: 1, coordinators: 1, frontends: 1, lb: { connectionsPerAddressMax: perAddress } });
  port = Number(new URL(cloud.lbUrl).port);
});
after(() => cloud?.close());

/** Whether a connection is served: GET / on it gets the redirect to a frontend. */
async function redirected(c: RawConnection): Promise<boolean> {
  c.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  await waitFor(() => c.received().includes('\r\n\r\n') || c.closed(), { timeoutMs: 10_000, what: 'an answer or a close' });
  return /^HTTP\/1\.1 302 /.test(c.received());
}

test('the balancer refuses connections over its per-address cap with 503 and frees a place on close', { timeout: 60_000 }, async () => {
  const held: RawConnection[] = [];
  try {
    for (let i = 0; i < perAddress; i++) held.push(await connect(port, '127.0.0.1'));
    const over = await connect(port, '127.0.0.1');
    await waitFor(() => over.closed(), { timeoutMs: 10_000, what: 'the connection over the cap to be closed' });
    assert.match(over.received(), /^HTTP\/1\.1 503 [^]*Retry-After: \d+/);

    const elsewhere = await connect(port, '127.0.0.2');
    assert.equal(await redirected(elsewhere), true, 'another address was refused');
    closeAll([elsewhere]);

    closeAll(held.splice(0, 1));
    await awaitServedAgain(port, '127.0.0.1', redirected, 'a new connection to be served once one closed');
  } finally {
    closeAll(held);
  }
});
