// The balancer's two faces over real sockets in one process, with the clock injected so the
// heartbeat timeout is crossed without waiting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../common/config.ts';
import { isPennError } from '../../common/errors.ts';
import { silentLogger } from '../../common/log.ts';
import { LbClient } from '../client.ts';
import { startBalancer } from './balancer.ts';

async function withBalancer(fn: (b: { url: string; lb: LbClient; tick: (ms: number) => void }) => Promise<void>): Promise<void> {
  let nowMs = 1_000_000;
  // The balancer's logic, on loopback without certificates (mutual TLS has its own tests).
  const config = parseConfig({ web: { frontends: 2, basePort: 9001 }, tls: { mode: 'plaintext' } });
  // Port 0 (the OS picks a free one) is below the schema's minimum, so it goes in after parsing.
  const running = await startBalancer({ ...config, lb: { ...config.lb, httpPort: 0, grpcPort: 0 } }, silentLogger, () => nowMs);
  const lb = new LbClient(config, 2000, `127.0.0.1:${running.grpcPort}`);
  try {
    await fn({ url: `http://127.0.0.1:${running.httpPort}`, lb, tick: (ms) => (nowMs += ms) });
  } finally {
    lb.close();
    await running.stop();
  }
}

const beat = (frontend: number, extra: { leaving?: boolean } = {}) => ({
  frontend,
  address: `127.0.0.1:${9000 + frontend}`,
  startedAtMs: 1,
  rssBytes: 2,
  ...extra,
});

test('503 with a page until a frontend sends a heartbeat, then 302 round-robin keeping path and query', () =>
  withBalancer(async ({ url, lb }) => {
    const none = await fetch(`${url}/menu`, { redirect: 'manual' });
    assert.equal(none.status, 503);
    assert.match(await none.text(), /No PennCloud frontend is running/);

    await lb.heartbeat(beat(1));
    await lb.heartbeat(beat(2));
    const locations = [];
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${url}/drive?folder=a%2Fb`, { redirect: 'manual' });
      assert.equal(r.status, 302);
      locations.push(r.headers.get('location'));
    }
    assert.deepEqual(locations, [
      'http://127.0.0.1:9001/drive?folder=a%2Fb',
      'http://127.0.0.1:9002/drive?folder=a%2Fb',
      'http://127.0.0.1:9001/drive?folder=a%2Fb',
      'http://127.0.0.1:9002/drive?folder=a%2Fb',
    ]);
    const post = await fetch(`${url}/api/auth/login`, { method: 'POST', body: 'x', redirect: 'manual' });
    assert.equal(post.status, 307);
  }));

test('a frontend past the heartbeat timeout is skipped; one that is leaving at once', () =>
  withBalancer(async ({ url, lb, tick }) => {
    await lb.heartbeat(beat(1));
    await lb.heartbeat(beat(2));
    tick(2000);
    await lb.heartbeat(beat(2));
    tick(1500); // frontend 1 is now 3.5 s old, past the 3 s timeout
    const status = await lb.frontendStatus();
    assert.deepEqual(
      status.frontends.map((f) => [f.frontend, f.alive]),
      [
        [1, false],
        [2, true],
      ],
    );
    assert.equal(status.heartbeatTimeoutMs, 3000);
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${url}/`, { redirect: 'manual' });
      assert.equal(r.headers.get('location'), 'http://127.0.0.1:9002/');
    }
    await lb.heartbeat(beat(2, { leaving: true }));
    assert.equal((await fetch(`${url}/`, { redirect: 'manual' })).status, 503);
  }));

test('heartbeats from an unknown frontend or with a bad address are refused', () =>
  withBalancer(async ({ lb }) => {
    await assert.rejects(lb.heartbeat(beat(3)), (e) => isPennError(e, 'invalid_argument') && /not one of 1…2/.test(e.message));
    await assert.rejects(lb.heartbeat({ ...beat(1), address: 'no port' }), (e) => isPennError(e, 'invalid_argument'));
  }));
