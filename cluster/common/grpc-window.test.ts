// The flow-control window every internal server of ours advertises, read off the wire by a plain
// HTTP/2 client: the stream window in the server's SETTINGS, the connection window in its
// WINDOW_UPDATE. grpc-js has no option for either (grpc.ts reaches into it), so an upgrade that
// moves its internals shows here instead of as a slower store.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { parseConfig } from './config.ts';
import { bindServer, flowControlWindowBytes, shutdownServer } from './grpc.ts';

test('an internal gRPC server lets a caller send 2 MiB ahead on a stream and on the connection', async () => {
  const server = new grpc.Server();
  const port = await bindServer(server, '127.0.0.1:0', parseConfig({ tls: { mode: 'plaintext' } }));
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const settings = await new Promise<http2.Settings>((resolve, reject) => {
      session.once('remoteSettings', resolve);
      session.once('error', reject);
    });
    assert.equal(settings.initialWindowSize, flowControlWindowBytes);
    // The connection window arrives as a WINDOW_UPDATE after the settings: wait for it, bounded.
    const deadline = Date.now() + 5000;
    while (session.state.remoteWindowSize !== flowControlWindowBytes && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(session.state.remoteWindowSize, flowControlWindowBytes);
  } finally {
    session.close();
    await shutdownServer(server);
  }
});
