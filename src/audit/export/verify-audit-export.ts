import {
  type AuditChainFailure,
  AuditChainVerifier,
  type AuditVerification,
  type AuditVerifyOptions,
} from '../verify-audit-chain.ts';
import { parseAuditExportLine } from './audit-export-line.ts';

/** Verifies an exported JSONL log line by line; a line that does not parse fails at the seq it should have held. */
export async function verifyAuditExport(
  lines: Iterable<string> | AsyncIterable<string>,
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  const verifier = new AuditChainVerifier(options);
  let lineNumber = 0;
  let verified = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const parsed = parseAuditExportLine(line);
    if (!parsed.ok) {
      const failure: AuditChainFailure = {
        ok: false,
        firstBadSeq: verified + 1,
        reason: `line ${lineNumber}: ${parsed.reason}`,
        entries: verified,
      };
      return failure;
    }
    const failure = verifier.check(parsed.record);
    if (failure !== undefined) return { ...failure, reason: `line ${lineNumber}: ${failure.reason}` };
    verified = parsed.record.seq;
  }
  return verifier.finish();
}
