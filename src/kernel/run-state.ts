import { z } from 'zod';
import { modelToolCallSchema, nextStepSchema } from './next-step.ts';

export const runStateSchemaVersion = 1;

/**
 * Everything the model sees, each piece with its provenance. Only `order` entries are instructions, and the
 * kernel creates them only from envelopes the authority verified; tool results and documents are data.
 */
export const contextEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('instructions'), text: z.string() }),
  z.strictObject({
    kind: z.literal('order'),
    orderId: z.string(),
    orderKind: z.enum(['task', 'amend']),
    signers: z.array(z.string()),
    text: z.string(),
  }),
  z.strictObject({ kind: z.literal('assistant'), text: z.string(), toolCalls: z.array(modelToolCallSchema) }),
  z.strictObject({
    kind: z.literal('tool-result'),
    toolCallId: z.string(),
    tool: z.string(),
    /** `ok`: the tool ran; anything else: it did not run or did not finish, and `text` says why. */
    outcome: z.enum(['ok', 'error', 'rejected', 'denied', 'aborted']),
    text: z.string(),
    flagged: z.boolean().default(false),
  }),
  z.strictObject({ kind: z.literal('document'), source: z.string(), text: z.string(), flagged: z.boolean() }),
  /** The kernel's own messages to the model (e.g. asking for predicted outcomes); never a principal's order. */
  z.strictObject({ kind: z.literal('notice'), text: z.string() }),
]);
export type ContextEntry = z.infer<typeof contextEntrySchema>;

export const runStateSchema = z.strictObject({
  schemaVersion: z.literal(runStateSchemaVersion),
  runId: z.string(),
  agent: z.string(),
  /** Model calls made so far (including outcome predictions for checks). */
  modelCalls: z.number().int().min(0),
  toolCalls: z.number().int().min(0),
  task: z.strictObject({ orderId: z.string(), text: z.string() }).nullable(),
  next: nextStepSchema,
  context: z.array(contextEntrySchema),
});
export type RunState = z.infer<typeof runStateSchema>;
