// Every cell a store holds, walked as a reader outside it would: ScanRows page by page (rows in
// order, each with its column names and sizes), then a get of each column.
import type { Store } from '../../cluster/kvs/io/store.ts';

export interface StoreCell {
  row: string;
  column: string;
  /** The size ScanRows reported for the column. */
  size: number;
  /** What get returned for it. */
  value: Buffer | undefined;
}

/** `pageRows` rows to a ScanRows call: a small page makes the walk cross many page boundaries. */
export async function* storeCells(store: Store, pageRows: number): AsyncGenerator<StoreCell> {
  let after = '';
  for (;;) {
    const page = await store.scanRows(after, pageRows);
    for (const row of page.rows) {
      for (const col of row.columns) yield { row: row.row, column: col.name, size: col.size, value: await store.get(row.row, col.name) };
    }
    if (page.nextAfterRow === '') return;
    after = page.nextAfterRow;
  }
}
