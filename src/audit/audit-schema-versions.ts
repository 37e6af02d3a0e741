import { type AuditSchemaVersion, auditSchemaVersion } from './audit-event.ts';

/**
 * Which schema version each entry of a log was written under. A log begun under version 1 and extended by a later
 * heed holds both: its meta row `schemaVersion2Since` records the first seq written under version 2.
 */
export interface AuditLogVersions {
  /** The log's schema version: the version of the entries written now. */
  version: AuditSchemaVersion;
  /** The first seq written under version 2 (Infinity: none). */
  version2Since: number;
}

/** Reads the two meta values (as stored, text); a reason when they name no version this heed reads. */
export function parseAuditLogVersions(
  version: unknown,
  version2Since: unknown,
): { ok: true; versions: AuditLogVersions } | { ok: false; reason: string } {
  if (version === '1') return { ok: true, versions: { version: 1, version2Since: Number.POSITIVE_INFINITY } };
  const since = Number(version2Since);
  if (version === String(auditSchemaVersion) && Number.isInteger(since) && since >= 1)
    return { ok: true, versions: { version: auditSchemaVersion, version2Since: since } };
  return {
    ok: false,
    reason:
      version === String(auditSchemaVersion)
        ? `the audit log's schemaVersion2Since ${JSON.stringify(version2Since ?? null)} is not a seq`
        : `the audit log's schema version is ${JSON.stringify(version ?? null)}; this heed reads versions 1 to ${auditSchemaVersion}`,
  };
}

export function entrySchemaVersion(versions: Pick<AuditLogVersions, 'version2Since'>, seq: number): AuditSchemaVersion {
  return seq >= versions.version2Since ? 2 : 1;
}
