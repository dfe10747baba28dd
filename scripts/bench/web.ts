// `npm run bench:web`: one frontend of a real cluster (coordinator, 3 groups × 3 storage nodes,
// the load balancer), 64 keep-alive connections, BENCH_SECONDS (default 10) per phase:
// requests/s and p50/p99 for an authenticated JSON read (GET /api/me: unseal the cookie, check
// the session version in the store) and for the login page (GET /, server-rendered), then the
// frontend's resident memory. Any answer other than 200 counts as an error.
import http from 'node:http';
import { formatLoad, runLoad } from './load.ts';
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

benchOneFrontend('bench-user', connections, async ({ origin, cookie, pid, agent }) => {
  const idle = rssMiB(pid);

  // A short warm-up, so the first phase does not measure Next loading its route bundles.
  await runLoad(8, 1, () => Promise.all([get(agent, `${origin}/api/me`, cookie), get(agent, `${origin}/`)]));
  const me = await runLoad(connections, seconds, () => get(agent, `${origin}/api/me`, cookie));
  const login = await runLoad(connections, seconds, () => get(agent, `${origin}/`));
  const after = rssMiB(pid);

  console.log(`bench:web — one frontend, ${connections} connections, ${seconds} s per phase`);
  console.log(formatLoad('GET /api/me (logged in)', me));
  console.log(formatLoad('GET / (login page)', login));
  console.log(`frontend resident memory: ${after.toFixed(0)} MiB after the run (${idle.toFixed(0)} MiB idle before it)`);
});
