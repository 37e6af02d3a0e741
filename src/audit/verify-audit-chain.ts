import { canonicalJson } from '../core/canonical-json.ts';
import type { AnchorRecord } from './anchor/audit-anchor.ts';
import { checkCheckpoint } from './audit-checkpoint.ts';
import type { AuditEntry, AuditSchemaVersion } from './audit-event.ts';
import { type AuditRecord, genesisHash, hashFields } from './audit-record.ts';
import { entrySchemaVersion } from './audit-schema-versions.ts';
import { checkStoredAuditEvent } from './events/check-audit-event.ts';

export interface AuditVerifyOptions {
  /** Trusted checkpoint keys (`ed25519:...`): when given, a checkpoint signed by any other key fails. */
  trustedKeys?: readonly string[];
  /** Fail unless every checkpoint is signed and the log ends with one (a cleanly closed, fully sealed log). */
  requireSealed?: boolean;
  /** The head a trusted source recorded (a store's head row, an anchor kept elsewhere): the chain must end there. */
  expectedHead?: { seq: number; hash: string; checkpointSeq?: number };
  /**
   * Checkpoints anchored out of the writer's reach, in seq order: each must be in the chain with exactly its hash, and
   * the chain must reach the last one. Without `trustedKeys`, the keys the anchors name are the trusted ones.
   */
  anchors?: readonly AnchorRecord[];
  /**
   * Also check each event against its type's schema (a version 1 entry only against what version 1 guaranteed),
   * failing at the first that does not fit.
   */
  checkEvents?: boolean;
  /** The first seq written under schema version 2, as the log records it; earlier entries are version 1. */
  version2Since?: number;
}

/** What the anchors proved: how far the log is anchored, and how many entries after that are not. */
export interface AnchorSummary {
  records: number;
  lastSeq: number;
  /** Entries after the last anchored checkpoint: a cut there is not detectable by the anchor. */
  unanchored: number;
}

export interface AuditChainSummary {
  ok: true;
  entries: number;
  head: { seq: number; hash: string };
  checkpoints: { signed: number; unsigned: number; lastSignedSeq: number; keys: string[] };
  /** Entries after the last signed checkpoint: chained, but not yet signed. */
  unsealed: number;
  /** Present when anchors were given. */
  anchor?: AnchorSummary;
}

export interface AuditChainFailure {
  ok: false;
  firstBadSeq: number;
  reason: string;
  /** Entries that verified before the first bad one. */
  entries: number;
}

export type AuditVerification = AuditChainSummary | AuditChainFailure;

/** Walks a chain one record at a time, so callers can stream rows from any source without holding them. */
export class AuditChainVerifier {
  readonly #options: AuditVerifyOptions;
  readonly #trusted: ReadonlySet<string> | undefined;
  readonly #keys = new Set<string>();
  #seq = 0;
  #prev = genesisHash;
  #signed = 0;
  #unsigned = 0;
  #lastSignedSeq = 0;
  #lastCheckpointSeq = 0;
  #lastType = '';
  readonly #anchors: ReadonlyMap<number, AnchorRecord>;
  readonly #lastAnchor: AnchorRecord | undefined;

  constructor(options: AuditVerifyOptions = {}) {
    this.#options = options;
    const anchors = options.anchors ?? [];
    this.#anchors = new Map(anchors.map((anchor) => [anchor.seq, anchor]));
    this.#lastAnchor = anchors.at(-1);
    const anchoredKeys = anchors.flatMap((anchor) => (anchor.publicKey === null ? [] : [anchor.publicKey]));
    const trusted = options.trustedKeys ?? (anchoredKeys.length > 0 ? anchoredKeys : undefined);
    this.#trusted = trusted === undefined ? undefined : new Set(trusted);
  }

  /**
   * Checks the next record; returns the failure if it is bad (stop then: later records cannot be trusted).
   * `schemaVersion` overrides the version the options imply (an exported line carries its own).
   */
  check(record: AuditRecord, schemaVersion?: AuditSchemaVersion): AuditChainFailure | undefined {
    return this.checkFields(
      record.seq,
      record.at,
      record.agent,
      record.type,
      record.dataJson,
      record.prev,
      record.hash,
      schemaVersion,
    );
  }

  /** `check` over loose fields (as a store streams its columns), typed `unknown` because stored bytes can be anything. */
  checkFields(
    seq: unknown,
    at: unknown,
    agent: unknown,
    type: unknown,
    dataJson: unknown,
    prev: unknown,
    hash: unknown,
    schemaVersion?: AuditSchemaVersion,
  ): AuditChainFailure | undefined {
    const expected = this.#seq + 1;
    if (seq !== expected) {
      const reason =
        typeof seq === 'number' && seq > expected
          ? `entry ${expected} is missing (the next entry has seq ${seq})`
          : `entry with seq ${String(seq)} is out of place (expected seq ${expected})`;
      return this.#fail(expected, reason);
    }
    if (
      typeof at !== 'string' ||
      typeof agent !== 'string' ||
      typeof type !== 'string' ||
      typeof dataJson !== 'string' ||
      typeof prev !== 'string' ||
      typeof hash !== 'string'
    ) {
      return this.#fail(expected, `entry ${expected} has a field of the wrong type`);
    }
    if (prev !== this.#prev) {
      return this.#fail(expected, `entry ${expected} does not link to entry ${expected - 1} (its prev differs)`);
    }
    if (hashFields(expected, at, agent, type, dataJson, prev) !== hash) {
      return this.#fail(expected, `entry ${expected} was altered (its hash does not match its content)`);
    }
    const anchor = this.#anchors.get(expected);
    if (anchor !== undefined && (anchor.hash !== hash || anchor.agent !== agent || type !== 'checkpoint')) {
      return this.#fail(
        expected,
        `entry ${expected} differs from the checkpoint anchored for it (the anchor records hash ${anchor.hash.slice(0, 16)}… of agent '${anchor.agent}'): the log was rewritten`,
      );
    }
    if (type === 'checkpoint') {
      const failure = this.#checkCheckpoint(expected, agent, dataJson, prev);
      if (failure !== undefined) return failure;
      this.#lastCheckpointSeq = expected;
    }
    if (this.#options.checkEvents) {
      const version =
        schemaVersion ?? entrySchemaVersion({ version2Since: this.#options.version2Since ?? 1 }, expected);
      const failure = this.#checkEvent(expected, type, dataJson, version);
      if (failure !== undefined) return failure;
    }
    this.#seq = expected;
    this.#prev = hash;
    this.#lastType = type;
    return undefined;
  }

  #checkEvent(seq: number, type: string, dataJson: string, version: AuditSchemaVersion): AuditChainFailure | undefined {
    const check = checkStoredAuditEvent(type, dataJson, version);
    return check.ok ? undefined : this.#fail(seq, `entry ${seq}: ${check.reason}`);
  }

  #checkCheckpoint(seq: number, agent: string, dataJson: string, prev: string): AuditChainFailure | undefined {
    const check = checkCheckpoint(agent, seq, prev, dataJson);
    if (!check.ok) return this.#fail(seq, `entry ${seq}: ${check.reason}`);
    if (!check.signed) {
      if (this.#options.requireSealed) return this.#fail(seq, `entry ${seq}: checkpoint is unsigned`);
      this.#unsigned += 1;
      return undefined;
    }
    if (this.#trusted !== undefined && !this.#trusted.has(check.publicKey)) {
      return this.#fail(seq, `entry ${seq}: checkpoint is signed by untrusted key ${check.publicKey}`);
    }
    this.#keys.add(check.publicKey);
    this.#signed += 1;
    this.#lastSignedSeq = seq;
    return undefined;
  }

  /** The verdict once every record has been checked. */
  finish(): AuditVerification {
    const lastAnchor = this.#lastAnchor;
    if (lastAnchor !== undefined && lastAnchor.seq > this.#seq) {
      return this.#fail(
        this.#seq + 1,
        `entries ${this.#seq + 1} to ${lastAnchor.seq} are missing: a checkpoint at seq ${lastAnchor.seq} was anchored, and the log ends at seq ${this.#seq} (its tail was cut)`,
      );
    }
    const expected = this.#options.expectedHead;
    if (expected !== undefined && (expected.seq !== this.#seq || expected.hash !== this.#prev)) {
      if (expected.seq > this.#seq) {
        return this.#fail(
          this.#seq + 1,
          `entries ${this.#seq + 1} to ${expected.seq} are missing (the head records seq ${expected.seq})`,
        );
      }
      if (expected.seq < this.#seq) {
        return this.#fail(
          expected.seq + 1,
          `entries after seq ${expected.seq} were not written through the store (the head records seq ${expected.seq})`,
        );
      }
      return this.#fail(this.#seq, `entry ${this.#seq} differs from the head the store recorded`);
    }
    if (expected?.checkpointSeq !== undefined && expected.checkpointSeq !== this.#lastCheckpointSeq) {
      return this.#fail(
        Math.max(1, Math.min(expected.checkpointSeq, this.#lastCheckpointSeq)),
        `the head records the last checkpoint at seq ${expected.checkpointSeq}, but it is at seq ${this.#lastCheckpointSeq}`,
      );
    }
    if (this.#options.requireSealed && (this.#lastType !== 'checkpoint' || this.#lastSignedSeq !== this.#seq)) {
      return this.#fail(
        this.#lastSignedSeq + 1,
        `entries after seq ${this.#lastSignedSeq} are not sealed by a signed checkpoint`,
      );
    }
    return {
      ok: true,
      entries: this.#seq,
      head: { seq: this.#seq, hash: this.#prev },
      checkpoints: {
        signed: this.#signed,
        unsigned: this.#unsigned,
        lastSignedSeq: this.#lastSignedSeq,
        keys: [...this.#keys],
      },
      unsealed: this.#seq - this.#lastSignedSeq,
      ...(this.#options.anchors === undefined
        ? {}
        : {
            anchor: {
              records: this.#options.anchors.length,
              lastSeq: lastAnchor?.seq ?? 0,
              unanchored: this.#seq - (lastAnchor?.seq ?? 0),
            },
          }),
    };
  }

  #fail(firstBadSeq: number, reason: string): AuditChainFailure {
    return { ok: false, firstBadSeq, reason, entries: this.#seq };
  }
}

/** Verifies stored records (data as canonical text): the fast path for stores and exports. */
export function verifyAuditRecords(
  records: Iterable<AuditRecord>,
  options: AuditVerifyOptions = {},
): AuditVerification {
  const verifier = new AuditChainVerifier(options);
  for (const record of records) {
    const failure = verifier.check(record);
    if (failure !== undefined) return failure;
  }
  return verifier.finish();
}

/**
 * Verifies a chain of entries from any source, detecting any altered, removed, reordered or inserted entry and any bad
 * checkpoint signature, and naming the first bad seq.
 */
export async function verifyAuditChain(
  entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>,
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  const verifier = new AuditChainVerifier(options);
  for await (const entry of entries) {
    let dataJson: string;
    try {
      dataJson = canonicalJson(entry.data);
    } catch {
      dataJson = '';
    }
    const failure = verifier.check({ ...entry, dataJson });
    if (failure !== undefined) return failure;
  }
  return verifier.finish();
}
