// A TCP proxy that loses replies: it forwards both ways until the client sends bytes holding a
// marker, then swallows everything the server sends on that connection. A call carrying the
// marker (a CPut of a value that contains it) therefore reaches the server and applies, and its
// caller never hears so: the "unknown outcome" that retried writes must survive. Real sockets
// and a real node behind it; gRPC does not compress our messages, so the value is on the wire
// as written — with tls.mode "plaintext" (on mutual TLS the proxy sees only ciphertext).
import net from 'node:net';

export interface ReplyDroppingProxy {
  /** host:port to give a client instead of the node's address. */
  address: string;
  /** Replies swallowed so far (connections that saw the marker). */
  dropped: number;
  close(): Promise<void>;
}

export async function startReplyDroppingProxy(target: string, marker: string): Promise<ReplyDroppingProxy> {
  const colon = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, colon), Number(target.slice(colon + 1))];
  const needle = Buffer.from(marker, 'utf8');
  const sockets = new Set<net.Socket>();
  const proxy: ReplyDroppingProxy = { address: '', dropped: 0, close: async () => {} };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    let dropping = false;
    // The marker may straddle two reads: keep the tail of the last one.
    let tail = Buffer.alloc(0);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk: Buffer) => {
      const seen = Buffer.concat([tail, chunk]);
      if (!dropping && seen.includes(needle)) {
        dropping = true;
        proxy.dropped++;
      }
      tail = seen.subarray(Math.max(0, seen.length - needle.length));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!dropping) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
