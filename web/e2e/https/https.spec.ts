// People over HTTPS. The balancer and both frontends serve a certificate signed by a CA this
// test makes, and Chromium trusts that CA through the NSS database of its own HOME
// (tests/lib/test-certificates.ts): certificates are checked for real, ignoreHTTPSErrors stays
// off, and a certificate from any other CA is refused. The frontends name "localhost" as their
// public host, so the balancer at https://127.0.0.1 sends the browser to https://localhost.
// API calls made here go through node:https with the same CA, and with a chosen source address
// (127.0.0.3 is the configured proxy, 127.0.0.2 a stranger) for the trusted-proxy rules.
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { browserHomeTrusting, issueServerCertificate, makeTestCa, writePem, type Pem } from '../../../tests/lib/test-certificates.ts';
import { startWebCluster, type WebCluster } from '../../../scripts/lib/web-cluster.ts';
import { logInThroughUi, signupLimits, uniqueName } from '../fixtures';

interface Pki {
  ca: Pem;
  files: { certFile: string; keyFile: string };
  /** HOME for Chromium, trusting `ca`. */
  home: string;
}

const proxy = '127.0.0.3';
const stranger = '127.0.0.2';
const loginFailuresPerAddressMax = 3;

// Playwright reads a fixture's dependencies from its first parameter: none for pki.
/* eslint-disable no-empty-pattern */
const test = base.extend<object, { pki: Pki; cloud: WebCluster }>({
  pki: [
    async ({}, use) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-https-'));
      const ca = await makeTestCa();
      const files = writePem(dir, 'site', await issueServerCertificate(ca));
      const home = browserHomeTrusting(path.join(dir, 'browser-home'), ca.cert);
      await use({ ca, files, home });
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  cloud: [
    async ({ pki }, use) => {
      // The smallest store will do: what is tested here is in front of it.
      const cloud = await startWebCluster({
        groups: 1,
        replicas: 1,
        coordinators: 1,
        frontends: 2,
        http: { tls: pki.files, trustedProxies: [proxy] },
        web: { publicHost: 'localhost', loginFailuresPerAddressMax, ...signupLimits },
      });
      await use(cloud);
      await cloud.close();
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  launchOptions: [async ({ launchOptions, pki }, use) => use({ ...launchOptions, env: { ...process.env, HOME: pki.home } }), { scope: 'worker' }],
  baseURL: async ({ cloud }, use) => use(cloud.lbUrl),
});
/* eslint-enable no-empty-pattern */

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request, verified against the test's CA, from `localAddress` when given. */
function call(ca: Pem, url: string, options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca: ca.cert, agent: false, localAddress: options.localAddress }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const hsts = 'max-age=31536000';

test('sign up and log in over HTTPS: the session cookie is __Host-, Secure, HttpOnly and SameSite', async ({ page, cloud }) => {
  const username = uniqueName('tess');
  const response = await page.goto('/signup');
  await expect(page).toHaveURL(/^https:\/\/localhost:\d+\/signup$/);
  // The page came over TLS with the certificate the test's CA signed, checked by the browser.
  expect((await response!.securityDetails())?.issuer).toBe('PennCloud test CA');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('a good password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();

  const sessionCookies = async () => (await page.context().cookies()).filter((c) => c.name.endsWith('penncloud_session'));
  const expected = { name: '__Host-penncloud_session', domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' };
  expect(await sessionCookies()).toEqual([expect.objectContaining(expected)]);

  await page.getByRole('button', { name: /Log out/ }).click();
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  expect(await sessionCookies()).toEqual([]);

  await logInThroughUi(page, username, 'a good password');
  expect(page.url()).toMatch(/^https:\/\/localhost:\d+\/menu$/);
  expect(await sessionCookies()).toEqual([expect.objectContaining(expected)]);
  // Every frontend takes the cookie: one host name, whatever the port.
  for (const n of [1, 2]) {
    const port = cloud.config.web.basePort + n - 1;
    await page.goto(`https://localhost:${port}/menu`);
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  }
});

test('the balancer keeps https and the public host in its redirects; every HTTPS answer carries HSTS', async ({ page, cloud, pki }) => {
  const get = await call(pki.ca, `${cloud.lbUrl}/menu?tab=files`);
  expect(get.status).toBe(302);
  expect(get.headers.location).toMatch(/^https:\/\/localhost:\d+\/menu\?tab=files$/);
  expect(get.headers['strict-transport-security']).toBe(hsts);
  const post = await call(pki.ca, `${cloud.lbUrl}/api/auth/login`, { method: 'POST' });
  expect(post.status).toBe(307);
  expect(post.headers.location).toMatch(/^https:\/\/localhost:\d+\/api\/auth\/login$/);
  expect(post.headers['strict-transport-security']).toBe(hsts);

  const response = await page.goto('/');
  expect(page.url()).toMatch(/^https:\/\/localhost:\d+\/$/);
  expect(await response!.headerValue('strict-transport-security')).toBe(hsts);
  for (const n of [1, 2]) {
    const me = await call(pki.ca, `${cloud.frontendUrl(n)}/api/me`);
    expect(me.status).toBe(401);
    expect(me.headers['strict-transport-security']).toBe(hsts);
  }
});

test('the browser refuses a certificate from a CA it does not trust', async ({ page }) => {
  // The same names, signed by another CA: only the trust decides.
  const otherCa = await makeTestCa('Somebody else');
  const pem = await issueServerCertificate(otherCa);
  const server = https.createServer({ key: pem.key, cert: pem.cert }, (_req, res) => res.end('should not be shown'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    await expect(page.goto(`https://localhost:${port}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('X-Forwarded-For counts for the login limit only from the trusted proxy; anyone else is limited by its own address', async ({ cloud, pki }) => {
  const origin = cloud.frontendUrl(1);
  const login = (from: string, forwardedFor: string) =>
    call(pki.ca, `${origin}/api/auth/login`, {
      method: 'POST',
      localAddress: from,
      headers: { Origin: origin, 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor },
      // A new unknown name each time, so only the per-address limit can apply.
      body: JSON.stringify({ username: uniqueName('nobody'), password: 'a wrong password' }),
    });

  // Through the proxy: the client it names uses up its own allowance, and only its own.
  for (let i = 0; i < loginFailuresPerAddressMax; i++) expect((await login(proxy, '203.0.113.7')).status).toBe(401);
  expect((await login(proxy, '203.0.113.7')).status).toBe(429);
  expect((await login(proxy, '203.0.113.8')).status).toBe(401);

  // A stranger's X-Forwarded-For is ignored: a new forged address each time still counts against its socket's.
  for (let i = 0; i < loginFailuresPerAddressMax; i++) expect((await login(stranger, `198.51.100.${i + 1}`)).status).toBe(401);
  expect((await login(stranger, '198.51.100.99')).status).toBe(429);
});

test("X-Forwarded-Proto decides the cookie and the origin check only from the trusted proxy", async ({ cloud, pki }) => {
  const origin = cloud.frontendUrl(2);
  const httpOrigin = origin.replace(/^https:/, 'http:');
  const signUp = (from: string) =>
    call(pki.ca, `${origin}/api/auth/signup`, {
      method: 'POST',
      localAddress: from,
      headers: { Origin: httpOrigin, 'Content-Type': 'application/json', 'X-Forwarded-Proto': 'http' },
      body: JSON.stringify({ username: uniqueName('proxied'), password: 'a good password' }),
    });

  // The proxy says its client came over plain http: the page it posts from is http, and the
  // cookie carries no Secure (that client would never send it back).
  const viaProxy = await signUp(proxy);
  expect(viaProxy.status, viaProxy.body).toBe(201);
  // Two cookies: the session, and the device cookie that keeps this browser's own login
  // allowance (docs/API.md, "Log in") — neither with Secure.
  const cookies = [viaProxy.headers['set-cookie'] ?? []].flat();
  expect(cookies).toEqual(
    expect.arrayContaining([expect.stringMatching(/^penncloud_session=[^;]+;.*HttpOnly/i), expect.stringMatching(/^penncloud_device=[^;]+;.*HttpOnly/i)]),
  );
  expect(cookies).toHaveLength(2);
  for (const cookie of cookies) expect(cookie).not.toMatch(/;\s*Secure/i);
  expect(viaProxy.headers['strict-transport-security']).toBeUndefined();

  // A stranger saying the same over its HTTPS connection is not believed: an http page is another origin.
  const forged = await signUp(stranger);
  expect(forged.status).toBe(403);
  expect(JSON.parse(forged.body)).toEqual({ code: 'bad_origin', error: 'Refused: the page came over http, but this server was reached over https.' });
  expect(forged.headers['strict-transport-security']).toBe(hsts);
});
