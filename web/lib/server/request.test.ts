import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from './errors.ts';
import { checkOrigin, pathSegments, readBody, requestScheme } from './request.ts';

const post = (headers: Record<string, string>, body?: string | ReadableStream) =>
  new Request('http://localhost:8081/api/auth/login', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof HttpError ? err.status : -1;
  }
  return undefined;
}

test('Origin must name the host the request was sent to, or an allowed origin', () => {
  assert.equal(status(() => checkOrigin(post({ host: 'localhost:8081', origin: 'http://localhost:8081' }), [])), undefined);
  assert.equal(status(() => checkOrigin(post({ host: 'localhost:8081', origin: 'http://localhost:8082' }), [])), 403);
  assert.equal(status(() => checkOrigin(post({ host: 'localhost:8081', origin: 'http://evil.example' }), [])), 403);
  assert.equal(status(() => checkOrigin(post({ host: 'localhost:8081', origin: 'null' }), [])), 403);
  assert.equal(status(() => checkOrigin(post({ host: 'localhost:8081' }), [])), 403);
  assert.equal(status(() => checkOrigin(post({ host: 'localhost:8081', origin: 'https://cloud.example' }), ['https://cloud.example'])), undefined);
});

test('the scheme is the one web/main.ts decided; without its word, http', () => {
  assert.equal(requestScheme(new Headers({ 'x-forwarded-proto': 'https' })), 'https');
  assert.equal(requestScheme(new Headers({ 'x-forwarded-proto': 'http' })), 'http');
  assert.equal(requestScheme(new Headers()), 'http');
  assert.equal(requestScheme(new Headers({ 'x-forwarded-proto': 'HTTPS, http' })), 'http');
});

test('Origin must also have the scheme the browser used: an http page cannot post to the https site', () => {
  const tls = { host: 'cloud.example:8081', 'x-forwarded-proto': 'https' };
  assert.equal(status(() => checkOrigin(post({ ...tls, origin: 'https://cloud.example:8081' }), [])), undefined);
  assert.equal(status(() => checkOrigin(post({ ...tls, origin: 'http://cloud.example:8081' }), [])), 403);
  assert.equal(status(() => checkOrigin(post({ host: 'cloud.example:8081', origin: 'https://cloud.example:8081' }), [])), 403);
  assert.throws(
    () => checkOrigin(post({ host: 'cloud.example:8081', origin: 'https://cloud.example:8081' }), []),
    /the page came over https, but this server was reached over http/,
  );
  // An allowed origin is a whole origin, scheme included.
  assert.equal(status(() => checkOrigin(post({ host: '10.0.0.9:8081', origin: 'https://cloud.example' }), ['https://cloud.example'])), undefined);
  assert.equal(status(() => checkOrigin(post({ host: '10.0.0.9:8081', origin: 'http://cloud.example' }), ['https://cloud.example'])), 403);
});

test('JSON and form bodies are read; anything else is 415', async () => {
  assert.deepEqual(await readBody(post({ 'content-type': 'application/json; charset=utf-8' }, '{"a":1}'), { bytesMax: 100 }), { a: 1 });
  assert.deepEqual(await readBody(post({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1&b=x+y'), { bytesMax: 100 }), { a: '1', b: 'x y' });
  await assert.rejects(readBody(post({ 'content-type': 'text/plain' }, 'a'), { bytesMax: 100 }), (e) => e instanceof HttpError && e.status === 415);
  await assert.rejects(readBody(post({}, 'a'), { bytesMax: 100 }), (e) => e instanceof HttpError && e.status === 415);
  await assert.rejects(readBody(post({ 'content-type': 'application/json' }, '{oops'), { bytesMax: 100 }), (e) => e instanceof HttpError && e.status === 400);
});

test('bodies over the limit are 413, whether declared or streamed', async () => {
  const big = 'x'.repeat(101);
  await assert.rejects(
    readBody(post({ 'content-type': 'application/json', 'content-length': '101' }, `"${big}"`), { bytesMax: 100 }),
    (e) => e instanceof HttpError && e.status === 413,
  );
  const stream = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(20)));
      controller.close();
    },
  });
  await assert.rejects(
    readBody(post({ 'content-type': 'application/json' }, stream), { bytesMax: 100 }),
    (e) => e instanceof HttpError && e.status === 413,
  );
});

test('multipart forms are read only where a route takes files: text fields, then files by field', async () => {
  const form = new FormData();
  form.append('to', 'bob');
  form.append('attachments', new Blob([Buffer.from([0, 1, 2, 255])], { type: 'application/octet-stream' }), 'bytes.bin');
  form.append('attachments', new Blob(['notes']), 'notes.txt');
  const multipart = () => new Request('http://localhost:8081/api/mail/send', { method: 'POST', body: form });
  await assert.rejects(readBody(multipart(), { bytesMax: 10_000 }), (e) => e instanceof HttpError && e.status === 415);
  const body = (await readBody(multipart(), { bytesMax: 10_000, multipart: true })) as Record<string, unknown>;
  assert.equal(body.to, 'bob');
  assert.deepEqual(body.attachments, [
    { filename: 'bytes.bin', contentType: 'application/octet-stream', content: Buffer.from([0, 1, 2, 255]) },
    { filename: 'notes.txt', contentType: 'application/octet-stream', content: Buffer.from('notes') },
  ]);
  await assert.rejects(readBody(multipart(), { bytesMax: 100, multipart: true }), (e) => e instanceof HttpError && e.status === 413);
  const broken = post({ 'content-type': 'multipart/form-data; boundary=x' }, 'not a form');
  await assert.rejects(readBody(broken, { bytesMax: 100, multipart: true }), (e) => e instanceof HttpError && e.status === 400);
});

test('path segments are decoded, and broken percent-encoding is a 400', () => {
  assert.deepEqual(pathSegments(new Request('http://localhost:8081/api/mail/inbox/a%20b'), 2), ['inbox', 'a b']);
  assert.equal(status(() => pathSegments(new Request('http://localhost:8081/api/drive/files/%E0'), 0)), 400);
});
