// What the POP3 and IMAP listeners both do to their clients' sockets: the STARTTLS/STLS upgrade
// of a plain connection, and writes that wait for a slow reader instead of queueing in memory.
import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../common/log.ts';

/**
 * The server's side of STARTTLS (IMAP) or STLS (POP3) on `plain`, once the caller has stopped
 * reading it and dropped what the client sent before the handshake (both RFCs require that).
 * A failed handshake is logged and closes the connection (the promise rejects).
 */
export async function upgradeToTls(plain: net.Socket, context: tls.SecureContext, log: Logger, protocol: string, address: string): Promise<tls.TLSSocket> {
  const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: context });
  await new Promise<void>((resolve, reject) => {
    secure.once('secure', resolve);
    secure.once('error', reject);
  }).catch((err: unknown) => {
    log.info(`${protocol} TLS handshake failed`, { err, address });
    plain.destroy();
    throw err;
  });
  secure.on('error', () => secure.destroy());
  secure.once('close', () => plain.destroy());
  return secure;
}

/**
 * Writes `data`, resolving when the socket has taken it (at once, or at its next 'drain') or has
 * closed: a client that reads slowly holds up its own session, never the daemon's memory.
 */
export function writeAndDrain(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.write(data)) return resolve();
    const done = () => {
      socket.off('close', done);
      socket.off('drain', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
