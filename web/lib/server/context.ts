// What a frontend process holds once: the config, a logger, the one ClusterClient through which
// every route reaches the store, and the password hasher. Kept on globalThis
// because Next may load this module once per route bundle; there is still one of each per process.
import { loadConfig, type Config } from '../../../cluster/common/config.ts';
import { createLogger, type Logger } from '../../../cluster/common/log.ts';
import { ClusterClient } from '../../../cluster/kvs/cluster-client.ts';
import { PasswordHasher } from '../../../cluster/common/accounts/password-hash.ts';
import { loadSessionSecret } from './session-secret';

export interface ServerContext {
  config: Readonly<Config>;
  log: Logger;
  cluster: ClusterClient;
  hasher: PasswordHasher;
  sessionSecret: string;
  /** When a storage node last failed a session's request, by node id (session.ts). */
  failedNodes: Map<string, number>;
  /** Recently unsealed session cookies (session.ts). */
  unsealedSessions: Map<string, unknown>;
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
  return {
    config,
    log,
    cluster: new ClusterClient(config, { retryDeadlineMs: 10_000 }),
    hasher: new PasswordHasher({ costLog2: web.scryptCostLog2, concurrencyMax: web.scryptConcurrencyMax, queueMax: web.scryptQueueMax }),
    sessionSecret: loadSessionSecret(config),
    failedNodes: new Map(),
    unsealedSessions: new Map(),
  };
}
