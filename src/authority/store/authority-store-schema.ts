import { z } from 'zod';
import { charterSchema } from '../../charter/charter-schema.ts';
import { envelopeSchema } from '../envelope.ts';

// The stored forms of the authority's history, parsed back with these schemas (never `JSON.parse(...) as T`).

export const authorityStoreSchemaVersion = 1;

const heldTaskSchema = z.strictObject({
  orderId: z.string(),
  text: z.string(),
  principals: z.array(z.string()),
  rank: z.number(),
  issuedAt: z.string(),
  amendments: z.array(z.string()),
});

export const authorityStateSchema = z.strictObject({
  charter: charterSchema,
  stopped: z
    .strictObject({
      orderId: z.string(),
      principals: z.array(z.string()),
      reason: z.string().exactOptional(),
      at: z.number(),
    })
    .nullable(),
  task: heldTaskSchema.nullable(),
  conflict: z.array(heldTaskSchema),
  actions: z.record(
    z.string(),
    z.strictObject({
      decision: z.enum(['approve', 'deny']),
      orderId: z.string(),
      principals: z.array(z.string()),
      at: z.number(),
      note: z.string().exactOptional(),
    }),
  ),
  leaseRenewedAt: z.number(),
  lastHeard: z.record(z.string(), z.number()),
  successions: z.array(
    z.strictObject({
      claimId: z.string(),
      successor: z.string(),
      for: z.string(),
      claimedAt: z.number(),
      completesAt: z.number(),
    }),
  ),
});

export const genesisSchema = z.strictObject({
  schemaVersion: z.literal(authorityStoreSchemaVersion),
  charter: charterSchema,
  createdAt: z.number(),
});

export const snapshotSchema = z.strictObject({
  schemaVersion: z.literal(authorityStoreSchemaVersion),
  state: authorityStateSchema,
});

export const journalEntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('order'),
    at: z.number(),
    envelope: envelopeSchema,
    signers: z.array(z.string()).min(1),
  }),
  z.strictObject({ kind: z.literal('time'), at: z.number() }),
  z.strictObject({ kind: z.literal('start'), at: z.number() }),
]);
