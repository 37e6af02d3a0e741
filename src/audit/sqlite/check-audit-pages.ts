import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { checkSqliteHeader } from './check-sqlite-header.ts';
import { auditTables } from './sqlite-audit-schema.ts';

export type PageCheck = { ok: true; pages: number } | { ok: false; reason: string } | { ok: 'skipped'; reason: string };

// Beyond this a WAL snapshot is not copied into memory; the check is skipped and says so.
const maxSerializedBytes = 512 * 1024 * 1024;

interface PageRow {
  name: string;
  pageno: number;
  pagetype: string;
  unused: number;
  pgsize: number;
}

/**
 * Checks the file below the rows, on the same snapshot the chain was verified on (call it inside the caller's read
 * transaction): the fields of the file header SQLite tolerates, and the unused bytes of the audit log's leaf and
 * overflow pages. The store writes with `secure_delete` on and only ever appends at the right edge, so those bytes
 * stay zero; SQLite never reads them, so a change there escapes the chain and the integrity check, but not this.
 * Interior pages are skipped: SQLite leaves stale divider cells in their unused space when it rebalances them.
 */
export function checkAuditPages(database: DatabaseSync, path: string): PageCheck {
  const names = [auditTables.entries, auditTables.head, auditTables.meta, `sqlite_autoindex_${auditTables.meta}_1`];
  const pages = database
    .prepare(
      `SELECT name, pageno, pagetype, unused, pgsize FROM dbstat WHERE name IN (?, ?, ?, ?) AND pagetype != 'internal' ORDER BY pageno`,
    )
    .all(...names) as unknown as PageRow[];
  const pageSize = Number(database.prepare('PRAGMA page_size').get()?.page_size);
  const readPage = pageReader(database, path);
  if (typeof readPage === 'string') return { ok: 'skipped', reason: readPage };
  try {
    const header = checkSqliteHeader(readPage.read(1, pageSize).subarray(0, 100));
    if (header !== undefined) return { ok: false, reason: header };
    for (const page of pages) {
      const bytes = readPage.read(page.pageno, page.pgsize);
      const problem = page.pagetype === 'overflow' ? overflowProblem(bytes, page.unused) : leafProblem(bytes);
      if (problem !== undefined) {
        return { ok: false, reason: `changed bytes in unused space: page ${page.pageno} of ${page.name}: ${problem}` };
      }
    }
  } finally {
    readPage.close();
  }
  return { ok: true, pages: pages.length };
}

function leafProblem(page: Buffer): string | undefined {
  const type = page[0];
  const headerSize = type === 2 || type === 5 ? 12 : 8;
  const firstFreeblock = page.readUInt16BE(1);
  const cells = page.readUInt16BE(3);
  const contentStart = page.readUInt16BE(5) || 65536;
  if (firstFreeblock !== 0 || page[7] !== 0) return 'holds freed space, which an append-only log never has';
  const from = headerSize + 2 * cells;
  if (from > contentStart || contentStart > page.length) return 'its header is inconsistent';
  return isZero(page, from, contentStart) ? undefined : `unused bytes ${from}-${contentStart - 1} are not zero`;
}

function overflowProblem(page: Buffer, unused: number): string | undefined {
  return isZero(page, page.length - unused, page.length) ? undefined : 'unused bytes at its end are not zero';
}

const zeros = Buffer.alloc(65536);

function isZero(bytes: Buffer, from: number, to: number): boolean {
  return bytes.subarray(from, to).equals(zeros.subarray(0, Math.max(0, to - from)));
}

interface PageReader {
  read(pageNumber: number, pageSize: number): Buffer;
  close(): void;
}

/**
 * With no WAL frames, the file itself is the snapshot (a checkpoint cannot move past this reader), so pages are read
 * from it; otherwise the snapshot, WAL included, is taken from SQLite itself.
 */
function pageReader(database: DatabaseSync, path: string): PageReader | string {
  let walBytes = 0;
  try {
    walBytes = statSync(`${path}-wal`).size;
  } catch {
    walBytes = 0;
  }
  if (walBytes === 0) {
    const descriptor = openSync(path, 'r');
    return {
      read(pageNumber, pageSize) {
        const page = Buffer.alloc(pageSize);
        readSync(descriptor, page, 0, pageSize, (pageNumber - 1) * pageSize);
        return page;
      },
      close: () => closeSync(descriptor),
    };
  }
  const row = database.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count, pragma_page_size').get();
  if (Number(row?.bytes) > maxSerializedBytes) {
    return 'pages not checked: the log has WAL frames not yet checkpointed and is too large to snapshot';
  }
  const image = Buffer.from(database.serialize());
  return {
    read: (pageNumber, pageSize) => image.subarray((pageNumber - 1) * pageSize, pageNumber * pageSize),
    close() {},
  };
}
