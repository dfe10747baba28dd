// The TLS key and certificate for STARTTLS (SMTP) and STLS (POP3): the configured files, or a
// self-signed certificate generated once into <dataDir>/mail-tls/tls.pem and reused after.
//
// Why the `selfsigned` package: node:crypto makes key pairs but cannot issue an X.509
// certificate, and shelling out to openssl adds a tool the machine may lack. selfsigned (on
// @peculiar/x509 and WebCrypto) is pure JavaScript. Key and certificate go into one file
// written atomically (temp file, fsync, rename), so two processes starting at once can never
// leave a key that does not match its certificate.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';

export interface TlsMaterial {
  key: string;
  cert: string;
  context: tls.SecureContext;
}

export async function loadTls(config: Readonly<Config>, log: Logger): Promise<TlsMaterial | null> {
  const mail = config.mail;
  if (!mail.tls) return null;
  let key: string;
  let cert: string;
  if (mail.tlsCertFile && mail.tlsKeyFile) {
    [key, cert] = await Promise.all([readFile(mail.tlsKeyFile, 'utf8'), readFile(mail.tlsCertFile, 'utf8')]);
  } else {
    const pem = await selfSigned(config, log);
    key = pem;
    cert = pem;
  }
  return { key, cert, context: tls.createSecureContext({ key, cert }) };
}

async function selfSigned(config: Readonly<Config>, log: Logger): Promise<string> {
  const dir = path.join(config.dataDir, 'mail-tls');
  const file = path.join(dir, 'tls.pem');
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const domain = config.mail.domain;
  const pems = await generate([{ name: 'commonName', value: domain }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: domain }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  const pem = pems.private + pems.cert;
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  log.info(`generated a self-signed TLS certificate for ${domain} in ${file}`);
  // Another process may have renamed its own file over ours: use whatever won.
  return readFile(file, 'utf8');
}
