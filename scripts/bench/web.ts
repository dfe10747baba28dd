// `npm run bench:web`: one frontend of a real cluster (coordinator, 3 groups × 3 storage nodes,
// the load balancer), 64 keep-alive connections, BENCH_SECONDS (default 10) per phase:
// requests/s and p50/p99 for
// - GET /api/health: constant JSON, no session, no store — the framework's ceiling here;
// - GET /api/me, logged in: unseal the cookie, check the session version (the store's answer,
//   at most one second old: lib/server/session-check.ts);
// - GET /, no cookie: the login page (prerendered);
// then the frontend's resident memory after the run, and the frontend's CPU time per request of
// each phase (a steadier figure than requests/s on a machine shared with other work). Any answer
// other than 200 counts as an error.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { figure, loadFigures } from './figures.ts';
import { formatLoad, runLoad, type LoadResult } from './load.ts';
import { benchOneFrontend, rssMiB } from './one-frontend.ts';

const connections = 64;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

function get(agent: http.Agent, url: string, cookie?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

/** A process's CPU time (user + system) so far, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

benchOneFrontend('bench-user', connections, async ({ origin, cookie, pid, agent }) => {
  const idle = rssMiB(pid);
  const phase = async (url: string, withCookie?: string): Promise<LoadResult & { cpuUs: number }> => {
    const cpuBefore = cpuMs(pid);
    const r = await runLoad(connections, seconds, () => get(agent, url, withCookie));
    return { ...r, cpuUs: ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, r.ops) };
  };

  // A warm-up as long as a phase, so the first phase (the ceiling) does not measure Next loading
  // its route bundles, nor V8 compiling the hot paths: with 3 s it still cost 1.7 ms/request
  // against 0.9 ms warm, on a loaded machine.
  await runLoad(connections, seconds, () =>
    Promise.all([get(agent, `${origin}/api/health`), get(agent, `${origin}/api/me`, cookie), get(agent, `${origin}/`)]),
  );
  const health = await phase(`${origin}/api/health`);
  const me = await phase(`${origin}/api/me`, cookie);
  const login = await phase(`${origin}/`);
  const after = rssMiB(pid);

  const cpu = (r: { cpuUs: number }) => `  frontend CPU ${(r.cpuUs / 1000).toFixed(2)} ms/request`;
  console.log(`bench:web — one frontend, ${connections} connections, ${seconds} s per phase`);
  console.log(formatLoad('GET /api/health (ceiling)', health, cpu(health)));
  console.log(formatLoad('GET /api/me (logged in)', me, cpu(me)));
  console.log(formatLoad('GET / (login page)', login, cpu(login)));
  console.log(`GET /api/me at ${((100 * me.opsPerSecond) / health.opsPerSecond).toFixed(0)} % of the ceiling`);
  console.log(`frontend resident memory: ${after.toFixed(0)} MiB after the run (${idle.toFixed(0)} MiB idle before it)`);
  loadFigures('web', 'health', health);
  loadFigures('web', 'me', me);
  loadFigures('web', 'login_page', login);
  figure('web', 'me_of_ceiling', (100 * me.opsPerSecond) / health.opsPerSecond, '%');
  figure('web', 'health_cpu', health.cpuUs / 1000, 'ms/req');
  figure('web', 'me_cpu', me.cpuUs / 1000, 'ms/req');
  figure('web', 'login_page_cpu', login.cpuUs / 1000, 'ms/req');
  figure('web', 'frontend_rss_after', after, 'MiB');
});
