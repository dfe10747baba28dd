'use client';
// The admin console: a live view of the cluster (refreshed every 2 s by React Query, never by
// reloading), Halt and Revive on every storage node, a feed of what changed while the page was
// open, and the raw-data browser. Actions go through the admin API, which logs who did them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Grid, Header, Icon, Menu, Message, Segment, Statistic } from 'semantic-ui-react';
import { ApiError } from '../../lib/api-client';
import { adminStatusQuery, haltNode, reviveNode, statusRefreshMs, type ClusterView } from '../../lib/queries/admin';
import './admin.css';
import { actionSettled, diffViews, withOverlays, type PendingAction } from './cluster-changes';
import { ChangeFeed, type FeedEntry } from './change-feed';
import { formatCount, formatTime } from './format';
import { GroupSection } from './group-section';
import type { NodeAction } from './node-card';
import { ProcessesSection } from './processes-section';
import { RawDataPanel } from './raw-data-panel';
import { ServicesSection } from './services-section';

type Tab = 'cluster' | 'data';
const feedEntriesMax = 40;

function without<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

export function AdminConsole() {
  const queryClient = useQueryClient();
  const status = useQuery(adminStatusQuery);
  const [tab, setTab] = useState<Tab>('cluster');
  // The raw-data browser reads a node only once someone opens it, then keeps its place.
  const [dataOpened, setDataOpened] = useState(false);
  const [pending, setPending] = useState<ReadonlyMap<string, PendingAction>>(new Map());
  const [busy, setBusy] = useState<ReadonlyMap<string, NodeAction>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const [feed, setFeed] = useState<FeedEntry[]>([]);
  const feedSeq = useRef(0);
  const previous = useRef<ClusterView | undefined>(undefined);

  const note = (entries: Omit<FeedEntry, 'id' | 'at'>[]) => {
    if (entries.length === 0) return;
    const at = new Date();
    setFeed((old) => [...entries.map((e) => ({ ...e, id: ++feedSeq.current, at })).reverse(), ...old].slice(0, feedEntriesMax));
  };

  const view = useMemo(() => (status.data ? withOverlays(status.data, pending, Date.now()) : undefined), [status.data, pending]);

  // Each new view: note what changed, and drop overlays the coordinator's view has caught up with.
  useEffect(() => {
    if (!view || !status.data) return;
    if (previous.current) note(diffViews(previous.current, view));
    previous.current = view;
    const raw = status.data;
    const settled = [...pending].filter(([id, p]) => {
      const node = raw.groups.flatMap((g) => g.nodes).find((n) => n.id === id);
      return !node || actionSettled(node, p, Date.now());
    });
    if (settled.length > 0) setPending((old) => settled.reduce((m, [id]) => without(m, id), old));
    // `pending` and `status.data` are read, not watched: a change of either makes a new `view`.
  }, [view]);

  const action = useMutation({
    mutationFn: ({ node, action }: { node: string; action: NodeAction }) => (action === 'halt' ? haltNode(node) : reviveNode(node)),
    onMutate: ({ node, action }) => {
      setBusy((old) => new Map(old).set(node, action));
      setErrors((old) => without(old, node));
    },
    onSuccess: (_result, { node, action }) => {
      setPending((old) => new Map(old).set(node, { action, atMs: Date.now() }));
      note([{ text: `You ${action === 'halt' ? 'halted' : 'revived'} ${node}`, tone: 'info', mine: true }]);
      void queryClient.invalidateQueries({ queryKey: adminStatusQuery.queryKey });
    },
    onError: (err, { node, action }) => {
      setErrors((old) => new Map(old).set(node, err.message));
      note([{ text: `${action === 'halt' ? 'Halt' : 'Revive'} of ${node} failed: ${err.message}`, tone: 'bad', mine: true }]);
    },
    onSettled: (_r, _e, { node }) => setBusy((old) => without(old, node)),
  });

  return (
    <div className="pc-admin">
      <div className="pc-admin-title">
        <Header as="h1">
          Admin console
          <Header.Subheader>Storage nodes, frontends and mail, live; raw data by node.</Header.Subheader>
        </Header>
        <LiveBadge view={status.data} error={status.error} />
      </div>
      {view && <Summary view={view} />}
      <Menu pointing secondary role="tablist" className="pc-admin-tabs">
        <Menu.Item as="button" role="tab" aria-selected={tab === 'cluster'} active={tab === 'cluster'} onClick={() => setTab('cluster')}>
          <Icon name="heartbeat" /> Cluster
        </Menu.Item>
        <Menu.Item as="button" role="tab" aria-selected={tab === 'data'} active={tab === 'data'} onClick={() => (setTab('data'), setDataOpened(true))}>
          <Icon name="table" /> Raw data
        </Menu.Item>
      </Menu>
      <div role="tabpanel" aria-label="Cluster" hidden={tab !== 'cluster'}>
        {!view && status.isError && <Message negative content={status.error.message} />}
        {view && (
          <>
            {view.groups.map((g) => (
              <GroupSection key={g.group} group={g} busy={busy} errors={errors} onAction={(node, a) => action.mutate({ node, action: a })} />
            ))}
            <ServicesSection view={view} />
            <ProcessesSection processes={view.processes} />
            <ChangeFeed entries={feed} />
          </>
        )}
      </div>
      <div role="tabpanel" aria-label="Raw data" hidden={tab !== 'data'}>
        {view && dataOpened && <RawDataPanel view={view} />}
      </div>
    </div>
  );
}

function LiveBadge({ view, error }: { view?: ClusterView; error: Error | null }) {
  if (error) {
    // Refused (no longer an admin, logged out): say so; anything else is a passing failure.
    const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
    return (
      <span className="pc-admin-live pc-admin-live-bad" role="status" title={error.message}>
        <Icon name="circle" color="red" /> {refused ? error.message : 'Connection lost; retrying'}
      </span>
    );
  }
  return (
    <span className="pc-admin-live" role="status">
      <Icon name="circle" color="green" className="pc-admin-pulse" /> Live, every {statusRefreshMs / 1000} s
      {view && (
        <span className="pc-admin-updated" suppressHydrationWarning>
          {' '}
          · updated {formatTime(new Date(view.checkedAt))}
        </span>
      )}
    </span>
  );
}

function Summary({ view }: { view: ClusterView }) {
  const nodes = view.groups.flatMap((g) => g.nodes);
  const serving = view.groups.filter((g) => g.primary).length;
  const nodesUp = nodes.filter((n) => n.state === 'up').length;
  const frontendsUp = view.frontends.filter((f) => f.state === 'up').length;
  const color = (ok: boolean) => (ok ? 'green' : 'orange');
  return (
    <Segment className="pc-admin-summary">
      <Grid columns={4} doubling>
        <Grid.Column>
          <Statistic size="tiny" color={color(serving === view.groups.length)} label="groups serving" value={`${serving}/${view.groups.length}`} />
        </Grid.Column>
        <Grid.Column>
          <Statistic size="tiny" color={color(nodesUp === nodes.length)} label="storage nodes up" value={`${nodesUp}/${nodes.length}`} />
        </Grid.Column>
        <Grid.Column>
          <Statistic size="tiny" color={color(frontendsUp === view.frontends.length)} label="frontends up" value={`${frontendsUp}/${view.frontends.length}`} />
        </Grid.Column>
        <Grid.Column>
          <Statistic
            size="tiny"
            color={view.mail.state === 'up' ? 'green' : 'red'}
            label={view.mail.state === 'up' ? 'mail queue' : 'mail daemon'}
            value={view.mail.state === 'up' ? formatCount(view.mail.queueLength ?? 0) : 'down'}
          />
        </Grid.Column>
      </Grid>
    </Segment>
  );
}
