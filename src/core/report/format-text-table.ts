import { formatCell, type ReportTable } from './report-table.ts';

/** A table as aligned plain text for a terminal: numbers right-aligned, text left-aligned. */
export function formatTextTable(table: ReportTable): string {
  const cells = table.rows.map((row) => row.map(formatCell));
  const widths = table.columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => (row[index] ?? '').length)),
  );
  const numeric = table.columns.map((_, index) =>
    table.rows.every((row) => typeof row[index] === 'number' || row[index] === null),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (numeric[index] ? value.padStart(widths[index]!) : value.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  const lines = [
    table.title,
    line(table.columns),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map(line),
  ];
  if (table.note !== undefined) lines.push(table.note);
  return `${lines.join('\n')}\n`;
}
