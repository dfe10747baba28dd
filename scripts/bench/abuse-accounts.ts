// The attacks on accounts, against real processes (a cluster of 3 groups × 3 storage nodes, the
// load balancer, two frontends and the mail daemon), each printing what it achieved as FIGURE
// lines (figures.ts). The abuse tests (tests/abuse/accounts-*.test.ts) run the same attacks and
// check the answers. Clients come from addresses of their own in 127/8 (a socket bound to
// 127.0.x.y), so the per-address limits see many clients, as they would on the Internet.
//   1. signup_flood: a flood of sign-ups of a name already taken, from FLOODERS (200) clients,
//      while the real user logs in LOGINS (10) times: how many of those logins succeed.
//   2. parallel_guesses: GUESSES (100) wrong passwords for one user sent at once, over both
//      frontends, each from its own address: how many passwords were checked (401) and how
//      many refused (429).
//   3. lockout: the user logs in once from a browser; a guesser elsewhere then uses up the
//      user's allowance; can the user's browser still log in, and change the password?
//   4. mail_parallel_guesses and mail_lockout: the same two over POP3.
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { mailPorts, startMailDaemon } from '../lib/cluster.ts';
import type { Service } from '../lib/processes.ts';
import { startWebCluster, type WebCluster } from '../lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { figure } from './figures.ts';

export interface Reply {
  status: number;
  body: { error?: string; code?: string; username?: string };
  headers: http.IncomingHttpHeaders;
}

/** A client with a cookie jar, whose connections come from one local address. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly from = '127.0.0.1') {}

  post(url: string, body: unknown): Promise<Reply> {
    const target = new URL(url);
    const data = Buffer.from(JSON.stringify(body));
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = http.request(
        target,
        {
          method: 'POST',
          localAddress: this.from,
          agent: false,
          headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, Origin: target.origin, ...(cookie ? { Cookie: cookie } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const line of res.headers['set-cookie'] ?? []) {
              const [pair = '', ...attributes] = line.split(';');
              const eq = pair.indexOf('=');
              const name = pair.slice(0, eq).trim();
              const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
              if (gone || pair.slice(eq + 1) === '') this.cookies.delete(name);
              else this.cookies.set(name, pair.slice(eq + 1));
            }
            let parsed: Reply['body'] = {};
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply['body'];
            } catch {
              // Not JSON (a proxy's page, an empty answer): the status says enough.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }
}

/** The n-th of many client addresses in 127.<block>.x.y (n from 0). */
export function address(block: number, n: number): string {
  return `127.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/**
 * FLOODERS clients sign up `taken` over and over, on every frontend, while the real user logs
 * in `logins` times one after the other: the statuses of the logins and of the flood.
 */
export async function signupFlood(cloud: WebCluster, taken: string, user: { name: string; password: string }, flooders: number, logins: number) {
  let flooding = true;
  const flood: number[] = [];
  const frontends = cloud.config.web.frontends;
  const floodLoops = Array.from({ length: flooders }, async (_, i) => {
    const client = new Browser(address(10, i % 50));
    for (let n = 0; flooding; n++) {
      const via = cloud.frontendUrl(((i + n) % frontends) + 1);
      flood.push(await client.post(`${via}/api/auth/signup`, { username: taken, password: 'flood password' }).then((r) => r.status, () => 0));
    }
  });
  // Let the flood build up before the user comes.
  while (flood.length < flooders && flooding) await new Promise((r) => setTimeout(r, 20));
  const statuses: number[] = [];
  for (let i = 0; i < logins; i++) {
    const via = cloud.frontendUrl((i % frontends) + 1);
    statuses.push((await new Browser().post(`${via}/api/auth/login`, { username: user.name, password: user.password })).status);
  }
  flooding = false;
  await Promise.all(floodLoops);
  return { logins: tally(statuses), flood: tally(flood) };
}

/** `guesses` wrong passwords for username at once, alternating frontends, each from its own address. */
export async function parallelGuesses(cloud: WebCluster, username: string, guesses: number, block = 11) {
  const frontends = cloud.config.web.frontends;
  const replies = await Promise.all(
    Array.from({ length: guesses }, (_, i) =>
      new Browser(address(block, i)).post(`${cloud.frontendUrl((i % frontends) + 1)}/api/auth/login`, { username, password: `wrong guess ${i}` }),
    ),
  );
  const unexpected = new Set(replies.filter((r) => r.status !== 401 && r.status !== 429).map((r) => `${r.status} ${r.body.error}`));
  if (unexpected.size > 0) console.log(`parallel guesses, other answers: ${[...unexpected].join(' | ')}`);
  return tally(replies.map((r) => r.status));
}

/**
 * The user logs in from `browser`; then a guesser tries `guesses` wrong passwords one after the
 * other from addresses of its own; then the browser logs in again and changes the password.
 */
export async function lockout(cloud: WebCluster, browser: Browser, user: { name: string; password: string }, guesses: number, block = 12) {
  const via = (n: number) => cloud.frontendUrl((n % cloud.config.web.frontends) + 1);
  const first = await browser.post(`${via(0)}/api/auth/login`, { username: user.name, password: user.password });
  const attacker: number[] = [];
  for (let i = 0; i < guesses; i++) attacker.push((await new Browser(address(block, i)).post(`${via(i)}/api/auth/login`, { username: user.name, password: `guess ${i}` })).status);
  const again = await browser.post(`${via(1)}/api/auth/login`, { username: user.name, password: user.password });
  const next = `${user.password} changed`;
  const change = await browser.post(`${via(0)}/api/auth/password`, { current: user.password, next });
  return { first: first.status, attacker: tally(attacker), login: again.status, change: change.status, newPassword: change.status === 200 ? next : user.password };
}

// ---- POP3 ----

/** Opens a POP3 connection from `from`, sends USER and PASS, and answers the reply to PASS. */
export function pop3Login(port: number, from: string, user: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`USER ${user}\r\nPASS ${password}\r\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
      // Greeting, the reply to USER, the reply to PASS.
      const lines = text.split('\r\n');
      if (lines.length > 3) {
        socket.end('QUIT\r\n');
        resolve(lines[2]!);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\r\n')[2] ?? `closed: ${text}`));
  });
}

function pop3Kind(reply: string): string {
  if (reply.startsWith('+OK')) return 'ok';
  if (/too many/i.test(reply)) return 'limited';
  if (reply.startsWith('-ERR [AUTH]')) return 'wrong';
  return 'other';
}

export async function mailParallelGuesses(port: number, user: string, guesses: number, block = 13) {
  const replies = await Promise.all(Array.from({ length: guesses }, (_, i) => pop3Login(port, address(block, i), user, `wrong guess ${i}`)));
  const counts: Record<string, number> = {};
  for (const r of replies) counts[pop3Kind(r)] = (counts[pop3Kind(r)] ?? 0) + 1;
  return counts;
}

/** The user's client logs in from `from`; a guesser elsewhere tries `guesses` times; the client logs in again. */
export async function mailLockout(port: number, user: { name: string; password: string }, guesses: number, from = '127.0.0.1', block = 14) {
  const first = pop3Kind(await pop3Login(port, from, user.name, user.password));
  const attacker: Record<string, number> = {};
  for (let i = 0; i < guesses; i++) {
    const kind = pop3Kind(await pop3Login(port, address(block, i), user.name, `guess ${i}`));
    attacker[kind] = (attacker[kind] ?? 0) + 1;
  }
  const again = pop3Kind(await pop3Login(port, from, user.name, user.password));
  return { first, attacker, again };
}

// ---- The bench ----

async function signUp(cloud: WebCluster, name: string, password: string): Promise<void> {
  const r = await new Browser().post(`${cloud.frontendUrl(1)}/api/auth/signup`, { username: name, password });
  if (r.status !== 201) throw new Error(`sign-up of ${name}: ${r.status} ${JSON.stringify(r.body)}`);
}

async function bench(): Promise<void> {
  const flooders = Number(process.env.FLOODERS ?? 200);
  const logins = Number(process.env.LOGINS ?? 10);
  const guesses = Number(process.env.GUESSES ?? 100);
  await ensureWebBuild();
  const ports = await mailPorts();
  // Sign-ups from 127.0.0.1 are this bench's own seeding: a limit generous enough for them.
  const cloud = await startWebCluster({ groups: 3, replicas: 3, frontends: 2, config: { mail: { ...ports } }, web: { signupsPerAddressMax: 1000 } });
  let daemon: Service | undefined;
  try {
    daemon = await startMailDaemon(cloud.cluster);
    const alice = { name: 'alice', password: 'alice password' };
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) await signUp(cloud, name, `${name} password`);

    const flood = await signupFlood(cloud, 'bob', alice, flooders, logins);
    console.log(`sign-up flood: logins ${JSON.stringify(flood.logins)}, flood answers ${JSON.stringify(flood.flood)}`);
    figure('abuse_accounts', 'signup_flood_logins_ok', flood.logins[200] ?? 0, `of ${logins}`);
    figure('abuse_accounts', 'signup_flood_logins_503', flood.logins[503] ?? 0, `of ${logins}`);

    const parallel = await parallelGuesses(cloud, 'carol', guesses);
    console.log(`parallel guesses: ${JSON.stringify(parallel)}`);
    figure('abuse_accounts', 'parallel_guesses_checked', parallel[401] ?? 0, `of ${guesses}`);
    figure('abuse_accounts', 'parallel_guesses_refused', parallel[429] ?? 0, `of ${guesses}`);

    const locked = await lockout(cloud, new Browser(), { name: 'dave', password: 'dave password' }, 10);
    console.log(`lockout: ${JSON.stringify(locked)}`);
    figure('abuse_accounts', 'lockout_user_login_status', locked.login, 'http');
    figure('abuse_accounts', 'lockout_user_password_change_status', locked.change, 'http');

    const mailParallel = await mailParallelGuesses(ports.pop3Port, 'erin', guesses);
    console.log(`POP3 parallel guesses: ${JSON.stringify(mailParallel)}`);
    figure('abuse_accounts', 'mail_parallel_guesses_checked', mailParallel.wrong ?? 0, `of ${guesses}`);
    const mailLocked = await mailLockout(ports.pop3Port, { name: 'alice', password: 'alice password' }, 10);
    console.log(`POP3 lockout: ${JSON.stringify(mailLocked)}`);
    figure('abuse_accounts', 'mail_lockout_user_login_ok', mailLocked.again === 'ok' ? 1 : 0, 'bool');
  } finally {
    await daemon?.kill9();
    await cloud.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  bench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
