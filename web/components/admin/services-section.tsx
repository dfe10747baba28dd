'use client';
// The processes around the store: the frontends (up or down by the load balancer's
// heartbeats), the mail daemon (with its outbound queue), the coordinator and the balancer.
import { Grid, Label, List, Segment, Table, type SemanticICONS } from 'semantic-ui-react';
import type { ClusterView, ServiceState } from '../../lib/queries/admin';
import { AdminTable, type AdminColumn } from './admin-table';
import { formatAgo, formatBytes, formatCount, stateColor } from './format';
import { SectionHeader } from './section-header';

const frontendColumns: AdminColumn[] = [
  { title: 'Frontend' },
  { title: 'State' },
  { title: 'Address' },
  { title: 'Heartbeat' },
  { title: 'Memory', align: 'right' },
  { title: 'Redirects', align: 'right' },
];

export function ServicesSection({ view }: { view: ClusterView }) {
  return (
    <Grid stackable columns={2}>
      <Grid.Column width={10}>
        <Segment as="section" aria-label="Frontends">
          <SectionHeader icon="server" title="Frontends" subheader="From the load balancer's heartbeats" />
          <AdminTable columns={frontendColumns}>
            {view.frontends.map((f) => (
              <Table.Row key={f.frontend} aria-label={`Frontend ${f.frontend}`}>
                <Table.Cell>
                  {f.frontend}
                  {f.self && (
                    <Label size="mini" basic className="pc-admin-this">
                      this page
                    </Label>
                  )}
                </Table.Cell>
                <Table.Cell>
                  <Label size="small" color={stateColor[f.state]}>
                    {f.state}
                  </Label>
                </Table.Cell>
                <Table.Cell className="pc-admin-mono">{f.address}</Table.Cell>
                <Table.Cell>{formatAgo(f.lastHeartbeatAgoMs)}</Table.Cell>
                <Table.Cell textAlign="right">{f.rssBytes ? formatBytes(f.rssBytes) : '—'}</Table.Cell>
                <Table.Cell textAlign="right">{formatCount(f.redirects)}</Table.Cell>
              </Table.Row>
            ))}
          </AdminTable>
        </Segment>
      </Grid.Column>
      <Grid.Column width={6}>
        <Segment as="section" aria-label="Services">
          <SectionHeader icon="sitemap" title="Services" />
          <List divided relaxed>
            <ServiceItem
              name="Mail daemon"
              icon="mail"
              state={view.mail.state}
              address={view.mail.address}
              about={view.mail.state === 'up' ? `Queue: ${formatCount(view.mail.queueLength ?? 0)} waiting` : 'Queue: unknown'}
            />
            <ServiceItem
              name="Coordinator group"
              icon="compass"
              state={view.coordinator.state}
              address={view.coordinator.address}
              about={view.coordinator.state === 'up' ? coordinatorMembers(view.coordinator.members) : 'No leader answers: node figures come from each node directly'}
            />
            <ServiceItem name="Load balancer" icon="random" state={view.loadBalancer.state} address={view.loadBalancer.address} />
          </List>
        </Segment>
      </Grid.Column>
    </Grid>
  );
}

/** "c1 leads (term 3) · c0 follower · c2 unreachable": who leads the group and who is with it. */
function coordinatorMembers(members: ClusterView['coordinator']['members']): string {
  const leader = members.find((m) => m.role === 'leader');
  const others = members.filter((m) => m !== leader).map((m) => `${m.id} ${m.role}`);
  return [leader ? `${leader.id} leads (term ${leader.term})` : 'no leader', ...others].join(' · ');
}

/** One service: its name, what it is doing (when there is something to say), its address and state. */
function ServiceItem({ name, icon, state, address, about }: { name: string; icon: SemanticICONS; state: ServiceState; address: string; about?: string }) {
  return (
    <List.Item aria-label={name}>
      <List.Content floated="right">
        <Label size="small" color={stateColor[state]}>
          {state}
        </Label>
      </List.Content>
      <List.Icon name={icon} size="large" verticalAlign="middle" />
      <List.Content>
        <List.Header>{name}</List.Header>
        <List.Description>
          {about && <>{about} · </>}
          <span className="pc-admin-mono">{address}</span>
        </List.Description>
      </List.Content>
    </List.Item>
  );
}
