'use client';
// The compact tables of the admin page: a row of column headings over the rows given, inside a
// box that scrolls sideways on a narrow screen rather than squeezing the columns.
import type { ReactNode } from 'react';
import { Table } from 'semantic-ui-react';

export interface AdminColumn {
  title: string;
  /** Figures are set right so their digits line up. */
  align?: 'right';
}

export function AdminTable({ columns, children }: { columns: AdminColumn[]; children: ReactNode }) {
  return (
    <div className="pc-admin-scroll">
      <Table unstackable compact basic="very" size="small">
        <Table.Header>
          <Table.Row>
            {columns.map((c) => (
              <Table.HeaderCell key={c.title} textAlign={c.align}>
                {c.title}
              </Table.HeaderCell>
            ))}
          </Table.Row>
        </Table.Header>
        <Table.Body>{children}</Table.Body>
      </Table>
    </div>
  );
}
