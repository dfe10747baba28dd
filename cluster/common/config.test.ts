// The settings that place a process on its own machine (docs/DEPLOY.md, "Three machines"): by
// default every address is the top-level host (one machine, as `npm start` runs it); each named
// address replaces it for that process alone, and the same names come out of the environment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balancerAddress } from '../lb/client.ts';
import { mailAddress } from '../smtp/client.ts';
import { coordinatorMembers, frontendAddress, loadConfig, nodeRef, parseConfig } from './config.ts';

test('one machine: every address is the top-level host, the frontends http.host', () => {
  const config = parseConfig({ host: '127.0.0.1' });
  assert.equal(balancerAddress(config), '127.0.0.1:7010');
  assert.equal(mailAddress(config), '127.0.0.1:7100');
  assert.equal(frontendAddress(config, 1), '127.0.0.1:8081');
  assert.equal(frontendAddress(config, 4), '127.0.0.1:8084');
  assert.equal(nodeRef(config, 'g1r2').address, '127.0.0.1:7006');
});

test('several machines: each process at the address the config names for it', () => {
  const config = parseConfig({
    host: '10.0.0.1',
    http: { host: '10.0.0.1', trustedProxies: ['10.0.0.1'] },
    lb: { grpcHost: '10.0.0.1' },
    mail: { grpcHost: '10.0.0.2', host: '0.0.0.0' },
    web: { frontends: 3, hosts: ['10.0.0.1', '10.0.0.2'] },
    kvs: { nodes: { g0r1: '10.0.0.2:7001' } },
    coordinator: { members: [{ id: 'c0', port: 7000 }, { id: 'c1', host: '10.0.0.2', port: 7000 }] },
  });
  assert.equal(balancerAddress(config), '10.0.0.1:7010');
  assert.equal(mailAddress(config), '10.0.0.2:7100');
  assert.equal(frontendAddress(config, 1), '10.0.0.1:8081');
  assert.equal(frontendAddress(config, 2), '10.0.0.2:8082');
  // No entry: http.host.
  assert.equal(frontendAddress(config, 3), '10.0.0.1:8083');
  assert.equal(nodeRef(config, 'g0r1').address, '10.0.0.2:7001');
  assert.deepEqual(
    coordinatorMembers(config).map((m) => m.address),
    ['10.0.0.1:7000', '10.0.0.2:7000'],
  );
});

test('the environment sets one process its own addresses', () => {
  const config = loadConfig({ PENNCLOUD__lb__grpcHost: '127.0.0.9', PENNCLOUD__mail__grpcHost: '127.0.0.8', PENNCLOUD__web__hosts: '["127.0.0.10","127.0.0.11"]' });
  assert.equal(balancerAddress(config), '127.0.0.9:7010');
  assert.equal(mailAddress(config), '127.0.0.8:7100');
  assert.equal(frontendAddress(config, 2), '127.0.0.11:8082');
});

test('bad addresses stop the config, naming the setting', () => {
  assert.throws(() => parseConfig({ lb: { grpcHost: '10.0.0.1:7010' } }), /lb\.grpcHost: expected an IPv4 address or a host name/);
  assert.throws(() => parseConfig({ mail: { grpcHost: '' } }), /mail\.grpcHost/);
  assert.throws(() => parseConfig({ web: { frontends: 1, hosts: ['10.0.0.1', '10.0.0.2'] } }), /web\.hosts names 2 frontends, web\.frontends is 1/);
});

test('time budgets: each callee waits less than its caller, or the config is refused naming both', () => {
  const t = parseConfig({}).timeouts;
  assert.ok(t.replicationMs < t.commitMs && t.commitMs < t.forwardMs && t.forwardMs < t.storageCallMs);
  assert.ok(t.coordinatorCallMs < t.interactiveOperationMs && t.interactiveOperationMs < t.transferOperationMs);
  assert.throws(
    () => parseConfig({ timeouts: { commitMs: 6000 } }),
    /timeouts\.commitMs \(6000\) must be shorter than timeouts\.forwardMs \(4500\)/,
  );
  assert.throws(
    () => parseConfig({ timeouts: { mailSubmitMs: 7_200_000 } }),
    /timeouts\.mailSubmitMs \(7200000\) must be shorter than web\.requestTimeoutMs \(3600000\)/,
  );
  assert.throws(() => parseConfig({ timeouts: { storageCall: 5000 } }), /Unrecognized key/);
  // Raising the caller with the callee keeps the order, and the config loads.
  assert.equal(parseConfig({ timeouts: { commitMs: 6000, forwardMs: 7000, storageCallMs: 8000 } }).timeouts.commitMs, 6000);
});
