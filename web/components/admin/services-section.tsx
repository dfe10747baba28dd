'use client';
// The processes around the store: the frontends (up or down by the load balancer's
// heartbeats), the mail daemon (with its outbound queue), the coordinator and the balancer.
import { Grid, Header, Icon, Label, List, Segment, Table } from 'semantic-ui-react';
import type { ClusterView } from '../../lib/queries/admin';
import { formatAgo, formatBytes, formatCount, stateColor } from './format';

export function ServicesSection({ view }: { view: ClusterView }) {
  return (
    <Grid stackable columns={2}>
      <Grid.Column width={10}>
        <Segment as="section" aria-label="Frontends">
          <Header as="h3">
            <Icon name="server" color="teal" />
            <Header.Content>
              Frontends
              <Header.Subheader>From the load balancer&apos;s heartbeats</Header.Subheader>
            </Header.Content>
          </Header>
          <div className="pc-admin-scroll">
            <Table unstackable compact basic="very" size="small">
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell>Frontend</Table.HeaderCell>
                  <Table.HeaderCell>State</Table.HeaderCell>
                  <Table.HeaderCell>Address</Table.HeaderCell>
                  <Table.HeaderCell>Heartbeat</Table.HeaderCell>
                  <Table.HeaderCell textAlign="right">Memory</Table.HeaderCell>
                  <Table.HeaderCell textAlign="right">Redirects</Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
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
              </Table.Body>
            </Table>
          </div>
        </Segment>
      </Grid.Column>
      <Grid.Column width={6}>
        <Segment as="section" aria-label="Services">
          <Header as="h3">
            <Icon name="sitemap" color="teal" />
            <Header.Content>Services</Header.Content>
          </Header>
          <List divided relaxed>
            <List.Item aria-label="Mail daemon">
              <List.Content floated="right">
                <Label size="small" color={stateColor[view.mail.state]}>
                  {view.mail.state}
                </Label>
              </List.Content>
              <List.Icon name="mail" size="large" verticalAlign="middle" />
              <List.Content>
                <List.Header>Mail daemon</List.Header>
                <List.Description>
                  {view.mail.state === 'up' ? `Queue: ${formatCount(view.mail.queueLength ?? 0)} waiting` : 'Queue: unknown'} ·{' '}
                  <span className="pc-admin-mono">{view.mail.address}</span>
                </List.Description>
              </List.Content>
            </List.Item>
            <List.Item aria-label="Coordinator">
              <List.Content floated="right">
                <Label size="small" color={stateColor[view.coordinator.state]}>
                  {view.coordinator.state}
                </Label>
              </List.Content>
              <List.Icon name="compass" size="large" verticalAlign="middle" />
              <List.Content>
                <List.Header>Coordinator</List.Header>
                <List.Description>
                  {view.coordinator.state === 'up' ? 'Membership and primaries' : 'Node figures come from each node directly'} ·{' '}
                  <span className="pc-admin-mono">{view.coordinator.address}</span>
                </List.Description>
              </List.Content>
            </List.Item>
            <List.Item aria-label="Load balancer">
              <List.Content floated="right">
                <Label size="small" color={stateColor[view.loadBalancer.state]}>
                  {view.loadBalancer.state}
                </Label>
              </List.Content>
              <List.Icon name="random" size="large" verticalAlign="middle" />
              <List.Content>
                <List.Header>Load balancer</List.Header>
                <List.Description className="pc-admin-mono">{view.loadBalancer.address}</List.Description>
              </List.Content>
            </List.Item>
          </List>
        </Segment>
      </Grid.Column>
    </Grid>
  );
}
