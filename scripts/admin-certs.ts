// `npm run admin -- certs …`: the cluster's certificate authority (cluster/common/tls/certs.ts,
// docs/DEPLOY.md "Certificates"). Needs no running cluster: certificates come before it.
//
//   certs init    makes ca.crt and ca.key in the cert dir (tls.dir, else <dataDir>/certs) once
//   certs issue   signs <name>.crt/.key for one process; run where `certs init` ran
//   certs list    every certificate in the cert dir: name, role, hosts, expiry
//
// Exit codes as in admin.ts: 0 done, 1 failed (no CA key here), 2 usage or bad input.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../cluster/common/config.ts';
import { isPennError } from '../cluster/common/errors.ts';
import { parseHosts } from '../cluster/common/tls/cert-hosts.ts';
import { isRole, namePattern } from '../cluster/common/tls/cert-subject.ts';
import { certDir, certValidDaysDefault, caValidDays, initCa, issueCert, listCerts, roles } from '../cluster/common/tls/certs.ts';

export const certsUsage = `       npm run admin -- certs init      make the cluster CA (ca.crt, ca.key) unless it exists
       npm run admin -- certs issue <name> --host <dns-or-ip> [--host …] --role <role> [--days N] [--out <dir>]
                                        sign a certificate for one process (roles: ${roles.join(', ')})
       npm run admin -- certs list      every certificate here: name, role, hosts, expiry`;

type Say = (line: string) => void;

class UsageError extends Error {}

/** Runs `certs <args>` and returns the exit code; prints its own errors. */
export async function runCertsCommand(args: string[]): Promise<number> {
  const say: Say = (line) => process.stdout.write(`${line}\n`);
  try {
    const dir = certDir(loadConfig());
    const [command, ...rest] = args;
    if (command === 'init' && rest.length === 0) return await init(dir, say);
    if (command === 'issue') return await issue(dir, rest, say);
    if (command === 'list' && rest.length === 0) return await list(dir, say);
    throw new UsageError('');
  } catch (err) {
    if (err instanceof UsageError || isPennError(err, 'invalid_argument')) {
      if (err.message) process.stderr.write(`admin: ${err.message}\n`);
      process.stderr.write(`usage: ${certsUsage.trimStart()}\n`);
      return 2;
    }
    process.stderr.write(`admin: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function init(dir: string, say: Say): Promise<number> {
  const { created, caCertFile } = await initCa(dir);
  const caKeyFile = path.join(dir, 'ca.key');
  if (created) {
    say(`Made the cluster CA:`);
    say(`  ${caCertFile}  certificate: copy it to every machine of the cluster`);
    say(`  ${caKeyFile}  private key (mode 0600): keep it on this machine only; issue certificates here`);
  } else if (existsSync(caKeyFile)) {
    say(`The cluster CA exists already: ${caCertFile} and ${caKeyFile}. Nothing changed.`);
  } else {
    say(`The cluster CA exists already: ${caCertFile}, without ca.key: issue certificates on the machine that holds it.`);
  }
  return 0;
}

async function issue(dir: string, args: string[], say: Say): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { host: { type: 'string', multiple: true }, role: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { positionals, values } = parsed;
  const name = positionals[0];
  if (positionals.length !== 1 || name === undefined) throw new UsageError('certs issue takes one name');
  if (!namePattern.test(name) || name === 'ca') throw new UsageError(`"${name}" is not a certificate name: 1 to 63 of a-z, 0-9 and -, and not "ca"`);
  if (!isRole(values.role)) {
    throw new UsageError(`${values.role === undefined ? 'missing --role' : `unknown role "${values.role}"`}: one of ${roles.join(', ')}`);
  }
  const hosts = values.host ?? [];
  parseHosts(hosts); // throws invalid_argument naming the bad host
  if (hosts.length === 0 && values.role !== 'admin') throw new UsageError(`a ${values.role} certificate needs --host: each DNS name and IP address ${name} is reached at`);
  const days = values.days === undefined ? certValidDaysDefault : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > caValidDays) throw new UsageError(`--days must be a whole number from 1 to ${caValidDays}`);
  const outDir = values.out === undefined ? dir : path.resolve(values.out);

  const { certFile, keyFile } = await issueCert(dir, { name, role: values.role, hosts, validDays: days, outDir });
  say(`Wrote ${certFile}`);
  say(`  and ${keyFile} (private key, mode 0600)`);
  if (outDir !== dir) say(`  and ${path.join(outDir, 'ca.crt')} (a copy of the CA certificate)`);
  say(`${name}: role ${values.role}, hosts ${hosts.join(', ') || '(none: client only)'}, valid ${days} days.`);
  say(`Copy to the machine that runs ${name}, into its tls.dir (default <dataDir>/certs): ca.crt, ${name}.crt, ${name}.key. Never copy ca.key.`);
  return 0;
}

async function list(dir: string, say: Say): Promise<number> {
  const caFile = path.join(dir, 'ca.crt');
  if (!existsSync(caFile)) {
    say(`No CA in ${dir}: run \`npm run admin -- certs init\`, or copy ca.crt here from the machine where it ran.`);
  } else {
    const ca = new X509Certificate(await readFile(caFile));
    say(`ca\t${ca.subject.split('\n').join(', ')}\texpires ${isoDay(new Date(ca.validTo))}${existsSync(path.join(dir, 'ca.key')) ? '\t(ca.key here)' : ''}`);
  }
  const certs = existsSync(dir) ? await listCerts(dir) : [];
  if (certs.length === 0) say(`No certificates in ${dir}.`);
  const now = Date.now();
  for (const c of certs) {
    if (c.error) {
      say(`${c.name}\tunreadable: ${c.error}`);
      continue;
    }
    const notes = [
      c.notAfter.getTime() < now ? 'EXPIRED' : `in ${Math.floor((c.notAfter.getTime() - now) / 86_400_000)} days`,
      ...(c.notBefore.getTime() > now ? ['not valid yet'] : []),
      ...(c.fromCa === false ? ['NOT signed by this ca.crt'] : []),
    ];
    say(`${c.name}\t${c.role ?? '(no role)'}\t${c.hosts.join(', ') || '(no hosts)'}\texpires ${isoDay(c.notAfter)} (${notes.join(', ')})`);
  }
  return 0;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
