// A table of rows with a header row, scrolling sideways on a narrow screen (tokens, members, tools).
import { Table, type TableProps } from "@mantine/core";
import type { ReactNode } from "react";

interface DataTableProps extends Omit<TableProps, "children"> {
  /** Below this width the table scrolls instead of squeezing. */
  minWidth: number;
  /** The header cells' texts; "" for a column without one (actions). */
  columns: string[];
  /** The rows, each a Table.Tr. */
  children: ReactNode;
}

export function DataTable({ minWidth, columns, children, ...props }: DataTableProps) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table {...props}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) => (
              <Table.Th key={i}>{c}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
