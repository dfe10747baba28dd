// Callers of the internal gRPC services with whatever credentials a test hands them: none, TLS
// without a client certificate, a forged self-signed one, one from another CA, or any identity's
// certificate from a directory. Each call opens its own connection (a local subchannel pool), so
// no earlier handshake is reused and a refusal is the server's answer to these credentials.
// Also: what certificate a server presents to a fresh connection, read with a raw tls.connect.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { generate } from 'selfsigned';
import { callUnary } from '../../cluster/common/grpc.ts';
import { fromGrpcError, type PennError } from '../../cluster/common/errors.ts';
import { initCa, issueCert, type Role } from '../../cluster/common/tls/certs.ts';

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

/** `<name>.crt` and `<name>.key` of a certificate directory. */
export function keyPairIn(dir: string, name: string): KeyPair {
  return { cert: readFileSync(path.join(dir, `${name}.crt`)), key: readFileSync(path.join(dir, `${name}.key`)) };
}

/** TLS trusting `ca`, presenting `client` (or no certificate at all). */
export function tlsCredentials(ca: Buffer, client?: KeyPair): grpc.ChannelCredentials {
  return client ? grpc.credentials.createSsl(ca, client.key, client.cert) : grpc.credentials.createSsl(ca);
}

/**
 * A certificate nobody signed but its own key, naming itself as the cluster's certificates do
 * (CN=<name>, O=PennCloud, OU=<role>): what someone without the CA key could make.
 */
export async function selfSignedPair(name: string, role: Role): Promise<KeyPair> {
  const now = Date.now();
  const pems = await generate(
    [
      { name: 'commonName', value: name },
      { name: 'organizationName', value: 'PennCloud' },
      { shortName: 'OU', value: role },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 3600_000),
      notAfterDate: new Date(now + 24 * 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    },
  );
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private) };
}

/** A CA of its own in `dir` (made once) and a certificate it signs: right in every field but the issuer. */
export async function otherCaPair(dir: string, name: string, role: Role, hosts: readonly string[] = []): Promise<KeyPair> {
  await initCa(dir);
  await issueCert(dir, { name, role, hosts });
  return keyPairIn(dir, name);
}

/**
 * A call on a connection of its own: the reply (a server-streaming method's messages, as an
 * array; a client-streaming method gets the request as its one message), or the failure as a
 * PennError. The deadline is long because a refused handshake fails
 * at once; it only bounds a server that never answers.
 */
export async function callWith(
  service: grpc.ServiceClientConstructor,
  address: string,
  credentials: grpc.ChannelCredentials,
  method: string,
  request: unknown,
  timeoutMs = 15_000,
): Promise<{ ok: true; reply: unknown } | { ok: false; error: PennError }> {
  const client = new service(address, credentials, { 'grpc.use_local_subchannel_pool': 1 });
  try {
    const definition = service.service[method];
    if (definition?.requestStream && !definition.responseStream) {
      // A stream of requests and one answer: the request as the stream's one message.
      const open = (client as unknown as Record<string, (o: grpc.CallOptions, cb: (err: grpc.ServiceError | null, reply?: unknown) => void) => grpc.ClientWritableStream<unknown>>)[method]!;
      return await new Promise((resolve) => {
        const call = open.call(client, { deadline: Date.now() + timeoutMs }, (err, reply) => resolve(err ? { ok: false, error: fromGrpcError(err) } : { ok: true, reply }));
        call.write(request);
        call.end();
      });
    }
    if (!definition?.responseStream) return { ok: true, reply: await callUnary(client, method, request, timeoutMs) };
    let stream: grpc.ClientReadableStream<unknown>;
    if (definition.requestStream) {
      // Both ways: the request as the stream's one message, then the end of what we send.
      const open = (client as unknown as Record<string, (o: grpc.CallOptions) => grpc.ClientDuplexStream<unknown, unknown>>)[method]!;
      const duplex = open.call(client, { deadline: Date.now() + timeoutMs });
      duplex.write(request);
      duplex.end();
      stream = duplex;
    } else {
      const open = (client as unknown as Record<string, (r: unknown, o: grpc.CallOptions) => grpc.ClientReadableStream<unknown>>)[method]!;
      stream = open.call(client, request, { deadline: Date.now() + timeoutMs });
    }
    const messages: unknown[] = [];
    return await new Promise((resolve) => {
      stream.on('data', (m: unknown) => messages.push(m));
      stream.once('error', (err: unknown) => resolve({ ok: false, error: fromGrpcError(err) }));
      // 'status' comes last, after 'error' when there is one; the first resolve wins.
      stream.once('status', (status: grpc.StatusObject) => {
        if (status.code === grpc.status.OK) resolve({ ok: true, reply: messages });
      });
    });
  } catch (err) {
    return { ok: false, error: fromGrpcError(err) };
  } finally {
    client.close();
  }
}

/**
 * The certificate a server presents to a new connection (its SHA-256 fingerprint and serial),
 * over a handshake that presents `client` and trusts `ca`, as an internal caller's would;
 * `verify: false` reads it even when it would be refused (expired, another CA, another host).
 */
export function presentedCertificate(
  address: string,
  ca: Buffer,
  client: KeyPair,
  options: { verify?: boolean; timeoutMs?: number } = {},
): Promise<{ fingerprint256: string; serialNumber: string }> {
  const colon = address.lastIndexOf(':');
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: address.slice(0, colon),
      port: Number(address.slice(colon + 1)),
      ca,
      cert: client.cert,
      key: client.key,
      ALPNProtocols: ['h2'],
      rejectUnauthorized: options.verify ?? true,
    });
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${address} within ${timeoutMs} ms`)), timeoutMs);
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      clearTimeout(timer);
      socket.destroy();
      resolve({ fingerprint256: peer.fingerprint256, serialNumber: peer.serialNumber });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The SHA-256 fingerprint of `<name>.crt` in dir, in the notation of presentedCertificate. */
export function fileFingerprint(dir: string, name: string): string {
  return new X509Certificate(readFileSync(path.join(dir, `${name}.crt`))).fingerprint256;
}
