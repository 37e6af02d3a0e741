/** A result table as reports show it: the shape the lab's and the evals' tables share. */
export interface ReportTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | boolean | null>>;
  note?: string;
}

/** How a cell reads in a report: booleans as yes/no, a missing value as a dash. */
export function formatCell(value: string | number | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
