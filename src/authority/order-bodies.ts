import { z } from 'zod';
import { charterSchema, type OrderKind, publicKeySchema } from '../charter/charter-schema.ts';

const principalId = z.string().min(1).max(64);
const text = z.string().min(1).max(16_384);
/** An action is named by the sha256 hex of its canonical JSON (see core `canonicalHash`). */
const actionHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 hex (64 lowercase hex digits) of the action');

/** The body each order kind carries; strict, so an unknown field makes the envelope malformed. */
export const orderBodySchemas = {
  stop: z.strictObject({ reason: text.optional() }),
  resume: z.strictObject({}),
  task: z.strictObject({ text }),
  amend: z.strictObject({ text }),
  approve: z.strictObject({ action: actionHash, note: text.optional() }),
  deny: z.strictObject({ action: actionHash, reason: text.optional() }),
  lease: z.strictObject({}),
  revoke: z.strictObject({ principal: principalId }),
  rotate: z.strictObject({
    principal: principalId,
    key: publicKeySchema,
  }),
  charter: z.strictObject({ charter: charterSchema }),
  claim: z.strictObject({ for: principalId }),
  veto: z.strictObject({ claim: z.string().min(8).max(128) }),
} satisfies Record<OrderKind, z.ZodType>;

export type OrderBodies = { [Kind in OrderKind]: z.output<(typeof orderBodySchemas)[Kind]> };
export type OrderBody<Kind extends OrderKind> = OrderBodies[Kind];
