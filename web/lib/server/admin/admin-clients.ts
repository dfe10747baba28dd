// The gRPC clients the admin console needs besides the store's ClusterClient: the coordinator
// (cluster status), the load balancer (frontend status), the mail daemon (its status) and one
// client per storage node (halt, revive, status, raw rows). One set per process, on globalThis
// like context.ts, created when the first admin request comes.
//
// Deadlines are short: the console asks every 2 s, and a part that does not answer within one
// second is shown as down rather than holding the whole answer up.
import { allNodes, type NodeRef } from '../../../../cluster/common/config.ts';
import { PennError } from '../../../../cluster/common/errors.ts';
import { CoordinatorClient } from '../../../../cluster/coordinator/client.ts';
import { NodeClient } from '../../../../cluster/kvs/client.ts';
import { LbClient } from '../../../../cluster/lb/client.ts';
import { MailClient, mailAddress } from '../../../../cluster/smtp/client.ts';
import { serverContext } from '../context';


export interface AdminClients {
  coordinator: CoordinatorClient;
  lb: LbClient;
  mail: MailClient;
  mailAddress: string;
  nodes: NodeRef[];
  /** A node's client for status calls (short deadline). */
  nodeStatus(id: string): NodeClient;
  /** A node's client for halt, revive and data (longer deadlines). */
  nodeAction(id: string): NodeClient;
  nodeData(id: string): NodeClient;
}

const key = Symbol.for('penncloud.web.admin-clients');

export function adminClients(): AdminClients {
  const holder = globalThis as { [key]?: AdminClients };
  holder[key] ??= createClients();
  return holder[key];
}

/** The node with this id from the config, or a 404 for an id the cluster does not have. */
export function knownNode(id: string): NodeRef {
  const node = adminClients().nodes.find((n) => n.id === id);
  if (!node) throw new PennError('not_found', `There is no storage node "${id}".`);
  return node;
}

function createClients(): AdminClients {
  const { config } = serverContext();
  const nodes = allNodes(config);
  const pools = new Map<string, NodeClient>();
  const pooled = (kind: string, deadlineMs: number) => (id: string) => {
    const address = knownNode(id).address;
    let client = pools.get(`${kind}:${id}`);
    if (!client) {
      // Halt, Revive and the raw-data browser are administrators' actions: the admin certificate.
      client = new NodeClient(config, address, deadlineMs, { identity: 'admin' });
      pools.set(`${kind}:${id}`, client);
    }
    return client;
  };
  return {
    coordinator: new CoordinatorClient(config, config.timeouts.adminStatusMs),
    lb: new LbClient(config, config.timeouts.adminStatusMs),
    mail: new MailClient(config, config.timeouts.adminStatusMs),
    mailAddress: mailAddress(config),
    nodes,
    nodeStatus: pooled('status', config.timeouts.adminStatusMs),
    nodeAction: pooled('action', config.timeouts.adminNodeActionMs),
    nodeData: pooled('data', config.timeouts.adminDataMs),
  };
}
