// `npm run admin -- certs …` as an operator runs it: a real process (node --import tsx
// scripts/admin.ts), no cluster running, a config that only names the data directory.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../launch.ts';
import { nameOf, roleOf } from './certs.ts';

let root: string;
let certs: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function admin(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PENNCLOUD_DATA_DIR: path.join(root, 'data') };
  delete env.PENNCLOUD_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { cwd: repoRoot, env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'penncloud-certs-cli-'));
  certs = path.join(root, 'data', 'certs');
});
after(() => rm(root, { recursive: true, force: true }));

test('certs init makes the CA once and says where it went', async () => {
  const first = await admin('certs', 'init');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`${path.join(certs, 'ca.crt')}.*copy it to every machine`));
  assert.match(first.stdout, new RegExp(`${path.join(certs, 'ca.key')}.*keep it on this machine only`));
  assert.equal((await stat(path.join(certs, 'ca.key'))).mode & 0o777, 0o600);
  const key = await readFile(path.join(certs, 'ca.key'), 'utf8');

  const again = await admin('certs', 'init');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /exists already.*Nothing changed/);
  assert.equal(await readFile(path.join(certs, 'ca.key'), 'utf8'), key);
});

test('certs issue writes a certificate for the hosts and role given, and says what to copy', async () => {
  const out = path.join(root, 'for-g1r2');
  const run = await admin('certs', 'issue', 'g1r2', '--host', '10.0.0.12', '--host', 'node12.example', '--role', 'node', '--days', '90', '--out', out);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Wrote ${path.join(out, 'g1r2.crt')}\\n  and ${path.join(out, 'g1r2.key')}`));
  assert.match(run.stdout, /Copy to the machine that runs g1r2.*: ca\.crt, g1r2\.crt, g1r2\.key\. Never copy ca\.key\./);
  const cert = new X509Certificate(await readFile(path.join(out, 'g1r2.crt')));
  assert.equal(nameOf(cert), 'g1r2');
  assert.equal(roleOf(cert), 'node');
  assert.equal(cert.subjectAltName, 'IP Address:10.0.0.12, DNS:node12.example');
  assert.ok(cert.checkIssued(new X509Certificate(await readFile(path.join(out, 'ca.crt')))));
  const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 89 && days <= 90, `valid for ${days} days`);
  assert.equal((await stat(path.join(out, 'g1r2.key'))).mode & 0o777, 0o600);
});

test('certs issue refuses a bad role, host or name with a clear message and exit code 2', async () => {
  const [role, host, name] = await Promise.all([
    admin('certs', 'issue', 'g0r0', '--host', '127.0.0.1', '--role', 'root'),
    admin('certs', 'issue', 'g0r0', '--host', '10.0.0.1:7001', '--role', 'node'),
    admin('certs', 'issue', 'G0R0', '--host', '127.0.0.1', '--role', 'node'),
  ]);
  assert.equal(role.code, 2);
  assert.match(role.stderr, /unknown role "root": one of node, coordinator, frontend, mail, lb, admin/);
  assert.equal(host.code, 2);
  assert.match(host.stderr, /"10\.0\.0\.1:7001" is not a DNS name or an IP address/);
  assert.equal(name.code, 2);
  assert.match(name.stderr, /"G0R0" is not a certificate name/);
});

test('certs list shows each certificate with its role, hosts and expiry', async () => {
  const issued = await admin('certs', 'issue', 'admin', '--role', 'admin');
  assert.equal(issued.code, 0, issued.stderr);
  const list = await admin('certs', 'list');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ca\tCN=PennCloud CA [0-9a-f]{8}, O=PennCloud\texpires \d{4}-\d\d-\d\d\t\(ca\.key here\)$/m);
  assert.match(list.stdout, /^admin\tadmin\t\(no hosts\)\texpires \d{4}-\d\d-\d\d \(in 824 days\)$/m);
});
