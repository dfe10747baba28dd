// What a frontend process holds once: the config, a logger, the one ClusterClient through which
// every route reaches the store, and the password hasher. Kept on globalThis
// because Next may load this module once per route bundle; there is still one of each per process.
import { loadConfig, type Config } from '../../../cluster/common/config.ts';
import { createLogger, type Logger } from '../../../cluster/common/log.ts';
import { ClusterClient, type Assignment } from '../../../cluster/kvs/cluster-client.ts';
import { PasswordHasher } from '../../../cluster/model/accounts/password-hash.ts';
import { SessionCheckCache, sessionCheckMaxAgeMs } from './session-check';
import { loadSessionSecret } from './session-secret';

export interface ServerContext {
  config: Readonly<Config>;
  log: Logger;
  cluster: ClusterClient;
  /** The same client with `timeouts.transferOperationMs`, for a drive transfer once it is under way. */
  transfers: ClusterClient;
  hasher: PasswordHasher;
  sessionSecret: string;
  /** When a storage node last failed a session's request, by node id (session.ts). */
  failedNodes: Map<string, number>;
  /** Recently unsealed session cookies (session.ts). */
  unsealedSessions: Map<string, unknown>;
  /** Recent session checks per user, at most sessionCheckMaxAgeMs old (session.ts). */
  sessionChecks: SessionCheckCache<Assignment>;
}


const key = Symbol.for('penncloud.web.context');

export function serverContext(): ServerContext {
  const holder = globalThis as { [key]?: ServerContext };
  holder[key] ??= createContext();
  return holder[key];
}

function createContext(): ServerContext {
  const config = loadConfig();
  const web = config.web;
  const log = createLogger({ component: 'web', frontend: web.frontend }, { level: config.logLevel });
  // A person waits on every request: each store operation rides out a failover (~1 s) and then
  // gives up, so the route answers 503 "try again" promptly instead of hanging. A drive
  // transfer's first operation is one of these too; once its bytes flow, each chunk (and each
  // write of its records) is its own operation with the longer transfer deadline.
  const cluster = new ClusterClient(config, { operationDeadlineMs: config.timeouts.interactiveOperationMs });
  return {
    config,
    log,
    cluster,
    transfers: cluster.withOperationDeadline(config.timeouts.transferOperationMs),
    hasher: new PasswordHasher({ costLog2: web.scryptCostLog2, concurrencyMax: web.scryptConcurrencyMax, queueMax: web.scryptQueueMax }),
    sessionSecret: loadSessionSecret(config),
    failedNodes: new Map(),
    unsealedSessions: new Map(),
    sessionChecks: new SessionCheckCache({ maxAgeMs: sessionCheckMaxAgeMs, entriesMax: 10_000 }),
  };
}
