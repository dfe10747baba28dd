// `npm run lb`: the load balancer from the shared config — HTTP(S) redirects on lb.httpPort, the
// frontends' heartbeats and the status on lb.grpcPort. SIGTERM or SIGINT stops it cleanly.
import { loadConfig, withIdentity } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { startBalancer } from './io/balancer.ts';

async function main(): Promise<void> {
  const config = withIdentity(loadConfig(), 'lb');
  const log = createLogger({ component: 'lb' }, { level: config.logLevel });
  let balancer;
  try {
    balancer = await startBalancer(config, log);
  } catch (err) {
    log.error(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const running = balancer;
  const scheme = config.http.tls ? 'https' : 'http';
  log.info(`load balancer on ${scheme}://${config.http.host}:${running.httpPort}, gRPC ${config.lb.grpcHost ?? config.host}:${running.grpcPort}, ${config.web.frontends} frontends`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`load balancer stopping on ${signal}`);
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`load balancer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
