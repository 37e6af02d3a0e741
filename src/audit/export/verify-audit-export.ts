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
  let newestVersion = 1;
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
    // A log moves from version 1 to 2 once, when a later heed extends it; never back.
    if (parsed.schemaVersion < newestVersion) {
      return {
        ok: false,
        firstBadSeq: verified + 1,
        reason: `line ${lineNumber}: a schemaVersion ${parsed.schemaVersion} entry follows a version ${newestVersion} one`,
        entries: verified,
      };
    }
    newestVersion = parsed.schemaVersion;
    const failure = verifier.check(parsed.record, parsed.schemaVersion);
    if (failure !== undefined) return { ...failure, reason: `line ${lineNumber}: ${failure.reason}` };
    verified = parsed.record.seq;
  }
  return verifier.finish();
}
