// `npm run admin -- grant <user>` / `revoke <user>` / `list`: who may open the admin console.
// Admins are the users named in config `web.admins` plus the users granted here; a grant is the
// column `admin` of the user's account row (cluster/model/accounts/admin-users.ts, the one place
// that decides), so it holds on every frontend from the user's next request, with no restart.
//
// `npm run admin -- create-user <user>`: creates an account with the password read from stdin
// (typed without echo on a terminal, else the first line of what is piped in). The one way to
// create an account whose name `web.admins` reserves: sign-up refuses those names until the
// account exists, so nobody can claim an administrator's name before the operator does.
//
// `npm run admin -- force-primary <node> [--confirm]`: the last resort of docs/ARCHITECTURE.md rule 5,
// for a group whose in-sync replicas are all lost (their disks gone): makes a live out-of-sync
// node the group's primary with the log it has. Without --confirm it only shows what would be
// lost; with it, the coordinator does it (ForcePrimary in coordinator.proto) and says what was.
//
// `npm run admin -- certs init | issue | list`: the cluster's certificate authority
// (scripts/admin-certs.ts). These need no running cluster: certificates come before it.
//
// The other commands run against the cluster named by the config (PENNCLOUD_CONFIG,
// environment), which must be up.
//
// Exit codes: 0 done, 1 refused or failed (unknown user, name taken, storage unavailable), 2 usage.
import os from 'node:os';
import { coordinatorMembers, groupNodes, loadConfig, type Config } from '../cluster/common/config.ts';
import { PennError, isPennError } from '../cluster/common/errors.ts';
import { CoordinatorClient } from '../cluster/coordinator/client.ts';
import { ClusterClient } from '../cluster/kvs/cluster-client.ts';
import {
  adminGrantColumn,
  grantAdmin,
  isConfiguredAdmin,
  mergeAdmins,
  parseGrant,
  revokeAdmin,
  type AdminGrant,
} from '../cluster/model/accounts/admin-users.ts';
import { createAccount } from '../cluster/model/accounts/accounts.ts';
import { PasswordHasher } from '../cluster/model/accounts/password-hash.ts';
import { usernamePattern } from '../cluster/model/accounts/username.ts';
import { certsUsage, runCertsCommand } from './admin-certs.ts';

const usage = `usage: npm run admin -- grant <user>    make an existing user an administrator
       npm run admin -- revoke <user>   take a granted user's administrator rights away
       npm run admin -- list            every administrator, from the config and by grant
       npm run admin -- create-user <user>
                                        create an account (any name, also one web.admins
                                        reserves); the password is read from stdin
       npm run admin -- force-primary <node> [--confirm]
                                        last resort: make an out-of-sync node the primary of a
                                        group whose in-sync replicas are all lost (writes only
                                        they had are lost; without --confirm, only shows which)
${certsUsage}`;

const accountSuffix = '#account';
const scanPageRows = 500;

/** Granted users: every account row with an `admin` column, scanned group by group on a live in-sync node. */
async function findGrants(config: Readonly<Config>, cluster: ClusterClient): Promise<Map<string, AdminGrant>> {
  const coordinator = new CoordinatorClient(config);
  try {
    const status = await coordinator.clusterStatus();
    const grants = new Map<string, AdminGrant>();
    for (let group = 0; group < config.kvs.groups; group++) {
      const live = status.nodes.filter((n) => n.group === group && n.inSync && n.state === 'up').map((n) => n.id);
      const node = groupNodes(config, group).find((n) => live.includes(n.id));
      if (!node) throw new PennError('unavailable', `group ${group} has no live in-sync node to list`);
      let after = '';
      do {
        const page = await cluster.scanRows(node.address, after, scanPageRows);
        for (const row of page.rows) {
          if (!row.row.endsWith(accountSuffix) || !row.columns.some((c) => c.name === adminGrantColumn)) continue;
          const username = row.row.slice(0, -accountSuffix.length);
          const value = await cluster.get(row.row, adminGrantColumn);
          if (value) grants.set(username, parseGrant(value));
        }
        after = page.nextAfterRow;
      } while (after !== '');
    }
    return grants;
  } finally {
    coordinator.close();
  }
}

async function run(args: string[], config: Readonly<Config>, cluster: ClusterClient): Promise<number> {
  const [command, username, ...extra] = args;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if ((command === 'grant' || command === 'revoke') && username && extra.length === 0) {
    const name = username.trim().toLowerCase();
    if (command === 'grant') {
      const by = `${os.userInfo().username}@${os.hostname()} (npm run admin)`;
      const result = await grantAdmin(cluster, name, by, new Date());
      say(result === 'granted' ? `${name} is now an administrator.` : `${name} was already granted administrator rights.`);
      return 0;
    }
    const removed = await revokeAdmin(cluster, name);
    say(removed ? `${name} is no longer granted administrator rights.` : `${name} had no grant to revoke.`);
    if (isConfiguredAdmin(config, name)) say(`${name} stays an administrator: the config names them in web.admins.`);
    return 0;
  }
  if (command === 'create-user' && username && extra.length === 0) {
    return createUser(config, cluster, username.trim().toLowerCase(), say);
  }
  if (command === 'force-primary' && username && (extra.length === 0 || (extra.length === 1 && extra[0] === '--confirm'))) {
    return forcePrimary(config, username, extra[0] === '--confirm', say);
  }
  if (command === 'list' && username === undefined) {
    const admins = mergeAdmins(config, await findGrants(config, cluster));
    if (admins.length === 0) say('No administrators: name them in web.admins or run `npm run admin -- grant <user>`.');
    for (const a of admins) {
      const from = a.source === 'config' ? 'config web.admins' : a.source === 'both' ? 'config web.admins and grant' : 'grant';
      const when = a.grant?.grantedAt ? `, granted ${a.grant.grantedAt}${a.grant.by ? ` by ${a.grant.by}` : ''}` : '';
      say(`${a.username}\t(${from}${when})`);
    }
    return 0;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

/** The web's password rule (web/lib/account-rules.ts), which scripts may not import. */
const passwordLengthMin = 8;
const passwordLengthMax = 256;

async function createUser(config: Readonly<Config>, cluster: ClusterClient, name: string, say: (line: string) => void): Promise<number> {
  if (!usernamePattern.test(name)) throw new PennError('invalid_argument', `"${name}" is not a valid username (3–32 characters: a–z, 0–9, ".", "_", "-", starting with a letter)`);
  const password = await readPassword(`Password for ${name}: `);
  if (password.length < passwordLengthMin || password.length > passwordLengthMax) {
    throw new PennError('invalid_argument', `passwords are ${passwordLengthMin}–${passwordLengthMax} characters`);
  }
  const web = config.web;
  const hasher = new PasswordHasher({ costLog2: web.scryptCostLog2, concurrencyMax: 1, queueMax: 0 });
  await createAccount({ cluster, hasher }, name, password, new Date());
  say(`${name} can now log in.${isConfiguredAdmin(config, name) ? ' web.admins names them: they are an administrator.' : ''}`);
  return 0;
}

/** A password from stdin: typed without echo on a terminal, else the first line piped in. */
async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) {
      text += (chunk as Buffer).toString('utf8');
      if (text.includes('\n')) break;
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new PennError('aborted', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}

async function forcePrimary(config: Readonly<Config>, node: string, confirmed: boolean, say: (line: string) => void): Promise<number> {
  const coordinator = new CoordinatorClient(config);
  try {
    const status = await coordinator.clusterStatus();
    const target = status.nodes.find((n) => n.id === node);
    if (!target) throw new PennError('invalid_argument', `"${node}" is not a node of this cluster`);
    const group = status.groups[target.group]!;
    const members = status.nodes.filter((n) => group.inSync.includes(n.id));
    say(`group ${target.group} at epoch ${group.epoch}: primary ${group.primary || 'none'}`);
    for (const n of members) say(`  in sync:  ${n.id}  ${n.state}, log at lsn ${n.logPosition}`);
    say(`  ${node}:    ${target.state}, ${target.role}, log at lsn ${target.logPosition}`);
    if (!confirmed) {
      say(`Forcing ${node} would lose every write beyond lsn ${target.logPosition} that the in-sync replicas acknowledged.`);
      say(`Only do it when they cannot come back. To go ahead: npm run admin -- force-primary ${node} --confirm`);
      return 1;
    }
    const result = await coordinator.forcePrimary(node);
    say(`${node} is now the primary of group ${result.config.group} at epoch ${result.config.epoch}; its log ends at lsn ${result.lastLsn}.`);
    const lost = result.replaced.map((r) => `${r.node} (last seen at lsn ${r.lastLsn ?? 'unknown'})`).join(', ');
    say(`Lost: the writes beyond lsn ${result.lastLsn} that ${lost} acknowledged. If they return, they drop those writes and copy ${node}'s log.`);
    return 0;
  } finally {
    coordinator.close();
  }
}

async function main(): Promise<void> {
  // Before anything dials the cluster: there may be no cluster, and no certificate to dial it with.
  if (process.argv[2] === 'certs') process.exit(await runCertsCommand(process.argv.slice(3)));
  const config = loadConfig();
  const cluster = new ClusterClient(config, { retryDeadlineMs: 10_000 });
  let code: number;
  try {
    code = await run(process.argv.slice(2), config, cluster);
  } catch (err) {
    process.stderr.write(`admin: ${err instanceof Error ? err.message : String(err)}\n`);
    if (isPennError(err, 'unavailable') || isPennError(err, 'deadline_exceeded')) {
      process.stderr.write(`admin: the cluster (coordinators ${coordinatorMembers(config).map((m) => m.address).join(', ')}) must be running: see \`npm start\`\n`);
    }
    code = 1;
  } finally {
    cluster.close();
  }
  process.exit(code);
}

void main();
