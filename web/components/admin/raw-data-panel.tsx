'use client';
// The raw-data browser: pick a storage node, page through its rows ten at a time (the store's
// ScanRows from `after`), see each row's columns with their sizes, open a value. Previous works
// from a stack of the pages' starting points, since ScanRows only goes forward.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form, Label, Message, Segment, Table } from 'semantic-ui-react';
import { rawPageRows, rawRowsQuery, type ClusterView, type RawRow } from '../../lib/queries/admin';
import { formatBytes, formatCount } from './format';
import { SectionHeader } from './section-header';
import { ValueModal, type OpenValue } from './value-modal';

function defaultNode(view: ClusterView): string {
  const nodes = view.groups.flatMap((g) => g.nodes);
  return (nodes.find((n) => n.state === 'up') ?? nodes[0])?.id ?? '';
}

export function RawDataPanel({ view }: { view: ClusterView }) {
  const [node, setNode] = useState(() => defaultNode(view));
  // starts[i] is the `after` of page i + 1; the last one is the page shown.
  const [starts, setStarts] = useState<string[]>(['']);
  const [open, setOpen] = useState<OpenValue | null>(null);
  const after = starts[starts.length - 1]!;
  const rows = useQuery({ ...rawRowsQuery(node, after), enabled: node !== '' });
  const page = rows.data && rows.data.node === node && rows.data.after === after ? rows.data : undefined;
  const pageNumber = starts.length;
  const first = (pageNumber - 1) * rawPageRows + 1;
  const nodeState = view.groups.flatMap((g) => g.nodes).find((n) => n.id === node)?.state;

  const choose = (id: string) => {
    setNode(id);
    setStarts(['']);
  };

  return (
    <Segment as="section" aria-label="Raw data">
      <SectionHeader
        icon="table"
        title="Raw data"
        subheader={<>The rows one storage node holds, {rawPageRows} at a time. Open a column to see its value.</>}
      />
      <Form onSubmit={(e) => e.preventDefault()}>
        <Form.Field inline className="pc-admin-node-pick">
          <label htmlFor="raw-node">Storage node</label>
          <select id="raw-node" className="ui dropdown" value={node} onChange={(e) => choose(e.target.value)}>
            {view.groups.map((g) => (
              <optgroup key={g.group} label={`Group ${g.group}`}>
                {g.nodes.map((n) => (
                  <option key={n.id} value={n.id}>
                    {`${n.id} (${n.state}${n.role === 'primary' ? ', primary' : ''})`}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Form.Field>
      </Form>
      {nodeState && nodeState !== 'up' && nodeState !== 'recovering' && (
        <Message warning size="small" content={`${node} is ${nodeState}: it cannot list its rows until it is back.`} />
      )}
      {rows.isError && <Message negative role="alert" content={rows.error.message} />}
      <Segment basic loading={rows.isFetching && !page} className="pc-admin-rows">
        <div className="pc-admin-scroll">
          <Table celled compact unstackable aria-label={`Rows of ${node}`}>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Row</Table.HeaderCell>
                <Table.HeaderCell>Columns (size)</Table.HeaderCell>
                <Table.HeaderCell textAlign="right">Total</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {page?.rows.map((r) => <RowLine key={r.row} row={r} onOpen={(column) => setOpen({ node, row: r.row, column })} />)}
              {page && page.rows.length === 0 && (
                <Table.Row>
                  <Table.Cell colSpan={3} className="pc-admin-muted">
                    {pageNumber === 1 ? 'This node holds no rows.' : 'No more rows.'}
                  </Table.Cell>
                </Table.Row>
              )}
            </Table.Body>
          </Table>
        </div>
      </Segment>
      <div className="pc-admin-pager">
        <Button basic icon="chevron left" content="Previous" disabled={pageNumber === 1} onClick={() => setStarts((s) => s.slice(0, -1))} />
        <span className="pc-admin-page" aria-live="polite">
          Page {pageNumber}
          {page && page.rows.length > 0 && ` · rows ${formatCount(first)}–${formatCount(first + page.rows.length - 1)}`}
        </span>
        <Button
          basic
          icon="chevron right"
          labelPosition="right"
          content="Next"
          disabled={!page || page.nextAfter === null || rows.isFetching}
          onClick={() => page?.nextAfter && setStarts((s) => [...s, page.nextAfter!])}
        />
      </div>
      {open && <ValueModal value={open} onClose={() => setOpen(null)} />}
    </Segment>
  );
}

function RowLine({ row, onOpen }: { row: RawRow; onOpen(column: string): void }) {
  const hidden = row.columnCount - row.columns.length;
  return (
    <Table.Row>
      <Table.Cell className="pc-admin-mono pc-admin-rowname">{row.row}</Table.Cell>
      <Table.Cell>
        <Label.Group size="small" className="pc-admin-columns">
          {row.columns.map((c) => (
            <Label as="button" key={c.name} basic onClick={() => onOpen(c.name)} title={`Open ${c.name}`} aria-label={`${c.name}, ${formatBytes(c.size)}`}>
              {c.name}
              <Label.Detail>{formatBytes(c.size)}</Label.Detail>
            </Label>
          ))}
          {hidden > 0 && <Label basic color="grey">{`+${formatCount(hidden)} more`}</Label>}
        </Label.Group>
      </Table.Cell>
      <Table.Cell textAlign="right" singleLine>
        {formatBytes(row.bytes)}
      </Table.Cell>
    </Table.Row>
  );
}
