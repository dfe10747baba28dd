// Attacks on sign-up and login through the web, against real processes (storage cluster, load
// balancer, two frontends): a sign-up flood that used to starve logins of password hashing,
// account creation in bulk, parallel password guesses that used to all pass the limit's check,
// and a guesser who used to lock the real user out. Clients come from addresses of their own in
// 127/8, as they would from the Internet (scripts/bench/abuse-accounts.ts, which prints the
// same attacks' figures).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { Browser, address, lockout, parallelGuesses, signupFlood } from '../../scripts/bench/abuse-accounts.ts';
import { runAdminCommand } from '../../scripts/lib/admin-command.ts';
import { startWebCluster, type WebCluster } from '../../scripts/lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';

const limits = {
  loginFailuresPerUserMax: 5,
  loginFailuresPerDeviceMax: 5,
  signupsPerAddressMax: 3,
  signupsPerFrontendMax: 6,
  // A short queue for password hashing, so a flood that hashes fills it at once.
  scryptQueueMax: 8,
  admins: ['root', 'ops'],
};

describe('accounts under attack, through the web', () => {
  let cloud: WebCluster;
  let accounts: Accounts;
  const seed = (name: string) => accounts.create(name, `${name} password`);
  const user = (name: string) => ({ name, password: `${name} password` });
  const credentials = (name: string) => ({ username: name, password: `${name} password` });
  const url = (frontend: number, route: string) => `${cloud.frontendUrl(frontend)}/api/auth/${route}`;

  before(async () => {
    await ensureWebBuild();
    cloud = await startWebCluster({ groups: 3, replicas: 3, frontends: 2, web: limits });
    // Users are seeded in the store, as sign-up would make them, so the sign-up limits start unused.
    accounts = Accounts.open(cloud.cluster.client, cloud.config);
  });
  after(async () => cloud?.close());

  test('sign-ups of a taken name are refused (409) before any hashing: a flood of them leaves logins working', async () => {
    await seed('taken');
    await seed('victim');
    const flood = await signupFlood(cloud, 'taken', user('victim'), 60, 6);
    console.log(`sign-up flood: logins ${JSON.stringify(flood.logins)}, flood answers ${JSON.stringify(flood.flood)}`);
    assert.deepEqual(flood.logins, { 200: 6 }, 'every login of the real user succeeded');
    assert.ok((flood.flood[409] ?? 0) > 0);
    assert.equal(flood.flood[201], undefined);
  });

  test('sign-up is limited per client address over every frontend (429, Retry-After)', async () => {
    const from = new Browser(address(20, 0));
    for (let i = 0; i < limits.signupsPerAddressMax; i++) {
      const r = await from.post(url((i % 2) + 1, 'signup'), { username: `addr-${i}`, password: 'a good password' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    for (const frontend of [1, 2]) {
      const refused = await from.post(url(frontend, 'signup'), { username: `addr-more-${frontend}`, password: 'a good password' });
      assert.equal(refused.status, 429);
      assert.match(refused.body.error ?? '', /^Too many sign-ups; try again in \d+ s\.$/);
      assert.ok(Number(refused.headers['retry-after']) > 0);
    }
    // A taken name is still told at once, whatever the count.
    assert.equal((await from.post(url(1, 'signup'), { username: 'taken', password: 'a good password' })).status, 409);
  });

  test('sign-up is limited per frontend over every address', async () => {
    // Frontend 2 has counted one sign-up (the test above): five more from new addresses fill it.
    const statuses: number[] = [];
    for (let i = 0; i < limits.signupsPerFrontendMax; i++) {
      statuses.push((await new Browser(address(21, i)).post(url(2, 'signup'), { username: `front-${i}`, password: 'a good password' })).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429]);
    // Frontend 1 has its own count.
    assert.equal((await new Browser(address(21, 100)).post(url(1, 'signup'), { username: 'front-other', password: 'a good password' })).status, 201);
  });

  test('a name in web.admins cannot be signed up (403) until the operator creates it with npm run admin', async () => {
    const refused = await new Browser(address(22, 0)).post(url(1, 'signup'), { username: 'root', password: 'a good password' });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error ?? '', /reserved for an administrator.*npm run admin -- create-user/);

    const created = await runAdminCommand(cloud, ['create-user', 'root'], 'the root password\n');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /root can now log in\. web\.admins names them/);
    const login = await new Browser(address(22, 1)).post(url(2, 'login'), { username: 'root', password: 'the root password' });
    assert.equal(login.status, 200);
    assert.equal(login.body.username, 'root');
    // Once it exists the name is simply taken.
    assert.equal((await new Browser(address(22, 2)).post(url(1, 'signup'), { username: 'root', password: 'a good password' })).status, 409);
    assert.equal((await runAdminCommand(cloud, ['create-user', 'root'], 'another password\n')).code, 1);
  });

  test('100 parallel wrong guesses over both frontends: at most the limit are checked, the rest get 429', async () => {
    await seed('carol');
    const statuses = await parallelGuesses(cloud, 'carol', 100);
    console.log(`parallel guesses: ${JSON.stringify(statuses)}`);
    assert.ok((statuses[401] ?? 0) <= limits.loginFailuresPerUserMax, JSON.stringify(statuses));
    assert.equal((statuses[401] ?? 0) + (statuses[429] ?? 0), 100, JSON.stringify(statuses));
    const fresh = await new Browser(address(23, 0)).post(url(1, 'login'), credentials('carol'));
    assert.equal(fresh.status, 429, 'an unknown browser waits, even with the right password');
  });

  test('a right password refunds its reservation: only failures use up the allowance', async () => {
    await seed('erin');
    const guess = (i: number) => new Browser(address(24, i)).post(url((i % 2) + 1, 'login'), { username: 'erin', password: 'wrong' });
    const right = (i: number) => new Browser(address(24, 100 + i)).post(url((i % 2) + 1, 'login'), credentials('erin'));
    for (let i = 0; i < limits.loginFailuresPerUserMax - 1; i++) assert.equal((await guess(i)).status, 401);
    for (let i = 0; i < 10; i++) assert.equal((await right(i)).status, 200);
    assert.equal((await guess(10)).status, 401);
    assert.equal((await right(10)).status, 429);
  });

  test("a guesser elsewhere locks out unknown browsers only: the user's browser (device cookie) logs in and changes the password", async () => {
    await seed('dave');
    const browser = new Browser(address(25, 0));
    const result = await lockout(cloud, browser, user('dave'), limits.loginFailuresPerUserMax + 3);
    assert.equal(result.first, 200);
    assert.deepEqual(result.attacker, { 401: limits.loginFailuresPerUserMax, 429: 3 });
    assert.equal(result.login, 200, "the user's browser logs in");
    assert.equal(result.change, 200, "and changes the password");
    // Without the cookie, the right (new) password from the same address waits like any stranger.
    assert.equal((await new Browser(address(25, 0)).post(url(1, 'login'), { username: 'dave', password: result.newPassword })).status, 429);
    // Another user's device cookie is no device cookie for dave.
    const other = new Browser(address(25, 1));
    await seed('frank');
    assert.equal((await other.post(url(1, 'login'), credentials('frank'))).status, 200);
    assert.equal((await other.post(url(2, 'login'), { username: 'dave', password: result.newPassword })).status, 429);
  });

  test('the device cookie is HttpOnly, SameSite=Strict, for the whole host; a forged one counts as none', async () => {
    await seed('gina');
    const browser = new Browser(address(26, 0));
    const login = await browser.post(url(1, 'login'), credentials('gina'));
    const cookie = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('penncloud_device='));
    assert.ok(cookie, 'a device cookie is given');
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Strict/i);
    assert.match(cookie, /; Path=\//i);
    assert.doesNotMatch(cookie, /; Domain=/i);
    for (let i = 0; i < limits.loginFailuresPerUserMax; i++) {
      await new Browser(address(26, 10 + i)).post(url(2, 'login'), { username: 'gina', password: 'wrong' });
    }
    const forger = new Browser(address(26, 1));
    const value = browser.cookies.get('penncloud_device')!;
    forger.cookies.set('penncloud_device', value.replace(/~[^~]+$/, '~AAAA'));
    assert.equal((await forger.post(url(1, 'login'), credentials('gina'))).status, 429);
    assert.equal((await browser.post(url(1, 'login'), credentials('gina'))).status, 200);
  });
});
