// One parse of a peer's certificate per TLS connection, not one per call.
//
// grpc-js answers `call.getAuthContext()` with `socket.getPeerCertificate()`, and Node builds
// that object anew each time: it decodes the certificate and computes three fingerprints. Every
// internal call checks its caller's role (credentials.ts), so on a storage primary under load
// this was the largest single cost of our own making (about 13 % of its busy time, profiled in
// docs/PERFORMANCE.md). grpc-js gives no hook on the server's sockets, so the cache sits on
// TLSSocket itself: the first complete answer for a socket is kept for the socket's life.
//
// Kept only for TLS 1.3 connections, which cannot renegotiate (a TLS 1.2 peer could present
// another certificate later on the same connection); an answer without the certificate's bytes
// (handshake not done) is never kept. A detailed answer (`getPeerCertificate(true)`) is never
// cached. Nothing else about the socket changes.
import { TLSSocket, type PeerCertificate } from 'node:tls';

const cached = new WeakMap<TLSSocket, PeerCertificate>();
let installed = false;

export function cachePeerCertificates(): void {
  if (installed) return;
  installed = true;
  const original = TLSSocket.prototype.getPeerCertificate;
  function getPeerCertificate(this: TLSSocket, detailed?: boolean): PeerCertificate {
    if (detailed) return original.call(this, true);
    const known = cached.get(this);
    if (known) return known;
    const cert = original.call(this, false);
    if (cert.raw && this.getProtocol() === 'TLSv1.3') cached.set(this, cert);
    return cert;
  }
  TLSSocket.prototype.getPeerCertificate = getPeerCertificate as TLSSocket['getPeerCertificate'];
}
