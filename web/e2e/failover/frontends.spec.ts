// The load balancer and frontend failure: 302 round-robin to the same path and query; kill -9
// the frontend serving the browser and going through the balancer again lands on a live one,
// still logged in; with no frontend alive, a 503 page says so.
import { seedAdmin } from '../admin/admin-helpers';
import { expect, frontendOf, logInThroughUi, test, uniqueName } from '../fixtures';

test('the load balancer redirects round-robin to the same path and query', async ({ request, cloud }) => {
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const response = await request.get(`${cloud.lbUrl}/menu?tab=files&x=${i}`, { maxRedirects: 0 });
    expect(response.status()).toBe(302);
    const location = new URL(response.headers()['location']!);
    expect(location.pathname + location.search).toBe(`/menu?tab=files&x=${i}`);
    expect(location.hostname).toBe('127.0.0.1');
    seen.add(location.port);
  }
  expect([...seen].sort()).toEqual([cloud.frontendUrl(1), cloud.frontendUrl(2)].map((u) => new URL(u).port).sort());
});

test('kill -9 the frontend serving the browser: through the load balancer again, still logged in', async ({ page, request, cloud }) => {
  // An administrator: only they see, in the footer, which frontend serves the page.
  const username = uniqueName('kim');
  await seedAdmin(cloud, request, username, 'kim password');
  await logInThroughUi(page, username, 'kim password');
  const serving = frontendOf(cloud, page);

  await cloud.kill9(`web${serving}`);
  await cloud.waitFrontendDead(serving);

  await page.goto('/menu');
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  const now = frontendOf(cloud, page);
  expect(now).not.toBe(serving);
  await expect(page.getByText(`frontend ${now}`)).toBeVisible();
});

test('with no frontend alive, the load balancer answers a 503 page', async ({ page, request, cloud }) => {
  await Promise.all([cloud.kill9('web1'), cloud.kill9('web2')]);
  await cloud.waitFrontendDead(1);
  await cloud.waitFrontendDead(2);
  const response = await request.get(`${cloud.lbUrl}/menu`, { maxRedirects: 0 });
  expect(response.status()).toBe(503);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'PennCloud is unavailable' })).toBeVisible();
  await expect(page.getByText('No PennCloud frontend is running right now')).toBeVisible();

  // A frontend that comes back is used again.
  cloud.startFrontend(2);
  await cloud.waitFrontendsAlive([2]);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  expect(frontendOf(cloud, page)).toBe(2);
});
