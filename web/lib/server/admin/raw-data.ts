// The raw-data browser: one storage node's rows, a page at a time, straight from the node's
// ScanRows (never the whole store), and one value from that node. Rows carry their columns'
// names and sizes only; a value is read when an admin opens it. A backup asked for a value
// forwards the read to its primary, so what is shown is the group's committed value.
import type { RawRowsPage } from '../../queries/admin';
import { rawColumnsShownMax } from '../../queries/admin';
import { adminClients, knownNode } from './admin-clients';
import { nodeUnavailable } from './require-admin';

export async function readRawRows(nodeId: string, after: string, limit: number): Promise<RawRowsPage> {
  const node = knownNode(nodeId);
  const page = await adminClients()
    .nodeData(node.id)
    .scanRows(after, limit)
    .catch((err: unknown) => {
      throw nodeUnavailable(node, err);
    });
  return {
    node: node.id,
    after,
    rows: page.rows.map((r) => ({
      row: r.row,
      columns: r.columns.slice(0, rawColumnsShownMax).map((c) => ({ name: c.name, size: c.size })),
      columnCount: r.columns.length,
      bytes: r.columns.reduce((sum, c) => sum + c.size, 0),
    })),
    nextAfter: page.nextAfterRow === '' ? null : page.nextAfterRow,
  };
}

/** The value, or undefined when the cell does not exist. */
export async function readRawValue(nodeId: string, row: string, column: string): Promise<Buffer | undefined> {
  const node = knownNode(nodeId);
  return adminClients()
    .nodeData(node.id)
    .get(row, column)
    .catch((err: unknown) => {
      throw nodeUnavailable(node, err);
    });
}
