// The JSON routes refuse bad requests with a 4xx and a message: a foreign or missing Origin,
// a body that is not JSON or a form, an oversized body, missing or malformed fields; logins
// are rate-limited per user and per address with 429, counted across frontends; sign-up of one
// name wins once.
import http from 'node:http';
import { expect, seedUser, test, uniqueName } from '../fixtures';

test.describe('auth routes', () => {
  let origin: string;
  test.beforeEach(({ cloud }) => {
    origin = cloud.frontendUrl(1);
  });

  test('a foreign or missing Origin is refused with 403', async ({ request }) => {
    const data = { username: uniqueName('origin'), password: 'password ok' };
    const variants: Record<string, string>[] = [{ Origin: 'http://evil.example' }, {}, { Origin: 'null' }];
    for (const headers of variants) {
      const response = await request.post(`${origin}/api/auth/signup`, { data, headers });
      expect(response.status()).toBe(403);
      expect((await response.json()).error).toMatch(/^Refused:/);
    }
  });

  test('only JSON or form bodies are read', async ({ request }) => {
    const plain = await request.post(`${origin}/api/auth/login`, {
      headers: { Origin: origin, 'Content-Type': 'text/plain' },
      data: 'username=a&password=b',
    });
    expect(plain.status()).toBe(415);
    expect((await plain.json()).error).toContain('application/json');
    const multipart = await request.post(`${origin}/api/auth/login`, {
      headers: { Origin: origin },
      multipart: { username: 'someone', password: 'password' },
    });
    expect(multipart.status()).toBe(415);

    const username = uniqueName('former');
    const form = await request.post(`${origin}/api/auth/signup`, { headers: { Origin: origin }, form: { username, password: 'form password' } });
    expect(form.status(), await form.text()).toBe(201);
    const cookie = form.headers()['set-cookie'] ?? '';
    expect(cookie).toMatch(/penncloud_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await request.get(`${origin}/api/me`)).status()).toBe(200);
  });

  test('an oversized body gets 413 and broken JSON 400', async ({ request, cloud }) => {
    const big = 'x'.repeat(cloud.config.web.bodyBytesMax + 1);
    const oversized = await request.post(`${origin}/api/auth/login`, { headers: { Origin: origin }, data: { username: 'someone', password: big } });
    expect(oversized.status()).toBe(413);
    expect((await oversized.json()).error).toContain('larger than');
    const broken = await request.post(`${origin}/api/auth/login`, {
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      data: Buffer.from('{"username": "a",'),
    });
    expect(broken.status()).toBe(400);
    expect((await broken.json()).error).toBe('The body is not valid JSON.');
  });

  test('missing and malformed fields get 400 with a message', async ({ request }) => {
    const cases: [string, unknown, RegExp][] = [
      ['/api/auth/signup', {}, /Username is required/],
      ['/api/auth/signup', { username: 'good-name' }, /Password is required/],
      ['/api/auth/signup', { username: 'Bad Name', password: 'password ok' }, /Usernames are 3–32 characters/],
      ['/api/auth/signup', { username: 'ab', password: 'password ok' }, /Usernames are 3–32 characters/],
      ['/api/auth/signup', { username: 'good-name', password: 'short' }, /Passwords are 8–256 characters/],
      ['/api/auth/signup', { username: 42, password: 'password ok' }, /Username must be a string/],
      ['/api/auth/login', { password: 'x' }, /Username is required/],
      ['/api/auth/login', [1, 2], /./],
    ];
    for (const [path, data, message] of cases) {
      const response = await request.post(`${origin}${path}`, { headers: { Origin: origin }, data });
      expect(response.status(), JSON.stringify(data)).toBe(400);
      expect((await response.json()).error).toMatch(message);
    }
  });

  test('without a session, /api/me and a password change get 401; logout still answers 200', async ({ request }) => {
    const me = await request.get(`${origin}/api/me`);
    expect(me.status()).toBe(401);
    expect((await me.json()).error).toBe('You are not logged in.');
    const change = await request.post(`${origin}/api/auth/password`, { headers: { Origin: origin }, data: { current: 'a', next: 'bbbbbbbbbb' } });
    expect(change.status()).toBe(401);
    const logout = await request.post(`${origin}/api/auth/logout`, { headers: { Origin: origin } });
    expect(logout.status()).toBe(200);
  });

  test('of concurrent sign-ups of one name, exactly one wins', async ({ playwright }) => {
    const username = uniqueName('race');
    const contexts = await Promise.all(Array.from({ length: 4 }, () => playwright.request.newContext()));
    const statuses = await Promise.all(
      contexts.map((c, i) => c.post(`${origin}/api/auth/signup`, { headers: { Origin: origin }, data: { username, password: `password ${i}` } }).then((r) => r.status())),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    await Promise.all(contexts.map((c) => c.dispose()));
  });

  test('failed logins are limited per user with 429 across frontends, the same for unknown and known users', async ({ request, cloud }) => {
    const known = uniqueName('limit');
    await seedUser(request, origin, known, 'known password');
    const limit = cloud.config.web.loginFailuresPerUserMax;
    // The attempts alternate between the two frontends (as the load balancer's round robin
    // would send them): the count is the cluster's, not one frontend's.
    const login = (i: number, username: string, password: string) => {
      const via = cloud.frontendUrl((i % 2) + 1);
      return request.post(`${via}/api/auth/login`, { headers: { Origin: via }, data: { username, password } });
    };
    const answers: Record<string, string> = {};
    for (const username of [known, uniqueName('ghost')]) {
      for (let i = 0; i < limit; i++) {
        const r = await login(i, username, 'wrong password');
        expect(r.status()).toBe(401);
        answers[`401 ${i}`] = (await r.json()).error;
      }
      for (const i of [limit, limit + 1]) {
        const blocked = await login(i, username, 'wrong password');
        expect(blocked.status()).toBe(429);
        expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(0);
        const message = (await blocked.json()).error as string;
        expect(message).toMatch(/^Too many failed attempts; try again in \d+ s\.$/);
        answers[`429 ${username === known ? 'known' : 'unknown'}`] = message.replace(/\d+/, 'N');
      }
    }
    expect(answers['429 known']).toBe(answers['429 unknown']);
    // Even the right password waits until the window has passed, on either frontend.
    for (const i of [0, 1]) expect((await login(i, known, 'known password')).status()).toBe(429);
    // Other users are not affected.
    const other = uniqueName('free');
    await seedUser(request, origin, other, 'other password');
    const ok = await request.post(`${origin}/api/auth/login`, { headers: { Origin: origin }, data: { username: other, password: 'other password' } });
    expect(ok.status()).toBe(200);
  });

  test('failed logins are limited per client address with 429 across frontends', async ({ cloud }) => {
    // From an address of our own in 127/8, so the browser tests' 127.0.0.1 keeps its budget.
    const from = '127.0.0.77';
    const limit = cloud.config.web.loginFailuresPerAddressMax;
    for (let i = 0; i < limit; i++) {
      const via = cloud.frontendUrl((i % 2) + 1);
      const r = await postFrom(from, `${via}/api/auth/login`, via, { username: uniqueName(`addr${i}`), password: 'wrong password' });
      expect(r.status).toBe(401);
    }
    const blocked = await postFrom(from, `${origin}/api/auth/login`, origin, { username: uniqueName('addr-next'), password: 'wrong password' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/^Too many failed attempts/);
    // A forged X-Forwarded-For does not get around it: the frontend takes the socket's address.
    const forged = await postFrom(from, `${origin}/api/auth/login`, origin, { username: uniqueName('addr-forged'), password: 'x' }, { 'X-Forwarded-For': '10.1.2.3' });
    expect(forged.status).toBe(429);
  });
});

/** A JSON POST from a chosen local address (Playwright's request context cannot bind one). */
function postFrom(
  localAddress: string,
  url: string,
  origin: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { error?: string } }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Origin: origin, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}
