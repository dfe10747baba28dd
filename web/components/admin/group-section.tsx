'use client';
// One KVS group: its rows, epoch, primary and in-sync count, and a card per node.
import { Card, Header, Icon, Label, Segment } from 'semantic-ui-react';
import type { AdminGroup } from '../../lib/queries/admin';
import { describeRows } from './format';
import { NodeCard, type NodeAction } from './node-card';

interface Props {
  group: AdminGroup;
  busy: ReadonlyMap<string, NodeAction>;
  errors: ReadonlyMap<string, string>;
  onAction(node: string, action: NodeAction): void;
}

export function GroupSection({ group, busy, errors, onAction }: Props) {
  const inSyncUp = group.nodes.filter((n) => n.inSync && n.state === 'up').length;
  return (
    <Segment as="section" aria-label={`Group ${group.group}`} className="pc-admin-group">
      <div className="pc-admin-group-head">
        <Header as="h3">
          <Icon name="database" color="teal" />
          <Header.Content>
            Group {group.group}
            <Header.Subheader>{describeRows(group.rows)}</Header.Subheader>
          </Header.Content>
        </Header>
        <Label.Group size="small">
          <Label basic>
            epoch <Label.Detail>{group.epoch}</Label.Detail>
          </Label>
          {group.primary ? (
            <Label color="blue" className="pc-admin-primary">
              Primary {group.primary}
            </Label>
          ) : (
            <Label color="red" className="pc-admin-primary">
              No primary: unavailable
            </Label>
          )}
          <Label basic color={inSyncUp === group.nodes.length ? 'green' : 'yellow'}>
            in sync <Label.Detail>{`${inSyncUp} of ${group.nodes.length}`}</Label.Detail>
          </Label>
        </Label.Group>
      </div>
      <Card.Group itemsPerRow={3} stackable>
        {group.nodes.map((node) => (
          <NodeCard key={node.id} node={node} group={group} busy={busy.get(node.id)} error={errors.get(node.id)} onAction={onAction} />
        ))}
      </Card.Group>
    </Segment>
  );
}
