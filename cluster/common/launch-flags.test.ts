// A process gets the same Node flags and environment however it is started: by the launcher
// (`npm start`, tests, benches: launch.ts), by its own npm script (`npm run kvs`, …), or by its
// systemd unit (deploy/). The flags matter (a frontend's memory bound, a storage node's
// collection schedule), and a flag added in one place and not the others would hold only there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { envFor, nodeFlagsFor } from './launch.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const npmScripts = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

const processes = [
  { script: 'cluster/kvs/main.ts', npm: 'kvs', unit: 'penncloud-kvs@.service' },
  { script: 'cluster/coordinator/main.ts', npm: 'coordinator', unit: 'penncloud-coordinator@.service' },
  { script: 'cluster/lb/main.ts', npm: 'lb', unit: 'penncloud-lb.service' },
  { script: 'cluster/smtp/main.ts', npm: 'mail', unit: 'penncloud-mail.service' },
  { script: 'web/main.ts', npm: 'web', unit: 'penncloud-web@.service' },
];

/** The Node flags of a command line that runs `node … <entry>.js`, besides source maps. */
function nodeFlagsOf(command: string, entry: string): string[] {
  const words = command.split(/\s+/);
  const node = words.findIndex((w) => w === 'node' || w.endsWith('/node'));
  const script = words.indexOf(entry);
  assert.ok(node >= 0 && script > node, `"${command}" should run node on ${entry}`);
  return words.slice(node + 1, script).filter((w) => w !== '--enable-source-maps');
}

/** VAR=value words before `node` on an npm script's command line. */
function envOf(command: string): Record<string, string> {
  const words = command.split(/\s+/);
  const node = words.indexOf('node');
  return Object.fromEntries(words.slice(0, node).map((w) => w.split('=', 2) as [string, string]));
}

for (const p of processes) {
  const entry = `build/server/${p.script.replace(/\.ts$/, '.js')}`;

  test(`${p.script}: npm run ${p.npm} passes the launcher's flags and environment`, () => {
    const command = npmScripts[p.npm];
    assert.ok(command, `package.json has a "${p.npm}" script`);
    assert.deepEqual(nodeFlagsOf(command, entry), nodeFlagsFor(p.script));
    assert.deepEqual(envOf(command), envFor(p.script));
  });

  test(`${p.script}: deploy/${p.unit} passes the launcher's flags and environment`, () => {
    const unit = readFileSync(path.join(repo, 'deploy', p.unit), 'utf8');
    const execStart = unit.split('\n').find((l) => l.startsWith('ExecStart='));
    assert.ok(execStart, `${p.unit} has an ExecStart line`);
    assert.deepEqual(nodeFlagsOf(execStart.slice('ExecStart='.length), entry), nodeFlagsFor(p.script));
    const env = Object.fromEntries(
      unit
        .split('\n')
        .filter((l) => l.startsWith('Environment='))
        .map((l) => l.slice('Environment='.length).split('=', 2) as [string, string]),
    );
    for (const [name, value] of Object.entries(envFor(p.script))) assert.equal(env[name], value, `${p.unit} sets ${name}=${value}`);
  });
}
