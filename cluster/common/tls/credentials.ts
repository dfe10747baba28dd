// Mutual TLS for every internal gRPC server and channel (docs/DEPLOY.md, "Certificates"): each
// process presents the certificate of its identity (`<certDir>/<name>.crt`, signed by the
// cluster CA) and accepts only peers whose certificate the same CA signed. Files are watched
// (grpc-js's FileWatcherCertificateProvider), so a reissued certificate is picked up by new
// connections within `tls.refreshMs` without a restart.
//
// `tls.mode: "plaintext"` is for local development only; a process then refuses to bind an
// internal service to anything but a loopback address (bindServer in ../grpc.ts).
import path from 'node:path';
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../config.ts';
import { PennError } from '../errors.ts';
import { nameOf, roleOf, type Role } from './cert-subject.ts';
import { cachePeerCertificates } from './peer-certificate-cache.ts';

export type { Role } from './cert-subject.ts';

/** Where a process finds the CA certificate and its own certificate and key. */
export function certDir(config: { dataDir: string; tls?: { dir?: string | undefined } }): string {
  return config.tls?.dir ?? path.join(config.dataDir, 'certs');
}

export function tlsEnabled(config: Readonly<Config>): boolean {
  return config.tls.mode === 'mutual';
}

/**
 * The identity a process presents: `tls.identity` (each main.ts sets its own), else
 * `web<n>` in a frontend, else `admin` (the admin command, tests and benchmarks).
 */
export function identityOf(config: Readonly<Config>): string {
  return config.tls.identity ?? (config.web.frontend > 0 ? `web${config.web.frontend}` : 'admin');
}

const providers = new Map<string, grpc.experimental.FileWatcherCertificateProvider>();

function provider(config: Readonly<Config>, identity: string | null): grpc.experimental.FileWatcherCertificateProvider {
  const dir = certDir(config);
  const refreshMs = config.tls.refreshMs;
  const key = `${dir}\0${identity ?? ''}\0${refreshMs}`;
  let p = providers.get(key);
  if (!p) {
    p = new grpc.experimental.FileWatcherCertificateProvider(
      identity === null
        ? { caCertificateFile: path.join(dir, 'ca.crt'), refreshIntervalMs: refreshMs }
        : { certificateFile: path.join(dir, `${identity}.crt`), privateKeyFile: path.join(dir, `${identity}.key`), refreshIntervalMs: refreshMs },
    );
    providers.set(key, p);
  }
  return p;
}

/** Credentials for a channel to an internal service, presenting `identity` (identityOf(config) by default). */
export function channelCredentials(config: Readonly<Config>, identity = identityOf(config)): grpc.ChannelCredentials {
  if (!tlsEnabled(config)) return grpc.credentials.createInsecure();
  return grpc.experimental.createCertificateProviderChannelCredentials(provider(config, null), provider(config, identity));
}

/** Credentials for an internal server: its own certificate, and a client certificate required. */
export function serverCredentials(config: Readonly<Config>): grpc.ServerCredentials {
  if (!tlsEnabled(config)) return grpc.ServerCredentials.createInsecure();
  cachePeerCertificates();
  const ca = provider(config, null);
  const identity = provider(config, identityOf(config));
  // grpc-js 1.14's factory hands its two providers to the constructor in the wrong order (the
  // server then offers the CA file as its own certificate and no handshake completes); check
  // which way round they landed, so this stays right whether or not a later version fixes it.
  const made = grpc.experimental.createCertificateProviderServerCredentials(ca, identity, true);
  if ((made as unknown as { identityCertificateProvider: unknown }).identityCertificateProvider === identity) return made;
  return grpc.experimental.createCertificateProviderServerCredentials(identity, ca, true);
}

export interface Caller {
  name: string;
  /** undefined when the certificate names no role, or more than one. */
  role: Role | undefined;
}

/** Who called, from the client certificate the handshake verified; null in plaintext mode. */
export function callerOf(call: { getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | null }): Caller | null {
  const cert = call.getAuthContext?.()?.sslPeerCertificate;
  if (!cert?.subject) return null;
  return { name: nameOf(cert) ?? '', role: roleOf(cert) };
}

/**
 * A role is not enough where a request names who sends it: one node's certificate must not act
 * as another node (truncate a backup's log as if it were the primary, report a healthy backup
 * failed, renew a dead primary's lease). Throws PERMISSION_DENIED unless the caller's
 * certificate names one of `names`; in plaintext mode there is no certificate to check.
 */
export function requireCaller(call: { getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | null }, names: readonly string[], what: string): void {
  const caller = callerOf(call);
  if (caller && !names.includes(caller.name)) {
    throw new PennError('permission_denied', `${caller.name} may not ${what}; only ${names.join(' or ') || 'no one'} may`);
  }
}

/**
 * Why this caller may not call `method`, which `allowed` roles may call: the PERMISSION_DENIED
 * details addGuardedService answers; null when it may (always, in plaintext mode). A call that
 * carries several methods' work (the store's Batch) asks it once per operation.
 */
export function refusal(
  config: Readonly<Config>,
  call: { getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | null },
  method: string,
  allowed: readonly Role[],
): string | null {
  if (!tlsEnabled(config)) return null;
  const caller = callerOf(call);
  if (caller?.role && allowed.includes(caller.role)) return null;
  return `${method} is not allowed for ${caller ? `${caller.name} (role ${caller.role ?? 'none'})` : 'a caller without a certificate'}; it needs one of: ${allowed.join(', ')}`;
}

/** Which roles may call each method of a service; every method must be listed. */
export type AccessPolicy = Record<string, readonly Role[]>;

type AnyHandler = (call: grpc.ServerUnaryCall<unknown, unknown> & grpc.ServerWritableStream<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => void;

/**
 * server.addService with every method behind its policy: a caller whose certificate's role is
 * not listed gets PERMISSION_DENIED before the handler runs, so nothing changes. In plaintext
 * mode there are no certificates and every local caller is let through (development only).
 */
export function addGuardedService(
  server: grpc.Server,
  config: Readonly<Config>,
  service: grpc.ServiceDefinition,
  policy: AccessPolicy,
  impl: Record<string, unknown>,
): void {
  const guarded: Record<string, AnyHandler> = {};
  for (const [method, def] of Object.entries(service)) {
    const handler = impl[method] as AnyHandler | undefined;
    const allowed = policy[method];
    if (!handler || !allowed) throw new PennError('internal', `service method ${method} has no handler or no access policy`);
    guarded[method] = (call, callback) => {
      const details = refusal(config, call, method, allowed);
      if (details !== null) {
        const err = { code: grpc.status.PERMISSION_DENIED, details, message: details, metadata: new grpc.Metadata() } as grpc.ServiceError;
        if (def.responseStream) call.emit('error', err);
        else callback?.(err, null);
        return;
      }
      handler(call, callback);
    };
  }
  server.addService(service, guarded as grpc.UntypedServiceImplementation);
}
