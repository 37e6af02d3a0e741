// A Markdown table with padded, aligned columns, the way a Markdown formatter lays it out, so regenerating the
// data card leaves a formatted file unchanged.
export type Alignment = 'left' | 'right';

export function markdownTable(header: readonly string[], alignments: readonly Alignment[], rows: readonly string[][]) {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const pad = (cell: string, column: number) =>
    alignments[column] === 'right' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!);
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => pad(cell, column)).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    alignments[column] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width),
  );
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}
