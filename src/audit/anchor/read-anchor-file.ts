import { InvalidInputError } from '../../core/heed-error.ts';
import { describeIssues } from '../../core/parse-with-schema.ts';
import { readBoundedLines } from '../../core/read-bounded-file.ts';
import { type AnchorRecord, anchorRecordSchema } from './audit-anchor.ts';

export interface AnchorFile {
  records: AnchorRecord[];
  /** Set when the last line was torn (a crash mid-write): it is left out. */
  tornLastLine: boolean;
}

const maxAnchorLineBytes = 4096;

/** Reads an anchor file; a bad line other than a torn last one is bad input naming the line. */
export async function readAnchorFile(path: string): Promise<AnchorFile> {
  const records: AnchorRecord[] = [];
  let bad: { number: number; problem: string } | undefined;
  let number = 0;
  for await (const line of readBoundedLines(path, 'audit anchor', maxAnchorLineBytes)) {
    number += 1;
    if (line.trim() === '') continue;
    if (bad !== undefined) throw badLine(path, bad);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      bad = { number, problem: `not JSON (${(error as Error).message})` };
      continue;
    }
    const parsed = anchorRecordSchema.safeParse(value);
    if (!parsed.success) {
      bad = { number, problem: describeIssues(parsed.error).join('; ') };
      continue;
    }
    const previous = records.at(-1);
    if (previous !== undefined && (parsed.data.seq <= previous.seq || parsed.data.agent !== previous.agent)) {
      throw badLine(path, {
        number,
        problem: `records must name one agent with increasing seq (seq ${parsed.data.seq} of '${parsed.data.agent}' follows seq ${previous.seq} of '${previous.agent}')`,
      });
    }
    records.push(parsed.data);
  }
  return { records, tornLastLine: bad !== undefined };
}

function badLine(path: string, bad: { number: number; problem: string }): InvalidInputError {
  return new InvalidInputError(`audit anchor ${path}: line ${bad.number}: ${bad.problem}`, { code: 'schema' });
}
