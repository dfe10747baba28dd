import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { HttpError } from './errors.ts';
import { BodyAdmission, checkOrigin, isLargeBody, pathSegments, readBody, requestScheme } from './request.ts';

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

test('a body is large by its declared length, or sent in chunks to a route that takes large ones', () => {
  const MiB = 1024 * 1024;
  assert.equal(isLargeBody(new Headers({ 'content-length': String(MiB + 1) }), MiB, 26 * MiB), true);
  assert.equal(isLargeBody(new Headers({ 'content-length': String(MiB) }), MiB, 26 * MiB), false);
  assert.equal(isLargeBody(new Headers({ 'content-length': String(27 * MiB) }), MiB, 26 * MiB), false, 'refused at once instead');
  assert.equal(isLargeBody(new Headers({ 'transfer-encoding': 'chunked' }), MiB, 26 * MiB), true);
  assert.equal(isLargeBody(new Headers({ 'transfer-encoding': 'chunked' }), MiB, 64 * 1024), false);
  assert.equal(isLargeBody(new Headers(), MiB, Infinity), false);
});

/** Whether a promise has settled, after pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

test('large bodies are read a few at a time; the next in line gets the turn one gives back', async () => {
  const admission = new BodyAdmission(2);
  const first = await admission.admit(1000);
  const second = await admission.admit(1000);
  const third = admission.admit(1000);
  const fourth = admission.admit(1000);
  assert.equal(await settled(third), false);
  assert.deepEqual([admission.reading, admission.waiting], [2, 2]);
  first();
  first(); // a second call changes nothing
  assert.equal(await settled(third), true);
  assert.equal(await settled(fourth), false);
  second();
  (await third)();
  (await fourth)();
  assert.deepEqual([admission.reading, admission.waiting], [0, 0]);
});

test('a body read whole takes more turns: it waits for them, and those behind it wait with it', async () => {
  const admission = new BodyAdmission(4);
  const uploads = [await admission.admit(1000), await admission.admit(1000), await admission.admit(1000)];
  const mail = admission.admit(1000, undefined, 2);
  const upload = admission.admit(1000);
  assert.equal(await settled(mail), false);
  assert.equal(await settled(upload), false, 'no overtaking');
  uploads[0]!();
  assert.equal(await settled(mail), true);
  assert.equal(await settled(upload), false);
  assert.equal(admission.reading, 4);
  (await mail)();
  assert.equal(await settled(upload), true);
  (await upload)();
  uploads[1]!();
  uploads[2]!();
  assert.equal(admission.reading, 0);
  // More turns than there are: all of them.
  const huge = await admission.admit(1000, undefined, 9);
  assert.equal(admission.reading, 4);
  huge();
});

test('a large body that waits too long is a 503; one whose client goes away leaves the line', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const admission = new BodyAdmission(1);
    const held = await admission.admit(100);
    const late = admission.admit(100);
    const client = new AbortController();
    const gone = admission.admit(100, client.signal);
    client.abort();
    await assert.rejects(gone, (e) => e instanceof HttpError && e.status === 499);
    assert.equal(admission.waiting, 1);
    mock.timers.tick(100);
    await assert.rejects(late, (e) => e instanceof HttpError && e.status === 503 && e.code === 'unavailable');
    assert.equal(admission.waiting, 0);
    held();
    assert.equal(admission.reading, 0);
    (await admission.admit(100))();
  } finally {
    mock.timers.reset();
  }
});

test('multipart parts are read as sent: quoted boundary, preamble, UTF-8 and RFC 5987 names, empty files; broken forms are 400', async () => {
  const form = (boundary: string, body: string) =>
    readBody(post({ 'content-type': `multipart/form-data; boundary=${boundary}` }, body), { bytesMax: 10_000, multipart: true, large: true });
  const body =
    'preamble to skip\r\n--b"x\r\nContent-Disposition: form-data; name="subject"\r\n\r\nhé\r\nthere\r\n' +
    '--b"x\r\nContent-Disposition: form-data; name="attachments"; filename="résumé.txt"\r\nContent-Type: text/plain\r\n\r\nabc\r\n' +
    "--b\"x\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"fallback\"; filename*=UTF-8''na%C3%AFve.bin\r\n\r\n\r\n" +
    '--b"x--\r\n';
  assert.deepEqual(await form('"b\\"x"', body), {
    subject: 'hé\r\nthere',
    attachments: [
      { filename: 'résumé.txt', contentType: 'text/plain', content: Buffer.from('abc') },
      { filename: 'naïve.bin', contentType: 'application/octet-stream', content: Buffer.alloc(0) },
    ],
  });
  for (const broken of ['--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated', '--x\r\nContent-Disposition: attachment; name="a"\r\n\r\nv\r\n--x--', 'no delimiter']) {
    await assert.rejects(form('x', broken), (e) => e instanceof HttpError && e.status === 400, broken);
  }
});
