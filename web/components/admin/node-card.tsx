'use client';
// One storage node: its state and role, its figures, and Halt / Revive behind a confirm that
// says what the action does to the node's group.
import { useState } from 'react';
import { Button, Card, Confirm, Icon, Label, Message } from 'semantic-ui-react';
import type { AdminGroup, AdminNode } from '../../lib/queries/admin';
import { formatBytes, formatCount, roleText, stateColor } from './format';

export type NodeAction = 'halt' | 'revive';

interface Props {
  node: AdminNode;
  group: AdminGroup;
  /** The action on this node in flight, if any. */
  busy?: NodeAction;
  error?: string;
  onAction(node: string, action: NodeAction): void;
}

/** What the confirm tells an admin before the action. */
export function consequence(node: AdminNode, group: AdminGroup, action: NodeAction): string {
  const g = group.group;
  if (action === 'revive') return `${node.id} recovers from its disk, catches up with the primary of group ${g} and rejoins its in-sync set.`;
  const others = group.nodes.filter((n) => n.id !== node.id && n.inSync && n.state === 'up').map((n) => n.id);
  const alone = `Group ${g} becomes unavailable until ${node.id} or another in-sync node returns.`;
  if (node.id === group.primary) {
    return others.length > 0
      ? `${node.id} is the primary of group ${g}. The group's requests wait until the coordinator elects a new primary from ${others.join(' or ')}, within a few seconds.`
      : `${node.id} is the primary and the only live in-sync node of group ${g}. ${alone}`;
  }
  if (node.inSync) {
    return others.length > 0 ? `${node.id} leaves the in-sync set of group ${g}; ${others.join(' and ')} go on serving.` : alone;
  }
  return `${node.id} stops; group ${g} does not count on it right now.`;
}

function Figure({ name, value }: { name: string; value: string }) {
  return (
    <div className="pc-admin-fig">
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function NodeCard({ node, group, busy, error, onAction }: Props) {
  const [asking, setAsking] = useState<NodeAction | null>(null);
  const serving = node.state === 'up' || node.state === 'recovering';
  // Figures come from the node's heartbeat; a node that has not reported since it stopped
  // (epoch 0: no group config yet) has none worth showing.
  const reporting = serving && node.epoch > 0;
  const canHalt = !busy && (node.state === 'up' || node.state === 'recovering');
  const canRevive = !busy && node.state === 'halted';
  const confirm = () => {
    if (asking) onAction(node.id, asking);
    setAsking(null);
  };
  return (
    <Card as="section" aria-label={`Node ${node.id}`} color={stateColor[node.state]} fluid>
      <Card.Content>
        <div className="pc-admin-node-head">
          <div>
            <Card.Header className="pc-admin-node-id">{node.id}</Card.Header>
            <Card.Meta className="pc-admin-mono">{node.address}</Card.Meta>
          </div>
          <Label.Group size="small" className="pc-admin-node-labels">
            {node.role === 'primary' ? (
              <Label color="blue">
                <Icon name="star" /> primary
              </Label>
            ) : (
              serving && (
                <Label basic color={node.role === 'out-of-sync' ? 'yellow' : undefined}>
                  {roleText[node.role]}
                </Label>
              )
            )}
            <Label color={stateColor[node.state]} className="pc-admin-state">
              {node.state}
            </Label>
          </Label.Group>
        </div>
        {/* A halted or silent node holds nothing in memory and reports nothing: no figures. */}
        <dl className={reporting ? 'pc-admin-figs' : 'pc-admin-figs pc-admin-figs-off'}>
          <Figure name="Log position" value={reporting ? formatCount(node.logPosition) : '—'} />
          <Figure name="Checkpoint" value={reporting ? `v${formatCount(node.checkpointVersion)}` : '—'} />
          <Figure name="Keys" value={reporting ? formatCount(node.keyCount) : '—'} />
          <Figure name="Memory" value={reporting ? formatBytes(node.memoryBytes) : '—'} />
          <Figure name="Epoch" value={reporting ? formatCount(node.epoch) : '—'} />
        </dl>
        {error && <Message negative size="tiny" role="alert" content={error} />}
      </Card.Content>
      <Card.Content extra>
        <div className="ui two buttons">
          <Button basic color="red" icon="pause" content="Halt" disabled={!canHalt} loading={busy === 'halt'} onClick={() => setAsking('halt')} />
          <Button basic color="green" icon="play" content="Revive" disabled={!canRevive} loading={busy === 'revive'} onClick={() => setAsking('revive')} />
        </div>
      </Card.Content>
      <Confirm
        open={asking !== null}
        size="tiny"
        role="dialog"
        aria-label={asking ? `${asking === 'halt' ? 'Halt' : 'Revive'} ${node.id}?` : undefined}
        header={asking === 'halt' ? `Halt ${node.id}?` : `Revive ${node.id}?`}
        content={asking ? consequence(node, group, asking) : ''}
        cancelButton="Cancel"
        confirmButton={asking === 'halt' ? { content: `Halt ${node.id}`, negative: true } : { content: `Revive ${node.id}`, positive: true }}
        onCancel={() => setAsking(null)}
        onConfirm={confirm}
      />
    </Card>
  );
}
