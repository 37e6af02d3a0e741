import { z } from 'zod';
import { envelopeSchema } from '../../authority/envelope.ts';
import { impactClasses, orderKinds } from '../../charter/charter-schema.ts';

// One zod schema per audit event type, derived from what the kernel and the stores write. The log, its export, the
// CLI and the evals read events through these; the recorder's types come from them, so a wrong field does not compile.

/** Why a run ended without a final answer. `cancelled`: the caller's own signal aborted the run. */
export const haltReasons = ['stop', 'lease-expired', 'audit-failure', 'step-limit', 'cancelled', 'error'] as const;

const text = z.string();
const timestamp = z.iso.datetime({ offset: true });
const count = z.int().nonnegative();
const strings = z.array(z.string());
const impact = z.enum(impactClasses);
const impacts = z.array(impact);

/** Calls running when an order arrived. */
const inFlight = z.array(z.strictObject({ call: text, kind: z.enum(['model', 'tool']), name: text }));

/** The end of a model or tool call that never started, or that outlived the grace period after a stop. */
const callNotStarted = z.strictObject({ call: text, name: text, outcome: z.literal('not-started') });
const callAbandoned = z.strictObject({ call: text, name: text, outcome: z.literal('abandoned'), graceMs: count });

const modelCallStart = z.discriminatedUnion('purpose', [
  z.strictObject({ call: text, purpose: z.literal('turn'), provider: text, messages: count }),
  z.strictObject({ call: text, purpose: z.literal('predict-outcome'), provider: text, action: text }),
]);

const modelCallEnd = z.discriminatedUnion('outcome', [
  z.strictObject({
    call: text,
    outcome: z.literal('ok'),
    text,
    // A turn records the calls the model asked for and its usage; an outcome prediction only its text.
    toolCalls: z.array(z.strictObject({ id: text, name: text })).optional(),
    usage: z.strictObject({ inputTokens: count, outputTokens: count }).optional(),
    finishReason: z.enum(['stop', 'tool-calls', 'length', 'other']).optional(),
  }),
  z.strictObject({ call: text, outcome: z.enum(['aborted', 'error']), error: text }),
  callNotStarted,
  callAbandoned,
]);

const toolCallStart = z.strictObject({
  call: text,
  /** The id the model gave the call. */
  toolCall: text,
  tool: text,
  impact,
  impacts,
  action: text,
  /** The input when small, else its hash and size. */
  input: z.unknown().optional(),
  inputHash: text.optional(),
  inputCharacters: count.optional(),
  /** Where the call ran: heed's thread, a worker thread, or a child process of its own. */
  execution: z.enum(['in-process', 'worker', 'process']).optional(),
  /** For a process: a PID namespace, or (where none can be made) its process group, and why. */
  containment: z.enum(['pid-namespace', 'process-group']).optional(),
  containmentReason: text.optional(),
});

const toolCallEnd = z.discriminatedUnion('outcome', [
  z.strictObject({ call: text, name: text, outcome: z.literal('ok'), characters: count.nullable() }),
  z.strictObject({ call: text, name: text, outcome: z.enum(['aborted', 'refused', 'error']), error: text }),
  callNotStarted,
  callAbandoned,
]);

export const auditEventDataSchemas = {
  'run-started': z.strictObject({
    run: text,
    provider: text,
    /** The sampling settings the provider sends, when it has any. */
    settings: z
      .strictObject({ temperature: z.number().optional(), maxTokens: count.optional(), seed: z.int().optional() })
      .optional(),
    tools: z.array(z.strictObject({ name: text, impact })),
    graceMs: count,
    maxSteps: count,
  }),
  'run-ended': z.strictObject({ outcome: z.literal('final'), text }),
  'order-accepted': z.strictObject({
    id: text,
    kind: z.enum(orderKinds),
    signers: strings,
    /** What the order changed in the authority (`none`, `task`, `lease-renewed`, …). */
    effect: text,
    explanation: text,
    /** The whole signed envelope: an auditor can re-verify who ordered what from the log alone. */
    envelope: envelopeSchema,
  }),
  'order-rejected': z.strictObject({
    id: text.nullable(),
    reason: text,
    detail: text,
    bodySha256: text.optional(),
    bodyBytes: count.optional(),
    /** The input when it parsed as a JSON object, so a forgery can be examined. */
    envelope: z.unknown().optional(),
    /** Rejections left unrecorded before this one (rate-limited). */
    droppedBefore: count.optional(),
    /** For a `rate-limited` summary: how many rejections it stands for. */
    dropped: count.optional(),
  }),
  'task-started': z.strictObject({ order: text, signers: strings, inFlight }),
  'task-conflict': z.strictObject({
    order: text,
    tasks: z.array(z.strictObject({ order: text, principals: strings })),
    inFlight,
  }),
  'model-call-start': modelCallStart,
  'model-call-end': modelCallEnd,
  'tool-call-start': toolCallStart,
  'tool-call-end': toolCallEnd,
  'tool-call-rejected': z.strictObject({ call: text, tool: text, reason: text, detail: text }),
  'policy-decision': z.strictObject({
    call: text,
    tool: text,
    impact,
    impacts: impacts.optional(),
    action: text.optional(),
    decision: z.enum(['allow', 'check', 'deny']),
    reason: text,
    effects: z.array(z.unknown()).optional(),
    unclassified: strings.optional(),
    /** Values in the call that came from untrusted content, and where each was first seen. */
    untrustedValues: z.array(z.strictObject({ value: text, origin: text })).optional(),
  }),
  'check-requested': z.strictObject({
    call: text,
    tool: text,
    action: text,
    input: z.record(z.string(), z.unknown()),
    prediction: text,
    expiresAt: timestamp,
  }),
  'check-answered': z.union([
    z.strictObject({ action: text, answer: z.enum(['approved', 'denied']), order: text, signers: strings }),
    z.strictObject({ action: text, answer: z.enum(['expired', 'superseded', 'cancelled']) }),
  ]),
  'screening-verdict': z.strictObject({
    /** The call whose result, or the document, that was screened. */
    source: text,
    provenance: z.enum(['tool', 'document']),
    verdict: z.enum(['pass', 'flag', 'withheld', 'unscreened', 'error']),
    score: z.number().optional(),
    reasons: strings.optional(),
    error: text.optional(),
  }),
  'memory-write': z.strictObject({
    call: text,
    tool: text,
    action: text,
    reinterpretsGoal: z.boolean(),
    score: z.number(),
    reasons: strings,
    chain: strings,
    decision: z.enum(['allow', 'check', 'deny']),
  }),
  'lease-renewed': z.strictObject({ order: text, expiresAt: timestamp }),
  'lease-expired': z.strictObject({ since: timestamp }),
  'succession-completed': z.strictObject({ claim: text, successor: text, for: text, explanation: text }),
  'succession-lapsed': z.strictObject({ explanation: text }),
  'stop-started': z.strictObject({ order: text, inFlight }),
  halt: z.strictObject({
    reason: z.enum(haltReasons),
    detail: text,
    aborted: strings,
    abandoned: strings,
    killedProcessGroups: z.array(z.strictObject({ pgid: z.int(), gone: z.boolean() })),
    modelCalls: count,
    toolCalls: count,
  }),
  /** heed proxy killed an upstream MCP server's process group still running at a stop's grace, or at close. */
  'upstream-killed': z.strictObject({ upstream: text, pgid: z.int(), gone: z.boolean() }),
  /** Written by the store itself: the seq and hash it seals, signed by the agent's key (null for a keyless store). */
  checkpoint: z.strictObject({
    covers: count,
    head: text,
    publicKey: text.nullable(),
    signature: text.nullable(),
  }),
} as const;

export type AuditEventType = keyof typeof auditEventDataSchemas;

/** The data of one event type, as its writer builds it. */
export type AuditEventData<T extends AuditEventType> = z.input<(typeof auditEventDataSchemas)[T]>;

/** One event of the vocabulary: the union discriminated by `type`. */
export type AuditEvent = { [T in AuditEventType]: { type: T; data: AuditEventData<T> } }[AuditEventType];
