// A table as the views draw them: one header row (names, some with a title to hover), then the rows.
import type { ReactNode } from 'react';

/** A header cell: its name, or its name with a title that says what the column counts. */
export type HeadCell = string | { name: ReactNode; title: string };

export function Table({
  className,
  testId,
  head,
  children,
}: {
  className: string;
  testId: string;
  head: readonly HeadCell[];
  children: ReactNode;
}) {
  return (
    <table className={className} data-testid={testId}>
      <thead>
        <tr>
          {head.map((h, i) =>
            typeof h === 'string' ? (
              <th key={i}>{h}</th>
            ) : (
              <th key={i} title={h.title}>
                {h.name}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
