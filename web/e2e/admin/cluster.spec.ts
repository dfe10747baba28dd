// Fault tolerance seen from the console: halt the primary of a group from the page, watch the
// group pick another primary, write to that group as a user (it works), revive the node and
// watch it recover and catch up to the same key count as its peers. Real processes throughout.
// And the Processes table: what `npm start`'s supervisor says it restarted, or that there is none.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exited, newRecord, processTable, processTablePath, restarted, started, type ProcessRecord } from '../../../cluster/common/supervision.ts';
import { expect, logInThroughUi, test, uniqueName } from '../fixtures';
import { auditLines, nodeCard, nodeFigure, nodeState, openConsole, seedAdmin } from './admin-helpers';

const group = 1; // rows "j"–"r": a user named k… lives here

test('halt the primary, see a new one, write to its group, revive it and see it catch up', async ({ page, browser, request, cloud }) => {
  test.setTimeout(120_000);
  const admin = uniqueName('adm');
  await seedAdmin(cloud, request, admin, 'admin password');
  await logInThroughUi(page, admin, 'admin password');
  await openConsole(page);

  const groupBox = page.getByRole('region', { name: `Group ${group}` });
  const primaryLabel = groupBox.locator('.pc-admin-primary');
  const oldPrimary = await cloud.cluster.primaryOf(group);
  await expect(primaryLabel).toHaveText(`Primary ${oldPrimary}`);
  const peers = cloud.cluster.nodes.filter((n) => n.group === group && n.id !== oldPrimary).map((n) => n.id);
  const keysBefore = await nodeFigure(page, oldPrimary, 'Keys');

  await nodeCard(page, oldPrimary).getByRole('button', { name: 'Halt' }).click();
  const confirm = page.getByRole('dialog', { name: `Halt ${oldPrimary}?` });
  await expect(confirm).toContainText(`${oldPrimary} is the primary of group ${group}`);
  await confirm.getByRole('button', { name: `Halt ${oldPrimary}` }).click();
  await expect(nodeState(page, oldPrimary)).toHaveText('halted');
  expect((await cloud.cluster.node(oldPrimary).status()).state).toBe('halted');

  // The coordinator elects one of the in-sync backups once the old primary's lease has run out.
  await expect(primaryLabel).toHaveText(new RegExp(`^Primary (${peers.join('|')})$`), { timeout: 20_000 });
  const newPrimary = ((await primaryLabel.textContent()) ?? '').replace('Primary ', '');
  await expect(nodeCard(page, newPrimary).getByText('primary', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Recent changes' })).toContainText(`${newPrimary} became primary of group ${group}`);

  // A user whose rows live in that group signs up: a write to the group, and it succeeds.
  const user = uniqueName('kim');
  const visitor = await browser.newContext({ baseURL: cloud.lbUrl });
  const signup = await visitor.newPage();
  await signup.goto('/signup');
  await signup.getByLabel('Username').fill(user);
  await signup.getByLabel('Password').fill('kim password');
  await signup.getByRole('button', { name: 'Sign up' }).click();
  await expect(signup.getByRole('heading', { name: `Welcome, ${user}` })).toBeVisible();
  await visitor.close();
  expect(await cloud.cluster.client.get(`${user}#account`, 'password')).toBeDefined();

  await nodeCard(page, oldPrimary).getByRole('button', { name: 'Revive' }).click();
  await page.getByRole('dialog', { name: `Revive ${oldPrimary}?` }).getByRole('button', { name: `Revive ${oldPrimary}` }).click();
  await expect(nodeState(page, oldPrimary)).toHaveText('recovering');
  await expect(nodeState(page, oldPrimary)).toHaveText('up', { timeout: 30_000 });
  await expect(page.getByRole('region', { name: 'Recent changes' })).toContainText(`${oldPrimary} is up`);

  // Caught up: the same key count as its peers, including the account written while it was halted.
  await expect
    .poll(async () => Promise.all([oldPrimary, ...peers].map((id) => nodeFigure(page, id, 'Keys'))), { timeout: 15_000 })
    .toEqual(Array(3).fill(keysBefore + 2));
  await expect(nodeCard(page, oldPrimary).getByText('backup', { exact: true })).toBeVisible();

  // Both actions are in the frontends' logs, with who did them.
  await expect
    .poll(async () => (await auditLines(cloud)).filter((l) => l.admin === admin && l.node === oldPrimary).map((l) => `${l.action} ${l.outcome}`))
    .toEqual(['halt ok', 'revive ok']);
});

test('the Processes table: none without npm start, then each process with its restarts and last exit', async ({ page, request, cloud }) => {
  const admin = uniqueName('adm');
  await seedAdmin(cloud, request, admin, 'admin password');
  await logInThroughUi(page, admin, 'admin password');
  await openConsole(page);
  // This cluster was started by the tests, not by npm start.
  const section = page.getByRole('region', { name: 'Processes' });
  await expect(section).toContainText('These processes were not started by npm start');

  // What npm start's supervisor writes, before and after web1 is killed -9 and started again
  // (this test process stands in for the supervisor, so it counts as running).
  const table = processTablePath(cloud.config.dataDir);
  const now = Date.now();
  const supervisor = { pid: process.pid, startedAt: new Date(now - 90_000).toISOString() };
  const c0 = started(newRecord('c0'), 4000, now - 90_000);
  const web1 = started(newRecord('web1'), 4001, now - 90_000);
  const write = (records: ProcessRecord[]) => writeFile(`${table}.tmp`, JSON.stringify(processTable(supervisor, records, Date.now()))).then(() => rename(`${table}.tmp`, table));
  await mkdir(path.dirname(table), { recursive: true });
  try {
    await write([c0, web1]);
    await expect(section).toContainText(`Started by npm start (pid ${process.pid})`);
    const row = section.getByRole('row', { name: 'Process web1' });
    await expect(row.getByRole('cell')).toHaveText(['web1', 'running', '4001', /min$/, '0', '—']);

    const killed = exited(web1, { code: null, signal: 'SIGKILL' }, now - 30_000, false).record;
    await write([c0, restarted(killed, 4002, now - 29_500)]);
    await expect(row.getByRole('cell')).toHaveText(['web1', 'running', '4002', /^\d+ s$/, '1', /^signal SIGKILL, \d+ s ago$/]);
    await expect(section.getByRole('row', { name: 'Process c0' }).getByRole('cell')).toHaveText(['c0', 'running', '4000', /min$/, '0', '—']);
    await expect(page.getByRole('region', { name: 'Recent changes' })).toContainText('web1 was restarted after signal SIGKILL');
  } finally {
    await rm(table, { force: true });
  }
});
