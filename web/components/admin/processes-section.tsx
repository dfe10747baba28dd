'use client';
// Every process `npm start` runs, as its supervisor last wrote it: state, pid, how long it has
// been up, how often it was restarted and why it last ended. Without the supervisor's table
// (the processes were started some other way) it says that nothing restarts them.
import { Label, Message, Segment, Table, type SemanticCOLORS } from 'semantic-ui-react';
import type { AdminProcess, ProcessesView } from '../../lib/queries/admin';
import { AdminTable, type AdminColumn } from './admin-table';
import { formatAgo, formatCount, formatDuration } from './format';
import { SectionHeader } from './section-header';

const stateLook: Record<AdminProcess['state'], { text: string; color: SemanticCOLORS }> = {
  running: { text: 'running', color: 'green' },
  backoff: { text: 'restarting', color: 'orange' },
  stopping: { text: 'stopping', color: 'yellow' },
  stopped: { text: 'stopped', color: 'grey' },
};

export function ProcessesSection({ processes }: { processes: ProcessesView }) {
  return (
    <Segment as="section" aria-label="Processes">
      <SectionHeader
        icon="redo"
        title="Processes"
        subheader={processes.source === 'supervisor' ? `Started by npm start (pid ${processes.supervisorPid}), which restarts any that exits` : 'Not supervised'}
      />
      {processes.source === 'absent' && (
        <Message info size="small">
          These processes were not started by <code>npm start</code>: no supervisor restarts them when they exit (there is no{' '}
          <span className="pc-admin-mono">{processes.path}</span>).
        </Message>
      )}
      {processes.source === 'unreadable' && (
        <Message warning size="small">
          The supervisor&apos;s table <span className="pc-admin-mono">{processes.path}</span> cannot be read: {processes.error}
        </Message>
      )}
      {processes.source === 'supervisor' && (
        <>
          {!processes.supervisorRunning && (
            <Message warning size="small">
              The supervisor (pid {processes.supervisorPid}) is not running: nothing restarts these processes now. This table is from{' '}
              {formatAgo(processes.updatedAgoMs)}.
            </Message>
          )}
          <ProcessTable processes={processes.processes} />
        </>
      )}
    </Segment>
  );
}

const processColumns: AdminColumn[] = [
  { title: 'Process' },
  { title: 'State' },
  { title: 'PID', align: 'right' },
  { title: 'Up for' },
  { title: 'Restarts', align: 'right' },
  { title: 'Last exit' },
];

function ProcessTable({ processes }: { processes: AdminProcess[] }) {
  return (
    <AdminTable columns={processColumns}>
      {processes.map((p) => (
        <Table.Row key={p.name} aria-label={`Process ${p.name}`} warning={p.restarts > 0}>
          <Table.Cell className="pc-admin-mono">{p.name}</Table.Cell>
          <Table.Cell>
            <Label size="small" color={stateLook[p.state].color}>
              {stateLook[p.state].text}
            </Label>
          </Table.Cell>
          <Table.Cell textAlign="right" className="pc-admin-mono">
            {p.pid ?? '—'}
          </Table.Cell>
          <Table.Cell>{p.upForMs === null ? '—' : formatDuration(p.upForMs)}</Table.Cell>
          <Table.Cell textAlign="right">{formatCount(p.restarts)}</Table.Cell>
          <Table.Cell>{p.lastExitCause ? `${p.lastExitCause}, ${formatAgo(p.lastExitAgoMs)}` : '—'}</Table.Cell>
        </Table.Row>
      ))}
    </AdminTable>
  );
}
