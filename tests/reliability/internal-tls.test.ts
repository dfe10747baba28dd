// Mutual TLS on every internal gRPC port, against real processes (docs/DEPLOY.md, "Certificates"
// and "Roles"): one cluster (a group of three, three coordinators), the mail daemon and the
// balancer. A caller without a certificate of the cluster CA never gets a call through; one with
// a certificate of the wrong role gets PERMISSION_DENIED naming the method and the roles it
// needs; each attack of the issue is refused and leaves the store as the admin reads it; one
// node's certificate acting as another node (a request naming the real primary, or another
// group's checkpoint) is refused and leaves the coordinator's config and every replica as they
// were; bad certificates are refused on either side of a handshake; and a reissued certificate
// reaches new connections within tls.refreshMs while existing channels keep answering, without
// a restart.
//
// The balancer runs without frontends: the test sends web1's and web2's heartbeats itself, with
// their own certificates, for addresses nothing listens on, so the redirects it reads are the
// balancer's choice alone. The frontend timeout is long, so those two stay alive throughout.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { coordinatorMember, coordinatorMembers, groupNodes, nodeRef, withIdentity, type Config } from '../../cluster/common/config.ts';
import { isPennError, type PennError } from '../../cluster/common/errors.ts';
import { certFileMode, keyFileMode, writeFileAtomic } from '../../cluster/common/tls/cert-files.ts';
import { issueCert, localHosts, roles, type Role } from '../../cluster/common/tls/certs.ts';
import { certDir, channelCredentials } from '../../cluster/common/tls/credentials.ts';
import { CoordinatorClient, configToWire as toWireConfig, type GroupConfig } from '../../cluster/coordinator/client.ts';
import { CoordinatorPeerService, CoordinatorService } from '../../cluster/coordinator/io/wire.ts';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { ReplicaService, type ProbeReply as WirePosition } from '../../cluster/kvs/io/replica-wire.ts';
import { KeyValueClient, NodeAdminClient } from '../../cluster/kvs/io/wire.ts';
import { LbClient, balancerAddress, type BalancerStatus, type FrontendHeartbeat } from '../../cluster/lb/client.ts';
import { LoadBalancerService } from '../../cluster/lb/io/wire.ts';
import { MailClient, mailAddress } from '../../cluster/smtp/client.ts';
import { MailService } from '../../cluster/smtp/io/wire.ts';
import { mailPorts, startCluster, startMailDaemon, type TestCluster } from '../../scripts/lib/cluster.ts';
import { freePorts, startService, waitFor, type Service } from '../../scripts/lib/processes.ts';
import { callWith, fileFingerprint, keyPairIn, otherCaPair, presentedCertificate, selfSignedPair, tlsCredentials, type KeyPair } from '../lib/tls-callers.ts';

/** One service on one internal port, and a call to try on it. */
interface Endpoint {
  label: string;
  address: string;
  service: grpc.ServiceClientConstructor;
  method: string;
  /** What refused and wrong-role callers send: harmless, should it ever get through. */
  request: unknown;
  /** A valid certificate the method's policy does not list, and the roles it does list. */
  wrong: { identity: string; role: Role; needs: string };
  /** A caller the policy lets through (a positive control: the port does serve). */
  right: { identity: string; request: unknown };
}

const dayMs = 24 * 3600_000;
const victimHash = 'scrypt$15$8$1$c2FsdC12aWN0aW0$the-victims-real-hash';
/** A Raft term no election of this test's lifetime reaches: seeing it anywhere means a forged Step got in. */
const forgedTerm = 1_000_000_000;

/** One certificate of each role, of those the test cluster's processes have. */
const certOfRole: Record<Role, string> = { node: 'g0r0', coordinator: 'c0', frontend: 'web1', mail: 'mail', lb: 'lb', admin: 'admin' };

interface PolicySpec {
  label: string;
  address: string;
  service: grpc.ServiceClientConstructor;
  /** Per method, the roles it serves, and a request that would change nothing if a caller got through. */
  methods: Record<string, { needs: readonly Role[]; request: unknown }>;
}

/**
 * Who may call what, as the issue states it (the code's tables in kvs/io/server.ts,
 * coordinator/io/server.ts, raft-transport.ts, lb-service.ts and mail-service.ts must agree).
 */
function policySpecs(at: { node: string; coordinator: string; lb: string; mail: string }): PolicySpec[] {
  const data: Role[] = ['frontend', 'mail', 'admin', 'node'];
  const bad = { row: '', column: 'c', value: Buffer.from('x') };
  const replica = (needs: Role[]) => ({ needs, request: {} });
  return [
    {
      label: 'KeyValue',
      address: at.node,
      service: KeyValueClient,
      methods: {
        Get: { needs: data, request: { row: 'victim#account', column: 'password' } },
        Put: { needs: data, request: bad },
        CPut: { needs: data, request: bad },
        Delete: { needs: data, request: bad },
        ListColumns: { needs: data, request: { row: 'victim#account' } },
        ScanRows: { needs: ['admin'], request: { limit: 1 } },
        // Let in for every role: each operation in it is held to its own method's roles and
        // refused as that call is (tests/reliability/kvs-batch.test.ts).
        Batch: { needs: [...roles], request: { ops: [] } },
        BatchStream: { needs: [...roles], request: { ops: [] } },
      },
    },
    {
      label: 'NodeAdmin',
      address: at.node,
      service: NodeAdminClient,
      methods: {
        Halt: { needs: ['admin'], request: {} },
        Revive: { needs: ['admin'], request: {} },
        Status: { needs: ['admin', 'coordinator', 'node', 'frontend', 'mail'], request: {} },
      },
    },
    {
      label: 'Replica',
      address: at.node,
      service: ReplicaService,
      methods: {
        Heartbeat: replica(['coordinator']),
        HeartbeatStream: replica(['coordinator']),
        Probe: replica(['node']),
        Truncate: replica(['node']),
        Append: replica(['node']),
        AppendStream: replica(['node']),
        InstallSnapshot: replica(['node']),
        Checkpoint: replica(['node']),
        ReadSnapshot: replica(['node']),
      },
    },
    {
      label: 'Coordinator',
      address: at.coordinator,
      service: CoordinatorService,
      methods: {
        Lookup: { needs: roles, request: { row: 'victim#account' } },
        ClusterStatus: { needs: roles, request: {} },
        RenewLease: { needs: ['node'], request: { group: 0, epoch: 0, node: '' } },
        ReportFailure: { needs: ['node'], request: { group: 0, epoch: 0, primary: '', node: '' } },
        RequestJoin: { needs: ['node'], request: { group: 0, epoch: 0, primary: '', node: '' } },
        GetConfig: { needs: ['node', 'admin'], request: { group: 0 } },
        ForcePrimary: { needs: ['admin'], request: { node: '' } },
      },
    },
    {
      label: 'CoordinatorPeer',
      address: at.coordinator,
      service: CoordinatorPeerService,
      methods: {
        Step: { needs: ['coordinator'], request: { type: 'appendReply', from: 'c1', to: 'c0', term: 0 } },
        StepStream: { needs: ['coordinator'], request: { type: 'appendReply', from: 'c1', to: 'c0', term: 0 } },
      },
    },
    {
      label: 'LoadBalancer',
      address: at.lb,
      service: LoadBalancerService,
      methods: { Heartbeat: { needs: ['frontend'], request: { frontend: 99, address: '127.0.0.1:1' } }, FrontendStatus: { needs: roles, request: {} } },
    },
    { label: 'Mail', address: at.mail, service: MailService, methods: { Send: { needs: ['frontend'], request: { user: '' } }, Status: { needs: roles, request: {} } } },
  ];
}

describe('internal gRPC behind mutual TLS', () => {
  let cluster: TestCluster;
  let config: Readonly<Config>;
  let dir: string;
  let ca: Buffer;
  let admin: KeyPair;
  let work: string;
  let lb: Service;
  let mail: Service;
  let adminLb: LbClient;
  let lbHttpPort: number;
  const frontendAddress: Record<number, string> = {};
  const closers: (() => void)[] = [];

  const as = (identity: string): Readonly<Config> => withIdentity(config, identity);
  const credentialsOf = (identity: string) => tlsCredentials(ca, keyPairIn(dir, identity));
  const heartbeatOf = (frontend: number): FrontendHeartbeat => ({ frontend, address: frontendAddress[frontend]!, startedAtMs: 1_000 * frontend, rssBytes: 1 });

  before(
    async () => {
      const [httpPort, grpcPort, web1Port, web2Port] = (await freePorts(4)) as [number, number, number, number];
      lbHttpPort = httpPort;
      frontendAddress[1] = `127.0.0.1:${web1Port}`;
      frontendAddress[2] = `127.0.0.1:${web2Port}`;
      cluster = await startCluster({
        groups: 1,
        replicas: 3,
        config: {
          tls: { refreshMs: 500 },
          lb: { httpPort, grpcPort, frontendHeartbeatTimeoutMs: 600_000 },
          web: { frontends: 2 },
          mail: await mailPorts(),
        },
      });
      config = cluster.config;
      dir = certDir(config);
      ca = keyPairIn(dir, 'ca').cert;
      admin = keyPairIn(dir, 'admin');
      work = await mkdtemp(path.join(os.tmpdir(), 'penncloud-tls-'));
      lb = startService(cluster.env, 'lb', 'cluster/lb/main.ts');
      adminLb = new LbClient(config, 2000);
      closers.push(() => adminLb.close());
      // Both awaited to the end, so `after` stops the daemon even when the balancer never answers.
      const [mailStarted, lbAnswered] = await Promise.allSettled([
        startMailDaemon(cluster),
        waitFor(() => adminLb.frontendStatus(), { timeoutMs: 30_000, what: 'the balancer to answer FrontendStatus' }),
      ]);
      if (mailStarted.status === 'fulfilled') mail = mailStarted.value;
      for (const step of [mailStarted, lbAnswered]) if (step.status === 'rejected') throw step.reason;
      for (const n of [1, 2]) {
        const frontend = new LbClient(as(`web${n}`), 2000);
        closers.push(() => frontend.close());
        await frontend.heartbeat(heartbeatOf(n));
      }
      // Two users and a message between them, sent the way a frontend sends it.
      await cluster.client.put('alice#account', 'password', 'scrypt$15$8$1$c2FsdC1hbGljZQ$alices-hash');
      await cluster.client.put('victim#account', 'password', victimHash);
      const web1Mail = new MailClient(as('web1'));
      closers.push(() => web1Mail.close());
      await web1Mail.send({ user: 'alice', to: ['victim@localhost'], subject: 'the vault code', text: 'It is 4711.' });
    },
    { timeout: 120_000 },
  );

  after(async () => {
    closers.forEach((close) => close());
    await Promise.all([lb?.kill9(), mail?.kill9()]);
    await cluster?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Every row of the store with its columns and their sizes, as the admin reads them on the primary. */
  async function storeRows(): Promise<string[]> {
    return rowsOn(await cluster.primaryOf(0));
  }

  /** Every row node `id` holds itself, with its columns and their sizes (the admin's ScanRows, served locally). */
  async function rowsOn(id: string): Promise<string[]> {
    const node = cluster.node(id);
    const rows: string[] = [];
    for (let afterRow = ''; ; ) {
      const page = await node.scanRows(afterRow, 1000);
      rows.push(...page.rows.map((r) => `${r.row}: ${r.columns.map((c) => `${c.name}(${c.size})`).join(' ')}`));
      if (!page.nextAfterRow) return rows;
      afterRow = page.nextAfterRow;
    }
  }

  function endpoints(): Endpoint[] {
    const list: Endpoint[] = [];
    const cell = { row: 'victim#account', column: 'password' };
    for (const n of cluster.nodes) {
      list.push(
        { label: `${n.id} KeyValue`, address: n.address, service: KeyValueClient, method: 'Get', request: cell, wrong: { identity: 'c0', role: 'coordinator', needs: 'frontend, mail, admin, node' }, right: { identity: 'web1', request: cell } },
        { label: `${n.id} NodeAdmin`, address: n.address, service: NodeAdminClient, method: 'Status', request: {}, wrong: { identity: 'lb', role: 'lb', needs: 'admin, coordinator, node, frontend, mail' }, right: { identity: 'mail', request: {} } },
        { label: `${n.id} Replica`, address: n.address, service: ReplicaService, method: 'Heartbeat', request: {}, wrong: { identity: 'web1', role: 'frontend', needs: 'coordinator' }, right: { identity: 'c0', request: {} } },
      );
    }
    for (const c of coordinatorMembers(config)) {
      // An appendReply of term 0 is older than any term, so Raft drops it whoever sends it.
      const other = c.id === 'c0' ? 'c1' : 'c0';
      const stale = { type: 'appendReply', from: other, to: c.id, term: 0 };
      list.push(
        { label: `${c.id} Coordinator`, address: c.address, service: CoordinatorService, method: 'GetConfig', request: { group: 0 }, wrong: { identity: 'lb', role: 'lb', needs: 'node, admin' }, right: { identity: 'g0r0', request: { group: 0 } } },
        { label: `${c.id} CoordinatorPeer`, address: c.address, service: CoordinatorPeerService, method: 'Step', request: stale, wrong: { identity: 'mail', role: 'mail', needs: 'coordinator' }, right: { identity: other, request: stale } },
      );
    }
    // Frontend 99 does not exist and user '' is no sender: either gets INVALID_ARGUMENT past the guard.
    const beat = heartbeatOf(1);
    list.push(
      { label: 'lb LoadBalancer', address: balancerAddress(config), service: LoadBalancerService, method: 'Heartbeat', request: { frontend: 99, address: '127.0.0.1:1' }, wrong: { identity: 'mail', role: 'mail', needs: 'frontend' }, right: { identity: 'web1', request: { frontend: beat.frontend, address: beat.address, started_at_ms: beat.startedAtMs, rss_bytes: 1 } } },
      { label: 'mail Mail', address: mailAddress(config), service: MailService, method: 'Send', request: { user: '' }, wrong: { identity: 'lb', role: 'lb', needs: 'frontend' }, right: { identity: 'web1', request: { user: '' } } },
    );
    return list;
  }

  /** Each endpoint called with each credential; fails unless every call failed its handshake. Returns one message per credential. */
  async function assertRefusedEverywhere(credentials: Record<string, grpc.ChannelCredentials>): Promise<Record<string, string>> {
    const list = endpoints();
    const results = await Promise.all(
      Object.entries(credentials).flatMap(([kind, creds]) =>
        list.map(async (e) => ({ kind, e, result: await callWith(e.service, e.address, creds, e.method, e.request) })),
      ),
    );
    const messages: Record<string, string> = {};
    for (const { kind, e, result } of results) {
      assert.ok(!result.ok, `${e.label} ${e.method} with ${kind} succeeded: ${JSON.stringify(result.ok && result.reply)}`);
      // Refused in the handshake: no status from the service, only that no connection was made.
      assert.equal(result.error.code, 'unavailable', `${e.label} with ${kind}: ${result.error.message}`);
      assert.match(result.error.message, /No connection established/, `${e.label} with ${kind}`);
      messages[kind] ??= result.error.message;
    }
    await assertServed(list);
    return messages;
  }

  /** The positive control: each endpoint lets its right role through (so a refusal above was the certificate's). */
  async function assertServed(list: Endpoint[]): Promise<void> {
    const results = await Promise.all(list.map(async (e) => ({ e, result: await callWith(e.service, e.address, credentialsOf(e.right.identity), e.method, e.right.request) })));
    // An answer, or the service's own refusal (a follower coordinator's "not the leader", an
    // unknown sender), never a handshake failure or a denial.
    for (const { e, result } of results) {
      if (result.ok) continue;
      assert.notEqual(result.error.code, 'permission_denied', `${e.label} from ${e.right.identity}: ${result.error.message}`);
      assert.doesNotMatch(result.error.message, /No connection established/, `${e.label} from ${e.right.identity}`);
    }
  }

  function assertDenied(err: PennError, message: string): void {
    assert.equal(err.code, 'permission_denied', err.message);
    assert.equal(err.message, message);
  }

  async function refusal(promise: Promise<unknown>): Promise<PennError> {
    try {
      await promise;
    } catch (err) {
      assert.ok(isPennError(err), `expected a PennError, got ${String(err)}`);
      return err;
    }
    assert.fail('the call succeeded');
  }

  // ---- 1. Every port: no certificate, a forged one, another CA's, and the wrong role ----

  test('every internal port refuses a caller with no certificate, a self-signed one or one from another CA', async () => {
    const forged = await selfSignedPair('admin', 'admin');
    const foreign = await otherCaPair(path.join(work, 'other-ca'), 'admin', 'admin');
    const messages = await assertRefusedEverywhere({
      'plaintext (no TLS)': grpc.credentials.createInsecure(),
      'TLS without a client certificate': tlsCredentials(ca),
      'a self-signed certificate claiming admin': tlsCredentials(ca, forged),
      'an admin certificate from another CA': tlsCredentials(ca, foreign),
    });
    for (const [kind, message] of Object.entries(messages)) console.log(`${kind}: ${message}`);
    // Without a certificate OpenSSL itself answers with an alert that says why.
    assert.match(messages['TLS without a client certificate']!, /certificate required/);
  });

  test('a valid certificate of the wrong role gets PERMISSION_DENIED naming the method and the roles it needs, on every port', async () => {
    const list = endpoints();
    const results = await Promise.all(list.map(async (e) => ({ e, result: await callWith(e.service, e.address, credentialsOf(e.wrong.identity), e.method, e.request) })));
    for (const { e, result } of results) {
      assert.ok(!result.ok, `${e.label} ${e.method} from ${e.wrong.identity} succeeded`);
      assertDenied(result.error, `${e.method} is not allowed for ${e.wrong.identity} (role ${e.wrong.role}); it needs one of: ${e.wrong.needs}`);
    }
    await assertServed(list);
    console.log(`${list.length} services on ${new Set(list.map((e) => e.address)).size} ports; e.g. ${results[0]!.result.ok ? '' : results[0]!.result.error.message}`);
  });

  test('every method of every internal service refuses each role its policy does not list', async () => {
    const at = { node: cluster.nodes[0]!.address, coordinator: coordinatorMembers(config)[0]!.address, lb: balancerAddress(config), mail: mailAddress(config) };
    const calls: { label: string; address: string; service: grpc.ServiceClientConstructor; method: string; request: unknown; role: Role; needs: readonly Role[] }[] = [];
    for (const spec of policySpecs(at)) {
      // The spec names every method the service has: a new method needs a line here too.
      assert.deepEqual(Object.keys(spec.methods).sort(), Object.keys(spec.service.service).sort(), `the methods of ${spec.label}`);
      for (const [method, { needs, request }] of Object.entries(spec.methods)) {
        for (const role of roles.filter((r) => !needs.includes(r))) calls.push({ label: spec.label, address: spec.address, service: spec.service, method, request, role, needs });
      }
    }
    const results = await Promise.all(calls.map(async (c) => ({ c, result: await callWith(c.service, c.address, credentialsOf(certOfRole[c.role]), c.method, c.request) })));
    for (const { c, result } of results) {
      assert.ok(!result.ok, `${c.label}.${c.method} let ${c.role} through: ${JSON.stringify(result.ok && result.reply)}`);
      assert.equal(result.error.code, 'permission_denied', `${c.label}.${c.method} from ${c.role}: ${result.error.message}`);
      const denial = /^(\w+) is not allowed for (\S+) \(role (\w+)\); it needs one of: (.+)$/.exec(result.error.message);
      assert.ok(denial, result.error.message);
      assert.deepEqual([denial[1], denial[2], denial[3]], [c.method, certOfRole[c.role], c.role]);
      assert.deepEqual(denial[4]!.split(', ').sort(), [...c.needs].sort(), result.error.message);
    }
    console.log(`${calls.length} calls of a role outside a method's policy, each refused`);
  });

  // ---- 1. The attacks of the issue, each refused, the store unchanged ----

  test('attack: read every mail with ScanRows as a frontend', async () => {
    const rows = await storeRows();
    assert.ok(rows.some((r) => r.startsWith('victim#mail')), `the victim has mail to steal: ${rows.join('; ')}`);
    for (const n of cluster.nodes) {
      const asFrontend = new NodeClient(config, n.address, 5000, { identity: 'web1' });
      try {
        assertDenied(await refusal(asFrontend.scanRows('', 1000)), 'ScanRows is not allowed for web1 (role frontend); it needs one of: admin');
      } finally {
        asFrontend.close();
      }
    }
    assert.deepEqual(await storeRows(), rows);
  });

  test('attack: Put a password hash into victim#account without a certificate', async () => {
    const rows = await storeRows();
    const put = { row: 'victim#account', column: 'password', value: Buffer.from('scrypt$15$8$1$ZXZpbA$hash-of-hunter2') };
    for (const creds of [grpc.credentials.createInsecure(), tlsCredentials(ca)]) {
      for (const n of cluster.nodes) {
        const result = await callWith(KeyValueClient, n.address, creds, 'Put', put);
        assert.ok(!result.ok, `Put on ${n.id} succeeded`);
        assert.equal(result.error.code, 'unavailable', result.error.message);
      }
    }
    assert.equal((await cluster.client.get('victim#account', 'password'))?.toString(), victimHash);
    assert.deepEqual(await storeRows(), rows);
  });

  test('attack: set admin with a wrong-role certificate', async () => {
    const rows = await storeRows();
    const grant = JSON.stringify({ grantedAt: new Date().toISOString(), by: 'attacker' });
    for (const [identity, role] of [['lb', 'lb'], ['c0', 'coordinator']] as const) {
      for (const n of cluster.nodes) {
        const client = new NodeClient(config, n.address, 5000, { identity });
        try {
          assertDenied(await refusal(client.put('alice#account', 'admin', grant)), `Put is not allowed for ${identity} (role ${role}); it needs one of: frontend, mail, admin, node`);
          assertDenied(await refusal(client.cput('alice#account', 'admin', null, grant)), `CPut is not allowed for ${identity} (role ${role}); it needs one of: frontend, mail, admin, node`);
        } finally {
          client.close();
        }
      }
    }
    assert.equal(await cluster.client.get('alice#account', 'admin'), undefined);
    assert.deepEqual(await storeRows(), rows);
  });

  test('attack: Mail.Send as another user from a node certificate', async () => {
    const rows = await storeRows();
    const adminMail = new MailClient(config);
    const asNode = new MailClient(as('g0r0'));
    try {
      const sentBefore = (await adminMail.status()).sentByGrpc;
      const sending = asNode.send({ user: 'victim', to: ['alice@localhost'], subject: 'Please wire the money', text: 'Urgent.' });
      assertDenied(await refusal(sending), 'Send is not allowed for g0r0 (role node); it needs one of: frontend');
      assert.equal((await adminMail.status()).sentByGrpc, sentBefore);
    } finally {
      adminMail.close();
      asNode.close();
    }
    assert.deepEqual(await storeRows(), rows);
  });

  /** Where the balancer sends four browsers in a row (it takes turns among the alive frontends). */
  async function redirectTargets(): Promise<string[]> {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`http://127.0.0.1:${lbHttpPort}/inbox`, { redirect: 'manual' });
      seen.add(response.headers.get('location') ?? `status ${response.status}`);
    }
    return [...seen].sort();
  }

  const frontendsOf = (s: BalancerStatus) => s.frontends.map((f) => ({ frontend: f.frontend, address: f.address, alive: f.alive, startedAtMs: f.startedAtMs }));
  const expectedTargets = () => [1, 2].map((n) => `http://127.0.0.1:${frontendAddress[n]!.split(':')[1]}/inbox`).sort();

  test("attack: balancer Heartbeat for frontend 2 from web1's certificate (another address)", async () => {
    const status = frontendsOf(await adminLb.frontendStatus());
    assert.deepEqual(await redirectTargets(), expectedTargets());
    const web1 = new LbClient(as('web1'), 2000);
    try {
      const hijack = web1.heartbeat({ frontend: 2, address: '127.0.0.1:1', publicHost: 'evil.example', startedAtMs: Date.now(), rssBytes: 1 });
      assertDenied(await refusal(hijack), 'web1 may only send heartbeats for itself, not for frontend 2');
    } finally {
      web1.close();
    }
    assert.deepEqual(frontendsOf(await adminLb.frontendStatus()), status);
    assert.deepEqual(await redirectTargets(), expectedTargets());
  });

  test('attack: mark a frontend leaving from a non-frontend', async () => {
    const status = frontendsOf(await adminLb.frontendStatus());
    for (const [identity, role] of [['g0r0', 'node'], ['mail', 'mail'], ['lb', 'lb'], ['c0', 'coordinator'], ['admin', 'admin']] as const) {
      const client = new LbClient(as(identity), 2000);
      try {
        assertDenied(await refusal(client.heartbeat({ ...heartbeatOf(1), leaving: true })), `Heartbeat is not allowed for ${identity} (role ${role}); it needs one of: frontend`);
      } finally {
        client.close();
      }
    }
    assert.deepEqual(frontendsOf(await adminLb.frontendStatus()), status);
    assert.deepEqual(await redirectTargets(), expectedTargets());
  });

  test('attack: Halt every node as a frontend', async () => {
    const rows = await storeRows();
    for (const n of cluster.nodes) {
      const asFrontend = new NodeClient(config, n.address, 5000, { identity: 'web1' });
      try {
        assertDenied(await refusal(asFrontend.halt()), 'Halt is not allowed for web1 (role frontend); it needs one of: admin');
      } finally {
        asFrontend.close();
      }
    }
    for (const n of cluster.nodes) assert.equal((await cluster.node(n.id).status()).state, 'up', n.id);
    await cluster.waitHealthy(20_000);
    assert.deepEqual(await storeRows(), rows);
  });

  /**
   * Halts `node`, waits until it has left the in-sync set, and writes `row` without it, so that it
   * now lacks an acknowledged write; runs `attack` then, and revives the node however that ends.
   */
  async function whileLeftBehind(node: string, row: string, value: string, attack: () => Promise<void>): Promise<void> {
    await cluster.node(node).halt();
    try {
      await waitFor(async () => !(await cluster.status()).groups[0]!.inSync.includes(node), { timeoutMs: 20_000, what: `${node} to leave the in-sync set` });
      await cluster.client.put(row, 'acknowledged', value);
      await attack();
    } finally {
      await cluster.node(node).revive();
    }
  }

  test('attack: ForcePrimary of a stale node as a frontend', { timeout: 90_000 }, async () => {
    const healthy = await cluster.waitHealthy(20_000);
    const group = healthy.groups[0]!;
    const stale = group.inSync.find((n) => n !== group.primary)!;
    // A backup halted and left behind by a write: forced to primary, it would lose that write.
    try {
      await whileLeftBehind(stale, 'stale#check', 'written after the node went stale', async () => {
        const before = (await cluster.status()).groups[0]!;
        const rows = await storeRows();
        const asFrontend = new CoordinatorClient(as('web1'));
        try {
          assertDenied(await refusal(asFrontend.forcePrimary(stale)), 'ForcePrimary is not allowed for web1 (role frontend); it needs one of: admin');
        } finally {
          asFrontend.close();
        }
        // Every member refuses, not only the leader the client found.
        for (const c of coordinatorMembers(config)) {
          const result = await callWith(CoordinatorService, c.address, credentialsOf('web1'), 'ForcePrimary', { node: stale });
          assert.ok(!result.ok, `ForcePrimary on ${c.id} succeeded`);
          assertDenied(result.error, 'ForcePrimary is not allowed for web1 (role frontend); it needs one of: admin');
        }
        const now = (await cluster.status()).groups[0]!;
        assert.deepEqual({ primary: now.primary, epoch: now.epoch, inSync: now.inSync }, { primary: before.primary, epoch: before.epoch, inSync: before.inSync });
        assert.equal((await cluster.client.get('stale#check', 'acknowledged'))?.toString(), 'written after the node went stale');
        assert.deepEqual(await storeRows(), rows);
      });
    } finally {
      await cluster.waitHealthy(60_000);
    }
  });

  /** A leader's append at forgedTerm: a member that took it would follow the forger and depose the real leader. */
  const forgedAppend = (from: string, to: string) => ({ type: 'append', from, to, term: forgedTerm, prev_index: 0, prev_term: 0, entries: [], commit: 0, seq: 0 });

  async function assertNoForgedTerm(): Promise<void> {
    // The guard answers before the handler runs, so nothing reached Raft; this is the net under
    // it. A member that took forgedTerm keeps it for good, and every member, the leader included,
    // was sent one, so the leader's view would show it from then on.
    const s = await cluster.status();
    for (const c of s.coordinators) assert.ok(c.term < forgedTerm, `${c.id} is at term ${c.term}`);
  }

  for (const method of ['Step', 'StepStream']) {
    test(`attack: a raft ${method} from a node certificate`, async () => {
      for (const c of coordinatorMembers(config)) {
        const result = await callWith(CoordinatorPeerService, c.address, credentialsOf('g0r0'), method, forgedAppend(c.id === 'c0' ? 'c1' : 'c0', c.id));
        assert.ok(!result.ok, `${method} on ${c.id} succeeded`);
        assertDenied(result.error, `${method} is not allowed for g0r0 (role node); it needs one of: coordinator`);
      }
      await assertNoForgedTerm();
    });

    test(`attack: a raft ${method} from c1's certificate claiming to be c2`, async () => {
      for (const c of coordinatorMembers(config)) {
        const result = await callWith(CoordinatorPeerService, c.address, credentialsOf('c1'), method, forgedAppend('c2', c.id));
        assert.ok(!result.ok, `${method} on ${c.id} succeeded`);
        assertDenied(result.error, 'c1 may not send raft messages as c2');
      }
      await assertNoForgedTerm();
    });
  }

  // ---- 1b. One node's certificate acting as another node ----
  //
  // The role check lets every node certificate call the lease, membership and replication
  // methods, so where a request names its sender the certificate must name it too: RenewLease's
  // node, the primary of ReportFailure and RequestJoin, the primary of a replication message's
  // config, a node of the group for ReadSnapshot. Each attack comes from a backup's certificate
  // (and, for the replication calls, from a node certificate of a group this cluster does not
  // have), names the real primary, and must change nothing: the coordinator's config, each
  // node's own Status, the attacked backup's rows; and writes must still reach every in-sync
  // replica.

  /** A node certificate of the cluster CA for a node of group 1, which this one-group cluster does not have. */
  const outsiderName = 'g1r0';
  let outsider: Promise<KeyPair> | undefined;
  const outsiderPair = (): Promise<KeyPair> =>
    (outsider ??= (async () => {
      assert.ok(!cluster.nodes.some((n) => n.id === outsiderName), `${outsiderName} is no node of the cluster`);
      const out = path.join(work, 'outsider-certs');
      await issueCert(dir, { name: outsiderName, role: 'node', hosts: localHosts, outDir: out });
      return keyPairIn(out, outsiderName);
    })());
  const credentialsAs = async (identity: string) => (identity === outsiderName ? tlsCredentials(ca, await outsiderPair()) : credentialsOf(identity));
  const addressOf = (id: string) => nodeRef(config, id).address;

  /** The group's primary, the backup whose certificate attacks and the backup it attacks (all three in sync). */
  async function parties(): Promise<{ group: GroupConfig; primary: string; attacker: string; victim: string }> {
    const group = (await cluster.waitHealthy(20_000)).groups[0]!;
    const backups = group.inSync.filter((n) => n !== group.primary);
    assert.equal(backups.length, 2, `two in-sync backups: ${JSON.stringify(group)}`);
    return { group, primary: group.primary, attacker: backups[0]!, victim: backups[1]! };
  }

  interface NodeView {
    state: string;
    role: string;
    epoch: number;
    logPosition: number;
    keyCount: number;
    checkpointVersion: number;
  }

  interface ReplicationState {
    config: { epoch: number; primary: string; inSync: string[]; primaryIncarnation: string };
    nodes: Record<string, NodeView>;
  }

  /** What an attack must not change: the coordinator's config of group 0, and what each node's NodeAdmin Status says (read as the admin). */
  async function replicationState(): Promise<ReplicationState> {
    const g = (await cluster.status()).groups[0]!;
    const nodes: Record<string, NodeView> = {};
    for (const n of cluster.nodes) {
      const s = await cluster.node(n.id).status();
      nodes[n.id] = {
        state: s.state,
        role: s.role,
        epoch: Number(s.epoch),
        logPosition: Number(s.log_position),
        keyCount: Number(s.key_count),
        checkpointVersion: Number(s.checkpoint_version),
      };
    }
    return { config: { epoch: g.epoch, primary: g.primary, inSync: [...g.inSync].sort(), primaryIncarnation: g.primaryIncarnation }, nodes };
  }

  /** Every coordinator member, the leader first: had it taken the request, the group's config would show it. */
  async function membersLeaderFirst(): Promise<{ id: string; address: string }[]> {
    const leader = await cluster.coordinatorLeader();
    const members = coordinatorMembers(config);
    return [...members.filter((c) => c.id === leader), ...members.filter((c) => c.id !== leader)];
  }

  async function assertUnchanged(before: ReplicationState, victim: string, victimRows: string[]): Promise<void> {
    assert.deepEqual(await replicationState(), before);
    assert.deepEqual(await rowsOn(victim), victimRows, `${victim}'s rows`);
    assert.equal((await cluster.client.get('victim#account', 'password'))?.toString(), victimHash);
  }

  /**
   * The legit path: the cluster is healthy, a write through the cluster client is acknowledged,
   * and every in-sync replica then holds it, at the primary's log position, with the primary's rows.
   */
  async function assertReplicates(tag: string): Promise<void> {
    const { group } = await parties();
    const row = `${tag}#replicated`;
    await cluster.client.put(row, 'v', `written after: ${tag}`);
    const primaryRows = await rowsOn(group.primary);
    assert.ok(primaryRows.some((r) => r.startsWith(`${row}: `)), `the primary ${group.primary} holds ${row}`);
    const lsn = Number((await cluster.node(group.primary).status()).log_position);
    await waitFor(
      async () => {
        for (const id of group.inSync) if (Number((await cluster.node(id).status()).log_position) !== lsn) return false;
        return true;
      },
      { timeoutMs: 10_000, what: `every in-sync replica (${group.inSync.join(', ')}) to reach lsn ${lsn}` },
    );
    for (const id of group.inSync) assert.deepEqual(await rowsOn(id), primaryRows, `${id} holds the primary's rows`);
  }

  test("attack: ReportFailure of the other backup as the real primary, from a backup's certificate, on every coordinator", async () => {
    const { group, primary, attacker, victim } = await parties();
    const before = await replicationState();
    const victimRows = await rowsOn(victim);
    // Taken by the leader, it would have dropped the victim from the in-sync set.
    for (const c of await membersLeaderFirst()) {
      const result = await callWith(CoordinatorService, c.address, credentialsOf(attacker), 'ReportFailure', { group: 0, epoch: group.epoch, primary, node: victim });
      assert.ok(!result.ok, `ReportFailure on ${c.id} succeeded: ${JSON.stringify(result.ok && result.reply)}`);
      assertDenied(result.error, `${attacker} may not report a failure as the primary ${primary}; only ${primary} may`);
    }
    await assertUnchanged(before, victim, victimRows);
    await assertReplicates('report-failure');
  });

  test("attack: RenewLease for the primary from a backup's certificate, on every coordinator", async () => {
    const { group, primary, attacker, victim } = await parties();
    const before = await replicationState();
    const victimRows = await rowsOn(victim);
    for (const c of await membersLeaderFirst()) {
      const result = await callWith(CoordinatorService, c.address, credentialsOf(attacker), 'RenewLease', { group: 0, epoch: group.epoch, node: primary });
      assert.ok(!result.ok, `RenewLease on ${c.id} succeeded: ${JSON.stringify(result.ok && result.reply)}`);
      assertDenied(result.error, `${attacker} may not renew the lease of ${primary}; only ${primary} may`);
    }
    await assertUnchanged(before, victim, victimRows);
    await assertReplicates('renew-lease');
  });

  test("attack: RequestJoin of a stale backup as the real primary, from the other backup's certificate, on every coordinator", { timeout: 90_000 }, async () => {
    const { primary, attacker, victim } = await parties();
    // The victim halted and left behind by a write: let in again, it would be in sync without it.
    await whileLeftBehind(victim, 'join#check', 'written while the victim was out', async () => {
      const group = (await cluster.status()).groups[0]!;
      const before = await replicationState();
      // A request id no later attempt of the primary's reaches: taken, it would also have made
      // the primary's own join of the victim at this epoch a stale request.
      const join = { group: 0, epoch: group.epoch, primary, node: victim, lsn: before.nodes[primary]!.logPosition, request_id: Number.MAX_SAFE_INTEGER };
      for (const c of await membersLeaderFirst()) {
        const result = await callWith(CoordinatorService, c.address, credentialsOf(attacker), 'RequestJoin', join);
        assert.ok(!result.ok, `RequestJoin on ${c.id} succeeded: ${JSON.stringify(result.ok && result.reply)}`);
        assertDenied(result.error, `${attacker} may not vouch for a join as the primary ${primary}; only ${primary} may`);
      }
      assert.deepEqual(await replicationState(), before);
    });
    // The primary's own join of the victim goes through, and the victim has the write it missed.
    await cluster.waitHealthy(60_000);
    assert.ok((await rowsOn(victim)).some((r) => r.startsWith('join#check: ')), `${victim} caught up before it joined`);
    await assertReplicates('request-join');
  });

  /** A replication message a backup's certificate sends another backup, its config naming the real primary. */
  interface ReplicaAttack {
    name: string;
    method: string;
    /** As the refusal says it: "<caller> may not <verb> as the primary of group 0 …". */
    verb: string;
    request(at: { group: GroupConfig; attacker: string; victim: NodeView }): unknown;
  }

  const forgedHash = 'scrypt$15$8$1$ZXZpbA$hash-of-hunter2';
  const forgedAppendRequest: ReplicaAttack['request'] = ({ group, victim }) => ({
    config: toWireConfig(group),
    prev_lsn: victim.logPosition,
    entries: [{ lsn: victim.logPosition + 1, epoch: group.epoch, kind: 'put', row: 'victim#account', column: 'password', value: Buffer.from(forgedHash) }],
  });
  const replicaAttacks: ReplicaAttack[] = [
    { name: "Truncate another in-sync backup's log to nothing", method: 'Truncate', verb: 'truncate', request: ({ group }) => ({ config: toWireConfig(group), after_lsn: 0 }) },
    {
      name: "Truncate another backup's log under a forged later epoch",
      method: 'Truncate',
      verb: 'truncate',
      // Taken, the victim would also adopt the epoch and refuse the real primary from then on.
      request: ({ group, attacker }) => ({ config: { ...toWireConfig(group), epoch: group.epoch + 1, in_sync: [group.primary, attacker] }, after_lsn: 0 }),
    },
    {
      name: "Append a forged password hash for victim#account to another backup's log",
      method: 'Append',
      verb: 'append',
      request: forgedAppendRequest,
    },
    {
      name: "Append a forged password hash for victim#account to another backup's log, on the append stream",
      method: 'AppendStream',
      verb: 'append',
      request: forgedAppendRequest,
    },
    { name: 'Probe another backup', method: 'Probe', verb: 'probe', request: ({ group }) => ({ config: toWireConfig(group) }) },
    {
      name: "InstallSnapshot on another backup",
      method: 'InstallSnapshot',
      verb: 'install a snapshot',
      request: ({ group, attacker }) => ({ config: toWireConfig(group), from_address: addressOf(attacker) }),
    },
    { name: 'Checkpoint another backup', method: 'Checkpoint', verb: 'checkpoint', request: ({ group, victim }) => ({ config: toWireConfig(group), version: victim.checkpointVersion + 1 }) },
  ];

  for (const attack of replicaAttacks) {
    test(`attack: ${attack.name}, config naming the real primary, from a backup's certificate and from another group's node`, async () => {
      const { group, attacker, victim } = await parties();
      const before = await replicationState();
      const victimRows = await rowsOn(victim);
      const request = attack.request({ group, attacker, victim: before.nodes[victim]! });
      for (const caller of [attacker, outsiderName]) {
        const result = await callWith(ReplicaService, addressOf(victim), await credentialsAs(caller), attack.method, request);
        assert.ok(!result.ok, `${attack.method} from ${caller} to ${victim} succeeded: ${JSON.stringify(result.ok && result.reply)}`);
        assertDenied(result.error, `${caller} may not ${attack.verb} as the primary of group 0 (the message names ${group.primary}); only ${group.primary} may`);
      }
      await assertUnchanged(before, victim, victimRows);
      await assertReplicates(attack.method.toLowerCase());
    });
  }

  test("attack: ReadSnapshot of group 0's checkpoint from a node certificate of another group, on every node", async () => {
    const { group, attacker } = await parties();
    const before = await replicationState();
    const members = groupNodes(config, 0).map((n) => n.id);
    const outsiderCredentials = await credentialsAs(outsiderName);
    // A refusal is answered at once; the short deadline only bounds a stream that never ends.
    const results = await Promise.all(
      cluster.nodes.map(async (n) => ({ n, result: await callWith(ReplicaService, n.address, outsiderCredentials, 'ReadSnapshot', { epoch: group.epoch }, 5_000) })),
    );
    for (const { n, result } of results) {
      assert.ok(!result.ok, `ReadSnapshot from ${outsiderName} on ${n.id} streamed ${JSON.stringify(result.ok && result.reply).slice(0, 200)}`);
    }
    // The control: a backup of the group reads its primary's checkpoint, the manifest first.
    const own = await callWith(ReplicaService, addressOf(group.primary), credentialsOf(attacker), 'ReadSnapshot', { epoch: group.epoch });
    assert.ok(own.ok, `ReadSnapshot from ${attacker}: ${own.ok ? '' : own.error.message}`);
    const chunks = own.reply as { manifest: Buffer }[];
    assert.ok(chunks.length > 0 && chunks[0]!.manifest.length > 0, 'the checkpoint stream starts with its manifest');
    assert.deepEqual(await replicationState(), before);
    // Nothing was streamed; the refusal must also reach the caller as a status, not as a stream
    // it waits on until its deadline (a backup's is `timeouts.snapshotMs`, ten minutes).
    for (const { n, result } of results) {
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'permission_denied', `ReadSnapshot from ${outsiderName} on ${n.id}: ${result.error.code} ${result.error.message}`);
      assert.equal(result.error.message, `${outsiderName} may not read group 0's checkpoint; only ${members.join(' or ')} may`);
    }
  });

  test("legit: the primary's own certificate passes the name checks, and a write reaches every in-sync replica", async () => {
    const { group, primary, victim } = await parties();
    const before = await replicationState();
    // Probe, what the primary sends a backup first, only reads the backup's position.
    const probe = await callWith(ReplicaService, addressOf(victim), credentialsOf(primary), 'Probe', { config: toWireConfig(group) });
    assert.ok(probe.ok, `Probe from ${primary}: ${probe.ok ? '' : probe.error.message}`);
    assert.equal(Number((probe.reply as WirePosition).last_lsn), before.nodes[victim]!.logPosition);
    const leader = coordinatorMember(config, await cluster.coordinatorLeader()).address;
    const lease = await callWith(CoordinatorService, leader, credentialsOf(primary), 'RenewLease', { group: 0, epoch: group.epoch, node: primary });
    assert.ok(lease.ok, `RenewLease from ${primary}: ${lease.ok ? '' : lease.error.message}`);
    assert.equal((lease.reply as { granted: boolean }).granted, true);
    // Past the name check the membership rules answer: an old epoch is refused, nothing changes.
    for (const method of ['ReportFailure', 'RequestJoin']) {
      const result = await callWith(CoordinatorService, leader, credentialsOf(primary), method, { group: 0, epoch: group.epoch - 1, primary, node: victim, request_id: 1 });
      assert.ok(!result.ok, `${method} of an old epoch succeeded`);
      assert.equal(result.error.code, 'failed_precondition', result.error.message);
      assert.equal(result.error.message, `epoch ${group.epoch - 1} is not group 0's current epoch ${group.epoch}`);
    }
    assert.deepEqual(await replicationState(), before);
    await assertReplicates('legit');
  });

  // ---- A certificate that names itself the primary ----
  //
  // Matching the caller with the primary a message's config names is not enough when the caller
  // writes that config itself: a backup's certificate sending Truncate{config naming itself,
  // after_lsn 0} would empty another backup's log, and one Probe at a later epoch would move the
  // victim to an epoch no one else has, so the group acknowledged nothing more. The replica now
  // takes a config only if it is the one it knows for that epoch, or the one the coordinator
  // confirms for a later epoch (KvsNode.checkPeerConfig). The payloads below change nothing even
  // when taken (a Probe, a Truncate after the last lsn, an empty Append).

  async function assertSelfNamedRefused(caller: string): Promise<void> {
    const { group, victim } = await parties();
    const before = await replicationState();
    const victimRows = await rowsOn(victim);
    const config = { ...toWireConfig(group), primary: caller };
    const calls: [string, unknown][] = [
      ['Probe', { config }],
      ['Truncate', { config, after_lsn: Number.MAX_SAFE_INTEGER }],
      ['Append', { config, prev_lsn: 0, entries: [] }],
      // A later epoch no one has heard of: the victim asks the coordinator before believing it.
      ['Probe', { config: { ...config, epoch: group.epoch + 1000 } }],
    ];
    const taken: string[] = [];
    for (const [method, request] of calls) {
      const result = await callWith(ReplicaService, addressOf(victim), await credentialsAs(caller), method, request);
      if (result.ok) taken.push(`${method} (${JSON.stringify(result.reply)})`);
      else assert.ok(['permission_denied', 'failed_precondition'].includes(result.error.code), `${method}: ${result.error.code} ${result.error.message}`);
    }
    await assertUnchanged(before, victim, victimRows);
    await assertReplicates(`self-named-${caller}`);
    assert.deepEqual(taken, [], `${victim} took from ${caller}, as the primary of group 0 at epoch ${group.epoch}, the messages`);
  }

  test("attack: Probe, Truncate and Append to another backup from a backup's certificate, its config naming that backup the primary", async () => {
    const { attacker } = await parties();
    await assertSelfNamedRefused(attacker);
  });

  test("attack: Probe, Truncate and Append to a backup from another group's node certificate, its config naming that node group 0's primary", async () => {
    await assertSelfNamedRefused(outsiderName);
  });

  // ---- 2. Certificates out of their validity, from another CA, for another host ----

  test('client certificates that expired, are not yet valid or come from another CA are refused on every port', async () => {
    const mine = path.join(work, 'client-certs');
    const now = Date.now();
    await issueCert(dir, { name: 'expired', role: 'admin', hosts: [], notBefore: new Date(now - 10 * dayMs), notAfter: new Date(now - dayMs), outDir: mine });
    await issueCert(dir, { name: 'early', role: 'admin', hosts: [], notBefore: new Date(now + dayMs), notAfter: new Date(now + 10 * dayMs), outDir: mine });
    const foreign = await otherCaPair(path.join(work, 'other-ca'), 'admin', 'admin');
    const messages = await assertRefusedEverywhere({
      'an expired admin certificate': tlsCredentials(ca, keyPairIn(mine, 'expired')),
      'a not yet valid admin certificate': tlsCredentials(ca, keyPairIn(mine, 'early')),
      'an admin certificate from another CA': tlsCredentials(ca, foreign),
    });
    // Node's TLS server checks the client's certificate after OpenSSL's handshake and then just
    // closes the socket, with no alert: the client learns that the connection failed ("Failed to
    // connect", "ECONNRESET"), never why. What is observable is that nothing got through.
    for (const [kind, message] of Object.entries(messages)) console.log(`${kind}: ${message}`);
  });

  /** Puts a certificate in place of the mail daemon's and waits until new connections get it. */
  async function serveAsMail(write: () => Promise<unknown>): Promise<void> {
    await write();
    const want = fileFingerprint(dir, 'mail');
    await waitFor(async () => (await presentedCertificate(mailAddress(config), ca, admin, { verify: false })).fingerprint256 === want, {
      timeoutMs: 10_000,
      what: 'the mail daemon to present its new certificate',
    });
  }

  test('a server certificate that expired, is not yet valid, comes from another CA or lacks the dialed host is refused by the internal client', { timeout: 90_000 }, async () => {
    const now = Date.now();
    const other = path.join(work, 'other-ca-mail');
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['expired', () => issueCert(dir, { name: 'mail', role: 'mail', hosts: localHosts, notBefore: new Date(now - 10 * dayMs), notAfter: new Date(now - dayMs) }), /certificate has expired/],
      ['not yet valid', () => issueCert(dir, { name: 'mail', role: 'mail', hosts: localHosts, notBefore: new Date(now + dayMs), notAfter: new Date(now + 10 * dayMs) }), /certificate is not yet valid/],
      [
        'from another CA',
        async () => {
          const pair = await otherCaPair(other, 'mail', 'mail', localHosts);
          // The order issueCert writes in: the key, then the certificate.
          await writeFileAtomic(path.join(dir, 'mail.key'), pair.key.toString(), keyFileMode);
          await writeFileAtomic(path.join(dir, 'mail.crt'), pair.cert.toString(), certFileMode);
        },
        /unable to verify the first certificate|unable to get local issuer certificate|self.signed certificate/,
      ],
      ['for another host', () => issueCert(dir, { name: 'mail', role: 'mail', hosts: ['mail.elsewhere.example'] }), /Hostname\/IP does not match certificate's altnames/],
    ];
    try {
      for (const [kind, write, why] of cases) {
        await serveAsMail(write);
        // A fresh channel with the credentials every internal client uses (channelCredentials).
        const result = await callWith(MailService, mailAddress(config), channelCredentials(config), 'Status', {});
        assert.ok(!result.ok, `the admin's client accepted a mail server certificate ${kind}`);
        console.log(`server certificate ${kind}: ${result.error.message}`);
        assert.equal(result.error.code, 'unavailable');
        assert.match(result.error.message, why);
      }
    } finally {
      await serveAsMail(() => issueCert(dir, { name: 'mail', role: 'mail', hosts: localHosts }));
    }
    const result = await callWith(MailService, mailAddress(config), channelCredentials(config), 'Status', {});
    assert.ok(result.ok, `with its certificate restored the mail daemon answers: ${result.ok ? '' : result.error.message}`);
    assert.equal(mail.child.exitCode, null, 'the mail daemon kept running');
  });

  // ---- 3. Rotation without a restart ----

  /**
   * Reissues `name`'s certificate while `existing` (a call on a channel opened before) runs in a
   * loop; new connections must see the new certificate and every existing call must succeed.
   * `probe` is a call a new channel with the internal clients' credentials makes afterwards.
   */
  async function rotate(
    name: string,
    role: Role,
    address: string,
    service: Service,
    existing: () => Promise<unknown>,
    probe: { service: grpc.ServiceClientConstructor; method: string },
  ): Promise<void> {
    const old = await presentedCertificate(address, ca, admin);
    assert.equal(old.fingerprint256, fileFingerprint(dir, name), `${name} presents its certificate file`);
    await existing();
    const pid = service.child.pid;
    let calls = 0;
    const failures: string[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        await existing().then(
          () => calls++,
          (err: unknown) => failures.push((err as Error).message),
        );
      }
    })();
    try {
      await issueCert(dir, { name, role, hosts: localHosts });
      const fresh = fileFingerprint(dir, name);
      assert.notEqual(fresh, old.fingerprint256);
      const seen = await waitFor(
        async () => {
          const p = await presentedCertificate(address, ca, admin);
          return p.fingerprint256 === fresh ? p : undefined;
        },
        { timeoutMs: 10_000, what: `${name} to present its reissued certificate to new connections` },
      );
      console.log(`${name}: serial ${old.serialNumber} → ${seen.serialNumber} for new connections; ${calls} calls on the existing channel so far`);
      const atSwitch = calls;
      await waitFor(() => calls >= atSwitch + 5 || failures.length > 0, { timeoutMs: 10_000, what: 'more calls on the existing channel' });
    } finally {
      running = false;
      await load;
    }
    assert.deepEqual(failures, [], 'calls on the existing channel failed');
    assert.equal(service.child.pid, pid);
    assert.equal(service.child.exitCode, null, `${name} kept running`);
    // The internal clients' own credentials accept the reissued certificate on a new connection.
    const viaClient = await callWith(probe.service, address, channelCredentials(config), probe.method, {});
    assert.ok(viaClient.ok, viaClient.ok ? '' : viaClient.error.message);
  }

  test("a reissued balancer certificate reaches new connections within tls.refreshMs; existing calls keep working, no restart", async () => {
    await rotate('lb', 'lb', balancerAddress(config), lb, () => adminLb.frontendStatus(), { service: LoadBalancerService, method: 'FrontendStatus' });
    assert.deepEqual(await redirectTargets(), expectedTargets());
  });

  test("a reissued storage node certificate reaches new connections within tls.refreshMs; existing calls keep working, no restart", async () => {
    const s = await cluster.waitHealthy(20_000);
    const backup = s.groups[0]!.inSync.find((n) => n !== s.groups[0]!.primary)!;
    const address = cluster.nodes.find((n) => n.id === backup)!.address;
    await rotate(backup, 'node', address, cluster.services.get(backup)!, () => cluster.node(backup).status(), { service: NodeAdminClient, method: 'Status' });
    // The node goes on replicating with its new certificate: a write reaches every replica.
    await cluster.client.put('rotation#check', 'v', 'after the rotation');
    await cluster.waitHealthy(20_000);
    const fresh = await callWith(KeyValueClient, address, channelCredentials(config), 'Get', { row: 'rotation#check', column: 'v' });
    assert.ok(fresh.ok, fresh.ok ? '' : fresh.error.message);
  });
});
