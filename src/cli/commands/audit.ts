import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { type AnchorFile, readAnchorFile } from '../../audit/anchor/read-anchor-file.ts';
import type { AuditRecord } from '../../audit/audit-record.ts';
import { type AuditLogVersions, entrySchemaVersion } from '../../audit/audit-schema-versions.ts';
import { checkStoredAuditEvent } from '../../audit/events/check-audit-event.ts';
import { formatAuditExportLine } from '../../audit/export/audit-export-line.ts';
import { verifyAuditExport } from '../../audit/export/verify-audit-export.ts';
import { verifyPostgresAuditLog } from '../../audit/postgres/verify-postgres-audit-log.ts';
import {
  lastSqliteAuditSeq,
  openSqliteAuditLog,
  readSqliteAuditRecords,
} from '../../audit/sqlite/open-sqlite-audit-log.ts';
import { readAuditLogVersions } from '../../audit/sqlite/sqlite-audit-schema.ts';
import { type SqliteAuditLogVerification, verifySqliteAuditLog } from '../../audit/sqlite/verify-sqlite-audit-log.ts';
import type { AuditVerifyOptions } from '../../audit/verify-audit-chain.ts';
import { isPublicKeyText } from '../../core/ed25519.ts';
import { HeedError, InvalidInputError } from '../../core/heed-error.ts';
import { readBoundedLines } from '../../core/read-bounded-file.ts';
import { exitCodes } from '../exit-codes.ts';
import { paintVerdict } from '../style.ts';

const defaultDatabase = '.heed/heed.db';
const pageSize = 1000;

interface VerifyOptions {
  db: string;
  jsonl?: string;
  databaseUrl?: string;
  pgSchema: string;
  anchor?: string;
  key: string[];
  strict?: boolean;
  integrity: boolean;
  json?: boolean;
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('verify, read and export the hash-chained audit log');
  audit
    .command('verify')
    .description(
      'check every entry, link, checkpoint signature and page, and every event against its schema; exit 1 naming the first bad seq',
    )
    .option('--db <file>', 'the database holding the audit log', defaultDatabase)
    .option('--jsonl <file>', 'verify an exported JSONL log instead of a database')
    .option('--database-url <url>', 'verify the log in PostgreSQL instead (postgres://user@host:5432/db)')
    .option('--pg-schema <name>', 'the PostgreSQL schema holding the audit tables', 'public')
    .option(
      '--anchor <file>',
      "the checkpoints anchored for this log (heed run's --anchor): detects a cut tail and a rewritten, re-signed log",
    )
    .option('--key <key>', "trust only checkpoints signed by this key ('ed25519:...'); repeatable", collect, [])
    .option('--strict', 'also fail on unsigned checkpoints and on entries after the last signed checkpoint')
    .option('--no-integrity', "skip SQLite's page-level integrity check (faster on very large files)")
    .option('--json', 'print the verdict as JSON')
    .action(async (options: VerifyOptions) => {
      for (const key of options.key) {
        if (!isPublicKeyText(key))
          throw new InvalidInputError(`--key '${key}' is not a public key 'ed25519:<base64url>'.`);
      }
      if (options.jsonl !== undefined && options.databaseUrl !== undefined) {
        throw new InvalidInputError('Give at most one of --jsonl and --database-url.');
      }
      const anchors = options.anchor === undefined ? undefined : await readAnchorFile(options.anchor);
      const verifyOptions: AuditVerifyOptions = {
        checkEvents: true,
        ...(options.key.length > 0 ? { trustedKeys: options.key } : {}),
        ...(options.strict ? { requireSealed: true } : {}),
        ...(anchors === undefined ? {} : { anchors: anchors.records }),
      };
      const source =
        options.jsonl ?? (options.databaseUrl === undefined ? options.db : `postgres schema ${options.pgSchema}`);
      const verdict: SqliteAuditLogVerification =
        options.jsonl !== undefined
          ? await verifyAuditExport(readLines(options.jsonl), verifyOptions)
          : options.databaseUrl !== undefined
            ? await verifyPostgresAuditLog(
                { connectionString: options.databaseUrl, schema: options.pgSchema },
                verifyOptions,
              )
            : verifySqliteAuditLog(options.db, { ...verifyOptions, chainOnly: !options.integrity });
      if (!verdict.ok) process.exitCode = exitCodes.failure;
      const anchoring = anchors === undefined ? unanchoredNote : anchoredNotes(anchors, verdict);
      if (options.json) {
        const anchored = anchors !== undefined;
        process.stdout.write(`${JSON.stringify({ source, ...verdict, anchored, anchorNotes: anchoring }, null, 2)}\n`);
        return;
      }
      if (!verdict.ok) {
        const where = verdict.firstBadSeq === null ? '' : ` at seq ${verdict.firstBadSeq}`;
        process.stdout.write(`${source}: ${paintVerdict(false, 'BROKEN')}${where}: ${verdict.reason}\n`);
        process.stdout.write(`  ${verdict.entries} entries verified before it.\n`);
        for (const note of anchoring) process.stdout.write(`  ${note}\n`);
        return;
      }
      const { checkpoints } = verdict;
      process.stdout.write(
        `${source}: ${paintVerdict(true, 'ok')}, ${verdict.entries} entries, head seq ${verdict.head.seq} (${verdict.head.hash.slice(0, 16)}…)\n` +
          `  checkpoints: ${checkpoints.signed} signed, ${checkpoints.unsigned} unsigned; ` +
          `${verdict.unsealed} entries after the last signed checkpoint\n`,
      );
      for (const note of 'notes' in verdict ? (verdict.notes ?? []) : []) process.stdout.write(`  note: ${note}\n`);
      if (checkpoints.keys.length > 0) process.stdout.write(`  signed by: ${checkpoints.keys.join(', ')}\n`);
      if (checkpoints.unsigned > 0) {
        process.stdout.write('  note: unsigned checkpoints were written by a store without a signing key\n');
      }
      for (const note of anchoring) process.stdout.write(`  ${note}\n`);
      if (options.key.length === 0 && anchors === undefined && checkpoints.signed > 0) {
        process.stdout.write(
          "  note: signatures were checked against the keys the log names; pin the agent's with --key\n",
        );
      }
    });

  audit
    .command('tail')
    .description('print the last entries: seq, time, type and a summary')
    .option('--db <file>', 'the database holding the audit log', defaultDatabase)
    .option('-n, --lines <count>', 'how many entries', '10')
    .option('--follow', 'keep printing new entries until interrupted')
    .option('--json', 'print entries as JSON lines (the export format)')
    .option('--server <url>', 'read the entries an agent shipped to this control plane instead (with --agent, --key)')
    .option('--agent <id>', 'with --server: the agent')
    .option('--all', 'with --server --follow: every agent you may see, from the fleet-wide live stream')
    .option('--key <file>', "with --server: your principal's private key, to log in with")
    .option('--principal <id>', "with --server: who you are (default: the key file's name)")
    .action(async (options: ServerTailFlags & { db: string; lines: string; follow?: boolean; json?: boolean }) => {
      const count = Number(options.lines);
      if (!Number.isInteger(count) || count < 0) {
        throw new InvalidInputError(`-n '${options.lines}' must be a non-negative whole number.`);
      }
      if (options.server !== undefined) {
        const stopped = stopSignal();
        const { tailServerAudit } = await import('./audit-tail-server.ts');
        await tailServerAudit({ ...options, server: options.server, lines: count }, stopped);
        return;
      }
      const database = openReadable(options.db);
      try {
        const versions = logVersions(database, options.db);
        const render = options.json
          ? (record: AuditRecord) => formatAuditExportLine(record, entrySchemaVersion(versions, record.seq))
          : formatTailLine;
        const last = lastSqliteAuditSeq(database);
        let next = printRecords(readSqliteAuditRecords(database, last - count + 1, count), render, last + 1);
        if (!options.follow) return;
        const stopped = stopSignal();
        while (!stopped.aborted) {
          for (let before = 0; before !== next; ) {
            before = next;
            next = printRecords(readSqliteAuditRecords(database, next, pageSize), render, next);
          }
          await sleep(250, stopped);
        }
      } finally {
        database.close();
      }
    });

  audit
    .command('export')
    .description(
      'write every entry as one JSON line (seq, at, agent, type, data, prev, hash, schemaVersion); exit 1 naming the first event that does not fit its schema',
    )
    .option('--jsonl', 'JSON lines (the only format)')
    .option('--db <file>', 'the database holding the audit log', defaultDatabase)
    .option('--out <file>', 'write to this file (atomically) instead of standard output')
    .action(async (options: { jsonl?: boolean; db: string; out?: string }) => {
      if (!options.jsonl) throw new InvalidInputError('Choose an export format: --jsonl.');
      const database = openReadable(options.db);
      try {
        if (options.out === undefined) {
          await exportTo(process.stdout, database, options.db);
          return;
        }
        // Write beside the target and rename, so a failed export never leaves a half-written file in its place.
        const temporary = `${options.out}.${process.pid}.partial`;
        const file = createWriteStream(temporary);
        try {
          await once(file, 'open');
          await exportTo(file, database, options.db);
          file.end();
          await once(file, 'finish');
          renameSync(temporary, options.out);
        } catch (error) {
          file.destroy();
          rmSync(temporary, { force: true });
          if (error instanceof HeedError && error.code === 'audit-event-misfit') throw error;
          throw new InvalidInputError(`Cannot write '${options.out}': ${(error as Error).message}`, { cause: error });
        }
      } finally {
        database.close();
      }
    });
}

const unanchoredNote = [
  'unanchored: tail truncation not detectable (entries cut after the last checkpoint, with the head fixed to match, pass); pass --anchor FILE',
];

function anchoredNotes(anchors: AnchorFile, verdict: SqliteAuditLogVerification): string[] {
  const notes: string[] = [];
  if (anchors.records.length === 0) notes.push('the anchor holds no checkpoint yet: nothing is anchored');
  if (anchors.tornLastLine) notes.push("the anchor's last line is torn (a crash mid-write) and was left out");
  if (verdict.ok && verdict.anchor !== undefined && verdict.anchor.records > 0) {
    notes.push(
      `anchored: ${verdict.anchor.records} checkpoint(s) up to seq ${verdict.anchor.lastSeq}; the ${verdict.anchor.unanchored} entries after it are not anchored yet`,
    );
  }
  return notes;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function openReadable(path: string) {
  const opened = openSqliteAuditLog(path);
  if (!opened.ok) throw new InvalidInputError(`'${path}' is damaged: ${opened.reason}. Run heed audit verify.`);
  return opened.database;
}

function logVersions(database: ReturnType<typeof openReadable>, path: string): AuditLogVersions {
  const versions = readAuditLogVersions(database);
  if (!versions.ok) throw new InvalidInputError(`'${path}': ${versions.reason}.`);
  return versions.versions;
}

/** Writes every entry, each checked against its type's schema first: an export holds only events that fit. */
async function exportTo(output: Writable, database: ReturnType<typeof openReadable>, path: string): Promise<void> {
  const versions = logVersions(database, path);
  let from = 1;
  for (;;) {
    const records = readSqliteAuditRecords(database, from, pageSize);
    if (records.length === 0) return;
    let chunk = '';
    for (const record of records) {
      const version = entrySchemaVersion(versions, record.seq);
      const check = checkStoredAuditEvent(record.type, record.dataJson, version);
      if (!check.ok) {
        output.write(chunk);
        throw new HeedError(
          'audit-event-misfit',
          `Entry ${record.seq} of '${path}' does not fit the event vocabulary: ${check.reason}. Run heed audit verify.`,
        );
      }
      chunk += `${formatAuditExportLine(record, version)}\n`;
    }
    if (!output.write(chunk)) await once(output, 'drain');
    from = records[records.length - 1]!.seq + 1;
  }
}

function printRecords(records: AuditRecord[], render: (record: AuditRecord) => string, next: number): number {
  let text = '';
  for (const record of records) text += `${render(record)}\n`;
  process.stdout.write(text);
  return records.length === 0 ? next : records[records.length - 1]!.seq + 1;
}

interface ServerTailFlags {
  server?: string;
  agent?: string;
  all?: boolean;
  key?: string;
  principal?: string;
}

function formatTailLine(record: AuditRecord): string {
  const summary = record.dataJson.length > 100 ? `${record.dataJson.slice(0, 99)}…` : record.dataJson;
  return `${String(record.seq).padStart(6)}  ${record.at}  ${record.type.padEnd(18)}  ${record.agent}  ${summary}`;
}

// An entry holds at most a whole envelope (64 KiB) or a 64 Ki-character tool result, escaped: far below this.
const maxExportLineBytes = 16 * 1024 * 1024;

// A pipe is welcome (`heed audit export --jsonl | heed audit verify --jsonl /dev/stdin`); a folder is not.
async function* readLines(path: string): AsyncIterable<string> {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidInputError(`No exported log at '${path}': it is a folder.`);
  }
  yield* readBoundedLines(path, 'exported log', maxExportLineBytes);
}

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
