// What GET /api/me answers, built in one place for the route and for the pages' prefetch.
import type { Me } from '../queries/me';
import { serverContext } from './context';
import type { CurrentUser } from './session';

export function describeMe(user: CurrentUser): Me {
  return {
    username: user.username,
    admin: user.admin,
    frontend: serverContext().config.web.frontend,
    storageNode: { id: user.node.nodeId, group: user.node.group },
  };
}
