// The public listeners as real processes, started the way `npm start` starts them: a frontend
// or the balancer told to listen on a public address (0.0.0.0 — note 127.0.0.2 would still be
// loopback) without HTTPS or a trusted proxy exits at once with a message naming the settings,
// and so does `npm start` itself; a certificate that cannot be read stops them the same way;
// http.allowPlainHttp lets the balancer serve.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { freePorts, makeTestEnv, startService, waitFor, type TestEnv } from '../../scripts/lib/processes.ts';

async function withEnv(http: Record<string, unknown>, fn: (env: TestEnv, ports: { lb: number; web: number }) => Promise<void>): Promise<void> {
  const [lbHttp, lbGrpc, web] = await freePorts(3);
  const env = await makeTestEnv({
    http,
    lb: { httpPort: lbHttp, grpcPort: lbGrpc },
    web: { frontends: 1, basePort: web },
    // The balancer's gRPC side stays on loopback without certificates; this test is about its HTTP side.
    tls: { mode: 'plaintext' },
  });
  try {
    await fn(env, { lb: lbHttp!, web: web! });
  } finally {
    await env.cleanup();
  }
}

/** Starts the process, waits for it to exit, and returns its exit code and its log. */
async function runToExit(env: TestEnv, name: string, script: string, args: string[] = []): Promise<{ code: number | null; log: string }> {
  const service = startService(env, name, script, args);
  // A process that does not refuse would serve on forever: the test's own timeout ends it.
  const code = await service.exited;
  await service.stop();
  return { code, log: await readFile(path.join(env.dir, `${name}.log`), 'utf8') };
}

const settingsNamed = ['http.tls.certFile', 'http.tls.keyFile', 'http.trustedProxies', 'http.host', 'http.allowPlainHttp: true'];

test('a frontend on 0.0.0.0 with neither HTTPS nor a trusted proxy refuses to start, naming the settings', { timeout: 60_000 }, async () => {
  await withEnv({ host: '0.0.0.0' }, async (env, ports) => {
    const { code, log } = await runToExit(env, 'web1', 'web/main.ts', ['1']);
    assert.equal(code, 1, log);
    assert.match(log, new RegExp(`frontend 1 refuses to serve plain HTTP on 0\\.0\\.0\\.0:${ports.web}`));
    for (const setting of settingsNamed) assert.ok(log.includes(setting), `${setting} in: ${log}`);
  });
});

test('the balancer on 0.0.0.0 with neither HTTPS nor a trusted proxy refuses to start, naming the settings', { timeout: 60_000 }, async () => {
  await withEnv({ host: '0.0.0.0' }, async (env, ports) => {
    const { code, log } = await runToExit(env, 'lb', 'cluster/lb/main.ts');
    assert.equal(code, 1, log);
    assert.match(log, new RegExp(`load balancer refuses to serve plain HTTP on 0\\.0\\.0\\.0:${ports.lb}`));
    for (const setting of settingsNamed) assert.ok(log.includes(setting), `${setting} in: ${log}`);
  });
});

test('npm start says it once, before starting anything, rather than restarting refusing processes forever', { timeout: 60_000 }, async () => {
  await withEnv({ host: '0.0.0.0' }, async (env, ports) => {
    const { code, log } = await runToExit(env, 'start', 'scripts/start-cluster.ts');
    assert.equal(code, 1, log);
    assert.match(log, new RegExp(`^cannot start: the load balancer refuses to serve plain HTTP on 0\\.0\\.0\\.0:${ports.lb}`));
    assert.ok(log.includes('http.allowPlainHttp: true'), log);
  });
});

test('a certificate file that cannot be read stops a frontend and the balancer, naming the setting', { timeout: 60_000 }, async () => {
  const tls = { certFile: '/nonexistent/penncloud.crt', keyFile: '/nonexistent/penncloud.key' };
  await withEnv({ host: '0.0.0.0', tls }, async (env) => {
    for (const [name, script, args] of [['web1', 'web/main.ts', ['1']], ['lb', 'cluster/lb/main.ts', []]] as const) {
      const { code, log } = await runToExit(env, name, script, [...args]);
      assert.equal(code, 1, log);
      assert.ok(log.includes('cannot read http.tls.certFile /nonexistent/penncloud.crt'), log);
    }
  });
});

test('with http.allowPlainHttp the balancer serves plain HTTP on 0.0.0.0', { timeout: 60_000 }, async () => {
  await withEnv({ host: '0.0.0.0', allowPlainHttp: true }, async (env, ports) => {
    const lb = startService(env, 'lb', 'cluster/lb/main.ts');
    try {
      // No frontend has sent a heartbeat: the balancer's "unavailable" page, from the public listener.
      const status = await waitFor(
        async () => {
          if (lb.child.exitCode !== null) throw new Error(`the balancer exited with ${lb.child.exitCode}`);
          return (await fetch(`http://127.0.0.1:${ports.lb}/`).catch(() => undefined))?.status;
        },
        { timeoutMs: 30_000, what: 'the balancer to answer on 0.0.0.0' },
      );
      assert.equal(status, 503);
    } finally {
      await lb.stop();
    }
  });
});
