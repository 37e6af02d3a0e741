// A self-contained HTML page (no scripts, no external files) with result tables and SVG figures.
import { formatCell, type ReportTable } from './report-table.ts';

export interface ReportFigure {
  title: string;
  svg: string;
}

/** A titled list under a section's tables and figures (limitations, references, steps of a method). */
export interface ReportList {
  heading: string;
  items: string[];
  ordered?: boolean;
}

export interface ReportSection {
  id: string;
  heading: string;
  description?: string;
  /** Paragraphs under the description, before the tables. */
  paragraphs?: string[];
  tables: ReportTable[];
  figures: ReportFigure[];
  lists?: ReportList[];
}

export interface HtmlReport {
  title: string;
  /** Paragraphs shown under the title. */
  introduction: string[];
  sections: ReportSection[];
  /** One line at the foot of the page (versions, how to reproduce). */
  footer?: string;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character]!);
}

const style = `
  :root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --band: #f4f6fa; --accent: #2f5fb3; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; }
  main { max-width: 1180px; margin: 0 auto; padding: 32px 24px 64px; }
  h1 { font-size: 28px; margin: 0 0 8px; }
  h2 { font-size: 21px; margin: 40px 0 4px; padding-top: 8px; border-top: 2px solid var(--line); }
  h3 { font-size: 16px; margin: 24px 0 8px; }
  p { margin: 6px 0; }
  .muted { color: var(--muted); }
  nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 8px 20px; }
  a { color: var(--accent); }
  .table-wrap { overflow-x: auto; max-width: 100%; }
  table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
  th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; }
  th { background: var(--band); font-weight: 600; }
  td.number { text-align: right; }
  td:first-child { white-space: nowrap; }
  table.prose td { vertical-align: top; max-width: 560px; }
  table.prose td:first-child { white-space: normal; min-width: 320px; }
  td.yes { color: #1f7a3a; font-weight: 600; }
  td.no { color: var(--muted); }
  td.token { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
  .note { font-size: 13px; color: var(--muted); max-width: 820px; }
  figure { margin: 16px 0; overflow-x: auto; }
  figcaption { font-weight: 600; margin-bottom: 6px; }
  .list { max-width: 900px; padding-left: 22px; }
  .list li { margin: 4px 0; }
  footer { margin-top: 48px; font-size: 13px; color: var(--muted); }
`;

/** A column of long strings without spaces (action traces, policies) reads best in a fixed-width font. */
function isTokenColumn(table: ReportTable, column: number): boolean {
  const cells = table.rows.map((row) => row[column] ?? null).filter((cell) => cell !== null);
  return cells.length > 0 && cells.every((cell) => typeof cell === 'string' && cell.length >= 12 && !/\s/.test(cell));
}

/** A table whose first column holds sentences (claims, predictions) wraps it instead of keeping it on one line. */
function isProseTable(table: ReportTable): boolean {
  return table.rows.some((row) => typeof row[0] === 'string' && row[0].length > 60);
}

function renderTable(table: ReportTable): string {
  const header = table.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const tokenColumns = table.columns.map((_, column) => isTokenColumn(table, column));
  const rows = table.rows
    .map((row) => {
      const cells = row.map((value, column) => {
        const className =
          typeof value === 'number'
            ? 'number'
            : typeof value === 'boolean'
              ? value
                ? 'yes'
                : 'no'
              : tokenColumns[column]
                ? 'token'
                : '';
        return `<td${className === '' ? '' : ` class="${className}"`}>${escapeHtml(formatCell(value))}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const note = table.note === undefined ? '' : `\n<p class="note">${escapeHtml(table.note)}</p>`;
  const tableClass = isProseTable(table) ? ' class="prose"' : '';
  return `<h3>${escapeHtml(table.title)}</h3>\n<div class="table-wrap">\n<table${tableClass}>\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>\n</div>${note}`;
}

function renderSection(section: ReportSection): string {
  const parts = [`<section id="${escapeHtml(section.id)}">`, `<h2>${escapeHtml(section.heading)}</h2>`];
  if (section.description !== undefined) parts.push(`<p class="muted">${escapeHtml(section.description)}</p>`);
  for (const paragraph of section.paragraphs ?? []) parts.push(`<p>${escapeHtml(paragraph)}</p>`);
  for (const table of section.tables) parts.push(renderTable(table));
  for (const figure of section.figures) {
    // The SVG comes from the renderer, not from user input, so it is embedded as markup.
    parts.push(`<figure>\n<figcaption>${escapeHtml(figure.title)}</figcaption>\n${figure.svg}\n</figure>`);
  }
  for (const list of section.lists ?? []) {
    const tag = list.ordered ? 'ol' : 'ul';
    const items = list.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n');
    parts.push(`<h3>${escapeHtml(list.heading)}</h3>\n<${tag} class="list">\n${items}\n</${tag}>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

export function renderHtmlReport(report: HtmlReport): string {
  const navigation = report.sections
    .map((section) => `<li><a href="#${escapeHtml(section.id)}">${escapeHtml(section.heading)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escapeHtml(report.title)}</h1>
${report.introduction.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
<nav><ul>${navigation}</ul></nav>
${report.sections.map(renderSection).join('\n')}
${report.footer === undefined ? '' : `<footer>${escapeHtml(report.footer)}</footer>`}
</main>
</body>
</html>
`;
}
