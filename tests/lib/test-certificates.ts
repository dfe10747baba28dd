// Certificates for tests that speak HTTPS: a CA of the test's own, server certificates it signs
// for localhost, 127.0.0.1 and ::1, and a home directory for Chromium whose NSS database trusts
// that CA, so the browser checks the server's certificate for real (ignoreHTTPSErrors stays off).
//
// Why an NSS database: Chromium on Linux takes locally trusted CAs from $HOME/.pki/nssdb (it has
// no flag for a trust anchor); a browser launched with HOME pointing here trusts this CA and
// nothing more than a stock profile does. `certutil` (Debian's libnss3-tools) writes the database.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface Pem {
  cert: string;
  key: string;
}

const validDays = 7;

function validity(): { notBeforeDate: Date; notAfterDate: Date } {
  // An hour back, so a clock a little behind the test's does not reject a certificate made now.
  const now = Date.now();
  return { notBeforeDate: new Date(now - 3600_000), notAfterDate: new Date(now + validDays * 24 * 3600_000) };
}

export async function makeTestCa(name = 'PennCloud test CA'): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A server certificate signed by `ca` for localhost, 127.0.0.1 and ::1. */
export async function issueServerCertificate(ca: Pem, commonName = 'localhost'): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ...validity(),
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Writes a certificate and its key as `<name>.crt` and `<name>.key` (0600) in dir: what http.tls names. */
export function writePem(dir: string, name: string, pem: Pem): { certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  writeFileSync(certFile, pem.cert);
  writeFileSync(keyFile, pem.key, { mode: 0o600 });
  return { certFile, keyFile };
}

function certutil(args: string[]): void {
  const result = spawnSync('certutil', args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('certutil is missing: install it with `apt-get install -y libnss3-tools` (the HTTPS browser tests trust their own CA through it)');
  }
  if (result.status !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

/** A HOME for Chromium whose NSS database (home/.pki/nssdb) trusts `caCert` for TLS servers. */
export function browserHomeTrusting(home: string, caCert: string): string {
  const db = path.join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  const caFile = path.join(home, 'test-ca.crt');
  writeFileSync(caFile, caCert);
  certutil(['-N', '--empty-password', '-d', `sql:${db}`]);
  // C,, : a CA trusted to issue TLS server certificates (and nothing else).
  certutil(['-A', '-t', 'C,,', '-n', 'penncloud-test-ca', '-i', caFile, '-d', `sql:${db}`]);
  return home;
}
