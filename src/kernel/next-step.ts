import { z } from 'zod';
import { haltReasons } from '../audit/events/audit-event-schemas.ts';

export { haltReasons };
export type HaltReason = (typeof haltReasons)[number];

const actionHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');

export const modelToolCallSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** The raw argument text as the model produced it; it may be malformed. */
  arguments: z.string(),
});
export type ModelToolCall = z.infer<typeof modelToolCallSchema>;

/**
 * Each turn resolves to one of these; the loop executes `model-call` and `tool-calls` and returns on the others.
 * A `check` is an interruption that returns state: the run resumes once a principal answers it.
 */
export const nextStepSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('model-call') }),
  z.strictObject({
    type: z.literal('tool-calls'),
    /** Calls of the last model turn still to run, in order. */
    calls: z.array(modelToolCallSchema),
  }),
  z.strictObject({
    type: z.literal('check'),
    action: actionHash,
    call: modelToolCallSchema,
    tool: z.string(),
    input: z.record(z.string(), z.unknown()),
    prediction: z.string(),
    expiresAt: z.iso.datetime(),
    /** Calls of the same model turn queued behind the checked one. */
    remaining: z.array(modelToolCallSchema),
  }),
  z.strictObject({ type: z.literal('final'), text: z.string() }),
  z.strictObject({ type: z.literal('halted'), reason: z.enum(haltReasons), detail: z.string() }),
]);
export type NextStep = z.infer<typeof nextStepSchema>;
export type CheckStep = Extract<NextStep, { type: 'check' }>;
export type HaltedStep = Extract<NextStep, { type: 'halted' }>;
