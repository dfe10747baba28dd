// `npm run lb`: the load balancer from the shared config — HTTP(S) redirects on lb.httpPort, the
// frontends' heartbeats and the status on lb.grpcPort. SIGTERM or SIGINT stops it cleanly.
import { loadConfig, withIdentity } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { failedToStart, startOrExit, stopOnSignals } from '../common/process-main.ts';
import { startBalancer } from './io/balancer.ts';

async function main(): Promise<void> {
  const config = withIdentity(loadConfig(), 'lb');
  const log = createLogger({ component: 'lb' }, { level: config.logLevel });
  const running = await startOrExit(log, () => startBalancer(config, log));
  const scheme = config.http.tls ? 'https' : 'http';
  log.info(`load balancer on ${scheme}://${config.http.host}:${running.httpPort}, gRPC ${config.lb.grpcHost ?? config.host}:${running.grpcPort}, ${config.web.frontends} frontends`);
  stopOnSignals(log, 'load balancer', () => running.stop());
}

main().catch(failedToStart('load balancer'));
