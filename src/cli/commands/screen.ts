import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Provenance, provenances } from '../../charter/charter-schema.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { readBoundedLines } from '../../core/read-bounded-file.ts';
import { decodeInput, inputProblems, looksBinary } from '../../screening/decode-input.ts';
import {
  createScreener,
  defaultMaxScreenedCharacters,
  type Screener,
  type ScreeningVerdict,
} from '../../screening/screener.ts';
import { exitCodes } from '../exit-codes.ts';
import { paintVerdict } from '../style.ts';

interface ScreenCommandOptions {
  file?: string;
  jsonl?: string;
  provenance: Provenance;
  principal: string[];
  json?: boolean;
}

// UTF-8 needs at most 4 bytes a character: reading this much is enough to fill the screened window.
const maximumBytes = defaultMaxScreenedCharacters * 4;

function readCapped(descriptor: number): { bytes: Buffer; truncated: boolean } {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(65_536);
  while (total <= maximumBytes) {
    let read: number;
    try {
      read = readSync(descriptor, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw error;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, read)));
    total += read;
  }
  const bytes = Buffer.concat(chunks);
  return { bytes: bytes.subarray(0, maximumBytes), truncated: bytes.length > maximumBytes };
}

function readFileCapped(path: string): { bytes: Buffer; truncated: boolean } {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    throw new InvalidInputError(
      `cannot read '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    if (fstatSync(descriptor).isDirectory()) throw new InvalidInputError(`'${path}' is a directory, not a file`);
    return readCapped(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

async function screenOne(
  screener: Screener,
  text: string,
  options: ScreenCommandOptions,
  problems: string[],
  truncatedInput: boolean,
): Promise<ScreeningVerdict> {
  const verdict = await screener.screen(text, { provenance: options.provenance, principals: options.principal });
  const truncated = truncatedInput || verdict.truncated === true;
  return {
    ...verdict,
    verdict: problems.length > 0 ? 'flag' : verdict.verdict,
    reasons: [...problems, ...verdict.reasons],
    ...(truncated ? { truncated: true } : {}),
  };
}

function printHuman(verdict: ScreeningVerdict, provenance: Provenance): void {
  const lines = [
    `${paintVerdict(verdict.verdict === 'pass', verdict.verdict)}  score ${verdict.score.toFixed(3)} (threshold ${verdict.threshold} for ${provenance})${verdict.truncated ? ', truncated' : ''}`,
    ...verdict.reasons.map((reason) => `  - ${reason}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

// A row is screened up to the screening window; a longer line is bad input, not something to buffer without end.
const maxRowBytes = 16 * 1024 * 1024;

async function screenJsonl(screener: Screener, path: string, options: ScreenCommandOptions): Promise<number> {
  let flagged = false;
  let malformed = false;
  let number = 0;
  const fail = (error: string) => {
    malformed = true;
    process.stdout.write(`${JSON.stringify({ id: null, line: number, error })}\n`);
  };
  for await (const line of readBoundedLines(path, 'rows file', maxRowBytes)) {
    number += 1;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      fail(`not JSON: ${(error as Error).message}`);
      continue;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      fail('row must be a JSON object with "id" and "text"');
      continue;
    }
    const { id, text, provenance } = row as Record<string, unknown>;
    if (typeof id !== 'string' && typeof id !== 'number') {
      fail('"id" must be a string or a number');
      continue;
    }
    if (typeof text !== 'string' || text.trim() === '') {
      fail(`row ${JSON.stringify(id)}: "text" must be a non-empty string`);
      continue;
    }
    if (provenance !== undefined && !provenances.includes(provenance as Provenance)) {
      fail(`row ${JSON.stringify(id)}: "provenance" must be one of ${provenances.join(', ')}`);
      continue;
    }
    // The line was decoded leniently: a replacement character here means bytes that were not UTF-8.
    const problems = inputProblems({ invalidUtf8: text.includes('\uFFFD'), binary: looksBinary(text) });
    const verdict = await screenOne(
      screener,
      text,
      { ...options, provenance: (provenance as Provenance | undefined) ?? options.provenance },
      problems,
      false,
    );
    flagged ||= verdict.verdict === 'flag';
    process.stdout.write(
      `${JSON.stringify({
        id,
        score: verdict.score,
        verdict: verdict.verdict,
        reasons: verdict.reasons,
        detectors: verdict.detectors,
        ...(verdict.truncated ? { truncated: true } : {}),
      })}\n`,
    );
  }
  if (flagged) return exitCodes.failure;
  return malformed ? exitCodes.badInput : exitCodes.success;
}

export function registerScreenCommand(program: Command): void {
  program
    .command('screen')
    .description(
      'screen text for jailbreaks, injected instructions and claimed authority\n' +
        '(exit 1 if anything is flagged; with --jsonl, a malformed row prints {"id": null, "line": N, "error": ...} and the batch continues)',
    )
    .argument('[text]', 'the text to screen (default: --file, --jsonl or standard input)')
    .option('--file <path>', 'screen the contents of a file')
    .option('--jsonl <path>', 'screen every row {"id", "text"} of a JSON Lines file; prints one JSON line per row')
    .addOption(
      new Option('--provenance <provenance>', 'where the text comes from').choices(provenances).default('tool'),
    )
    .option(
      '--principal <name>',
      'a principal name to treat as a claim of authority in untrusted text (repeatable)',
      (name: string, names: string[]) => [...names, name],
      [] as string[],
    )
    .option('--json', 'print the verdict as JSON')
    .action(async (text: string | undefined, options: ScreenCommandOptions) => {
      const sources = [text !== undefined, options.file !== undefined, options.jsonl !== undefined].filter(Boolean);
      if (sources.length > 1) throw new InvalidInputError('give only one of TEXT, --file and --jsonl');
      const screener = createScreener();
      if (options.jsonl !== undefined) {
        process.exitCode = await screenJsonl(screener, options.jsonl, options);
        return;
      }
      const read =
        text !== undefined
          ? { bytes: Buffer.from(text), truncated: false }
          : options.file !== undefined
            ? readFileCapped(options.file)
            : readCapped(0);
      const decoded = decodeInput(read.bytes);
      if (decoded.text.trim() === '') {
        throw new InvalidInputError(`empty input: nothing to screen${options.file ? ` in '${options.file}'` : ''}`);
      }
      const verdict = await screenOne(screener, decoded.text, options, inputProblems(decoded), read.truncated);
      if (options.json) process.stdout.write(`${JSON.stringify({ provenance: options.provenance, ...verdict })}\n`);
      else printHuman(verdict, options.provenance);
      process.exitCode = verdict.verdict === 'flag' ? exitCodes.failure : exitCodes.success;
    });
}
