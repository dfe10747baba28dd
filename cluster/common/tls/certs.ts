// The cluster's certificate authority (docs/DEPLOY.md, "Certificates"). `initCa` makes ca.crt
// and ca.key once; `issueCert` signs a certificate for one process identity (CN=<name>,
// O=PennCloud, OU=<role>), valid as server and as client, for the hosts it serves on. A process
// trusts only certificates its ca.crt signed and reads the caller's role from OU.
//
// Files in the directory: ca.crt, ca.key (0600, only on the machine that issues), and
// <name>.crt / <name>.key (0600) per identity. Certificates are replaced atomically so a running
// process that watches them picks up a reissued one; keys never reach a log.
//
// Why @peculiar/x509: node:crypto makes key pairs and reads certificates but cannot issue one.
// It runs on node's WebCrypto, passed in explicitly so no global provider is set.
import { X509Certificate as NodeCertificate, randomBytes, webcrypto } from 'node:crypto';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { allNodes, coordinatorMembers, type Config } from '../config.ts';
import { PennError } from '../errors.ts';
import { certFileMode, createFileExclusive, keyFileMode, makeCertDir, readIfExists, writeFileAtomic } from './cert-files.ts';
import { parseHosts } from './cert-hosts.ts';
import { certIsCurrent } from './cert-inspect.ts';
import { isRole, namePattern, type Role } from './cert-subject.ts';

export { roleOf, nameOf, roles, type Role } from './cert-subject.ts';
export { listCerts, type CertInfo } from './cert-inspect.ts';

// The x509 library's Crypto type is the DOM's; node's webcrypto is the same API under another type.
const crypto = webcrypto as unknown as NonNullable<Parameters<typeof x509.SubjectKeyIdentifierExtension.create>[2]>;
const keyAlgorithm: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const dayMs = 24 * 3600_000;

export const caValidDays = 3650;
export const certValidDaysDefault = 825;
/** ensureLocalCerts reissues a certificate that expires sooner than this. */
export const renewBeforeDays = 30;
/** Backdating notBefore: a certificate copied to a machine whose clock runs behind is valid there too. */
const clockSkewMs = 3600_000;
/** Hosts of the certificates `npm start` makes: every process listens on loopback. */
export const localHosts: readonly string[] = ['127.0.0.1', 'localhost'];

export interface Identity {
  name: string;
  role: Role;
}

export interface IssueOptions {
  name: string;
  role: Role;
  /** DNS names and IP addresses the process is dialed at; may be empty only for role admin (client only). */
  hosts: readonly string[];
  validDays?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Where <name>.crt/.key (and a copy of ca.crt) go; default the CA's directory. */
  outDir?: string;
}

/** Where the CA and this machine's certificates live: tls.dir, else <dataDir>/certs. */
export { certDir } from './credentials.ts';

export function certFiles(dir: string, name: string): { certFile: string; keyFile: string } {
  return { certFile: path.join(dir, `${name}.crt`), keyFile: path.join(dir, `${name}.key`) };
}

// Two calls in one process for one directory (say, tests starting clusters side by side) share
// the first one's work: otherwise the second could find ca.key made but ca.crt not yet there.
const initsInFlight = new Map<string, Promise<{ created: boolean; caCertFile: string }>>();

/** Makes the CA unless ca.crt exists; never replaces either file. */
export async function initCa(dir: string): Promise<{ created: boolean; caCertFile: string }> {
  const key = path.resolve(dir);
  const running = initsInFlight.get(key);
  if (running) return { created: false, caCertFile: (await running).caCertFile };
  const init = makeCa(dir).finally(() => initsInFlight.delete(key));
  initsInFlight.set(key, init);
  return init;
}

async function makeCa(dir: string): Promise<{ created: boolean; caCertFile: string }> {
  await makeCertDir(dir);
  const { certFile: caCertFile, keyFile: caKeyFile } = certFiles(dir, 'ca');
  if ((await readIfExists(caCertFile)) !== undefined) return { created: false, caCertFile };
  const keys = await generateKeys();
  const notBefore = new Date(Date.now() - clockSkewMs);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      // A random suffix tells two clusters' CAs apart in errors and during a CA change.
      name: `CN=PennCloud CA ${randomBytes(4).toString('hex')}, O=PennCloud`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + caValidDays * dayMs),
      keys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  // Whoever creates ca.key owns the CA; ca.crt follows it. Both refuse to replace a file.
  if (!(await createFileExclusive(caKeyFile, await keyPem(keys.privateKey), keyFileMode))) {
    if ((await readIfExists(caCertFile)) !== undefined) return { created: false, caCertFile };
    throw new PennError(
      'failed_precondition',
      `${dir} holds ca.key but no ca.crt: a \`certs init\` was interrupted or is running now; if none runs, remove ${caKeyFile} and run it again`,
    );
  }
  if (!(await createFileExclusive(caCertFile, cert.toString('pem'), certFileMode))) {
    throw new PennError('failed_precondition', `${caCertFile} appeared while a CA was being made there; remove ${caKeyFile} and check which CA is meant`);
  }
  return { created: true, caCertFile };
}

/** Signs a certificate for one identity with the CA in dir; replaces an existing one atomically. */
export async function issueCert(dir: string, options: IssueOptions): Promise<{ certFile: string; keyFile: string }> {
  const { name, role } = options;
  if (!namePattern.test(name) || name === 'ca') {
    throw new PennError('invalid_argument', `"${name}" is not a certificate name: 1 to 63 of a-z, 0-9 and -, and not "ca"`);
  }
  if (!isRole(role)) throw new PennError('invalid_argument', `"${String(role)}" is not a role`);
  const hosts = parseHosts(options.hosts);
  if (hosts.length === 0 && role !== 'admin') {
    throw new PennError('invalid_argument', `a ${role} certificate needs at least one host: the names and addresses ${name} is reached at`);
  }
  const validDays = options.validDays ?? certValidDaysDefault;
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > caValidDays) {
    throw new PennError('invalid_argument', `validity must be 1 to ${caValidDays} days, not ${validDays}`);
  }
  const notBefore = options.notBefore ?? new Date(Date.now() - clockSkewMs);
  const notAfter = options.notAfter ?? new Date(Date.now() + validDays * dayMs);
  if (notAfter <= notBefore) throw new PennError('invalid_argument', 'notAfter must come after notBefore');

  const ca = await loadCa(dir);
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  // The CA's own key identifier, so a verifier with several CAs (during a CA change) finds the right one.
  const caKeyId = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (caKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId));
  if (hosts.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(hosts));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: `CN=${name}, O=PennCloud, OU=${role}`,
      // The CA's name as encoded in ca.crt, byte for byte: verifiers match issuer to subject.
      issuer: ca.cert.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.key,
      signingAlgorithm,
      extensions,
    },
    crypto,
  );
  const outDir = options.outDir ?? dir;
  await makeCertDir(outDir);
  const files = certFiles(outDir, name);
  await writeFileAtomic(files.keyFile, await keyPem(keys.privateKey), keyFileMode);
  await writeFileAtomic(files.certFile, cert.toString('pem'), certFileMode);
  // An out dir should hold everything the other machine needs.
  if (path.resolve(outDir) !== path.resolve(dir)) await writeFileAtomic(path.join(outDir, 'ca.crt'), ca.pem, certFileMode);
  return files;
}

/**
 * What `npm start` and the test harness run first: the CA if absent, and a certificate for
 * every identity that has none, or one that is unusable, not from this CA, for other hosts or
 * expiring within renewBeforeDays. Returns the names issued.
 */
export async function ensureLocalCerts(dir: string, identities: readonly Identity[], options: { hosts?: readonly string[] } = {}): Promise<string[]> {
  const hosts = options.hosts ?? localHosts;
  await initCa(dir);
  const ca = new NodeCertificate((await readIfExists(path.join(dir, 'ca.crt'))) ?? '');
  const issued: string[] = [];
  const renewAfter = new Date(Date.now() + renewBeforeDays * dayMs);
  for (const identity of identities) {
    const files = certFiles(dir, identity.name);
    const [certPem, keyPemText] = await Promise.all([readIfExists(files.certFile), readIfExists(files.keyFile)]);
    if (certIsCurrent({ certPem, keyPem: keyPemText, ca, identity, hosts, now: new Date(), renewAfter })) continue;
    await issueCert(dir, { ...identity, hosts });
    issued.push(identity.name);
  }
  return issued;
}

/** Every process identity of a local `npm start` (scripts/start-cluster.ts). */
export function localIdentities(config: Readonly<Config>): Identity[] {
  return [
    ...allNodes(config).map((n) => ({ name: n.id, role: 'node' as const })),
    ...coordinatorMembers(config).map((m) => ({ name: m.id, role: 'coordinator' as const })),
    ...Array.from({ length: config.web.frontends }, (_, i) => ({ name: `web${i + 1}`, role: 'frontend' as const })),
    { name: 'lb', role: 'lb' },
    { name: 'mail', role: 'mail' },
    { name: 'admin', role: 'admin' },
  ];
}

async function loadCa(dir: string): Promise<{ cert: x509.X509Certificate; key: webcrypto.CryptoKey; pem: string }> {
  const files = certFiles(dir, 'ca');
  const [pem, keyText] = await Promise.all([readIfExists(files.certFile), readIfExists(files.keyFile)]);
  if (keyText === undefined) {
    throw new PennError(
      'failed_precondition',
      `this machine holds no CA key (${files.keyFile}): issue certificates where \`certs init\` ran, then copy them here`,
    );
  }
  if (pem === undefined) throw new PennError('failed_precondition', `${files.certFile} is missing next to ca.key: run \`certs init\` again or restore it`);
  const der = x509.PemConverter.decodeFirst(keyText);
  const key = await crypto.subtle.importKey('pkcs8', der, keyAlgorithm, false, ['sign']);
  return { cert: new x509.X509Certificate(pem), key, pem };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** 128 random bits (CA/Browser Forum asks for at least 64), as hex; the library keeps it positive. */
function serial(): string {
  return randomBytes(16).toString('hex');
}
