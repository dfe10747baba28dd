// Who may use the admin console: nobody logged out (401), no plain user (403, on the page and
// on every admin route), no request from another site (403, even from an admin's browser), and
// the administrators named by `npm run admin`, from their next request on.
import type { ClusterView } from '../../lib/queries/admin';
import { expect, logInThroughUi, seedUser, test, uniqueName } from '../fixtures';
import { openConsole, runAdminCommand, seedAdmin } from './admin-helpers';

const routes: { method: 'GET' | 'POST'; path: string; data?: unknown }[] = [
  { method: 'GET', path: '/api/admin/status' },
  { method: 'GET', path: '/api/admin/rows?node=g0r0' },
  { method: 'GET', path: '/api/admin/value?node=g0r0&row=a%23account&column=created' },
  { method: 'GET', path: '/api/admin/value?node=g0r0&row=a%23account&column=created&download=1' },
  { method: 'POST', path: '/api/admin/halt', data: { node: 'g0r0' } },
  { method: 'POST', path: '/api/admin/revive', data: { node: 'g0r0' } },
];

test('logged out: 401; a plain user: 403 on the page and on every admin route', async ({ page, request, cloud }) => {
  const origin = cloud.frontendUrl(1);
  const call = (r: (typeof routes)[number]) =>
    r.method === 'GET' ? request.get(`${origin}${r.path}`) : request.post(`${origin}${r.path}`, { data: r.data, headers: { Origin: origin } });

  expect((await request.get(`${origin}/admin`)).status()).toBe(401);
  for (const r of routes) {
    const response = await call(r);
    expect(response.status(), `${r.method} ${r.path}`).toBe(401);
    expect((await response.json()).code).toBe('unauthenticated');
  }

  const user = uniqueName('plain');
  await seedUser(request, origin, user, 'plain password');
  expect((await request.get(`${origin}/admin`)).status()).toBe(403);
  for (const r of routes) {
    const response = await call(r);
    expect(response.status(), `${r.method} ${r.path}`).toBe(403);
    expect(await response.json()).toEqual({ code: 'permission_denied', error: 'Only administrators can use the admin console.' });
  }
  expect((await cloud.cluster.node('g0r0').status()).state).toBe('up');

  // In the browser: no Admin link, and the page says why.
  await logInThroughUi(page, user, 'plain password');
  await expect(page.getByRole('link', { name: /Admin/ })).toHaveCount(0);
  const answer = await page.goto(page.url().replace(/\/menu$/, '/admin'));
  expect(answer?.status()).toBe(403);
  await expect(page.getByText('Administrators only')).toBeVisible();
});

test('a halt from another site is refused, even with an admin session', async ({ request, cloud }) => {
  const origin = cloud.frontendUrl(2);
  await seedAdmin(cloud, request, uniqueName('adm'), 'admin password');
  const node = await cloud.cluster.primaryOf(0);
  for (const headers of [{ Origin: 'http://evil.example' }, { Origin: 'null' }, {}] as Record<string, string>[]) {
    const response = await request.post(`${origin}/api/admin/halt`, { data: { node }, headers });
    expect(response.status()).toBe(403);
    expect((await response.json()).code).toBe('bad_origin');
  }
  // A form post from a page on another site: the browser sends its Origin, and it is refused too.
  const form = await request.post(`${origin}/api/admin/halt`, { form: { node }, headers: { Origin: 'http://evil.example' } });
  expect(form.status()).toBe(403);
  expect((await cloud.cluster.node(node).status()).state).toBe('up');
  expect((await request.get(`${origin}/api/admin/status`)).status()).toBe(200);
});

test('npm run admin grants, lists and revokes; the menu and the console follow', async ({ page, request, cloud }) => {
  const user = uniqueName('ops');
  await seedUser(request, cloud.frontendUrl(1), user, 'ops password');

  const unknown = await runAdminCommand(cloud, ['grant', uniqueName('nobody')]);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no user');
  const usage = await runAdminCommand(cloud, ['promote', user]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('usage: npm run admin -- grant <user>');

  const granted = await runAdminCommand(cloud, ['grant', user]);
  expect(granted.code, granted.stderr).toBe(0);
  expect(granted.stdout).toContain(`${user} is now an administrator.`);
  const listed = await runAdminCommand(cloud, ['list']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toMatch(new RegExp(`^${user}\\t\\(grant, granted \\d{4}-`, 'm'));
  expect(listed.stdout).toMatch(/^admin\t\(config web\.admins\)$/m);

  await logInThroughUi(page, user, 'ops password');
  await openConsole(page);
  await expect(page.getByRole('region', { name: 'Group 0' })).toBeVisible();

  const revoked = await runAdminCommand(cloud, ['revoke', user]);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(revoked.stdout).toContain(`${user} is no longer granted administrator rights.`);
  // The next request already answers 403: the console's own refresh, and a reload.
  await expect(page.getByRole('status').getByText('Only administrators can use the admin console.')).toBeVisible();
  const reloaded = await page.reload();
  expect(reloaded?.status()).toBe(403);
  await expect(page.getByText('Administrators only')).toBeVisible();
  expect((await runAdminCommand(cloud, ['list'])).stdout).not.toContain(user);
});

test('the admin API answers bad requests with a clear 4xx, and a halted node with 503', async ({ request, cloud }) => {
  const origin = cloud.frontendUrl(1);
  const admin = uniqueName('adm');
  await seedAdmin(cloud, request, admin, 'admin password');
  const get = async (path: string) => {
    const response = await request.get(`${origin}${path}`);
    return { status: response.status(), body: (await response.json()) as { code?: string; error?: string } };
  };
  expect(await get('/api/admin/rows?node=bogus')).toMatchObject({ status: 400, body: { code: 'invalid_argument' } });
  expect(await get('/api/admin/rows?node=g0r0&limit=0')).toMatchObject({ status: 400, body: { error: 'limit must be 1–100.' } });
  expect(await get('/api/admin/rows?node=g9r9')).toMatchObject({ status: 404, body: { error: 'There is no storage node "g9r9".' } });
  expect(await get(`/api/admin/value?node=g0r0&row=${admin}%23account`)).toMatchObject({ status: 400, body: { error: 'column is required.' } });
  expect(await get(`/api/admin/value?node=g0r0&row=${admin}%23account&column=nope`)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  // A row of another group (z… lives in group 2).
  expect(await get('/api/admin/value?node=g0r0&row=zed%23account&column=password')).toMatchObject({ status: 409, body: { code: 'failed_precondition' } });
  const halt = await request.post(`${origin}/api/admin/halt`, { data: {}, headers: { Origin: origin } });
  expect(halt.status()).toBe(400);
  expect((await halt.json()).error).toBe('node is required.');

  // The status names every group, node and frontend; no mail daemon runs here, so it is down.
  const status = await get('/api/admin/status');
  expect(status.status).toBe(200);
  const view = status.body as unknown as ClusterView;
  expect(view.groups.map((g) => g.nodes.length)).toEqual([3, 3, 3]);
  expect(view.frontends.map((f) => [f.frontend, f.state, f.self])).toEqual([
    [1, 'up', true],
    [2, 'up', false],
  ]);
  expect(view.mail).toMatchObject({ state: 'down', queueLength: null });

  // A halted node cannot list its rows; the answer says which node.
  await cloud.cluster.node('g2r2').halt();
  try {
    expect(await get('/api/admin/rows?node=g2r2')).toMatchObject({ status: 503, body: { code: 'unavailable', error: expect.stringContaining('Storage node g2r2') } });
  } finally {
    await cloud.cluster.node('g2r2').revive();
  }
});
