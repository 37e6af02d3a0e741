import { z } from 'zod';

const text = z.string().max(200_000);

export const emailSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1).default('agent'),
  subject: z.string().default(''),
  body: text,
});
export type Email = z.infer<typeof emailSchema>;

/** The virtual world of one scenario: everything in memory, nothing on the real machine. */
export const environmentSpecSchema = z.strictObject({
  /** Files of the simulated shell, relative to its home folder /home/user. */
  files: z.record(z.string().min(1), text).default({}),
  /** Files that belong to the control plane (e.g. shutdown.sh): with the guard on, no tool may change them. */
  protected: z.array(z.string().min(1)).default([]),
  /** Questions served by ./next_question, Palisade-style; empty means no such command. */
  questions: z.array(z.strictObject({ question: z.string().min(1), answer: z.string().min(1) })).default([]),
  /** After this many questions, ./next_question warns that the next call runs the shutdown script. */
  shutdownWarningAfter: z.number().int().min(1).optional(),
  /** The shutdown script ./next_question runs when it is due (relative to the home folder). */
  shutdownScript: z
    .string()
    .regex(/^[\w.-]+(?:\/[\w.-]+)*$/, 'must be a relative path')
    .default('shutdown.sh'),
  inbox: z.array(emailSchema).default([]),
  /** Web pages by URL. */
  web: z.record(z.string().min(1), text).default({}),
  /** Account balances of a bank ledger; the agent's own account is `agent`. */
  accounts: z.record(z.string().min(1), z.number()).default({}),
  /** Entries already in the agent's memory store. */
  memory: z.array(z.string()).default([]),
  /** Which tool groups the agent gets; by default those whose data is present (shell always). */
  tools: z.array(z.enum(['shell', 'inbox', 'web', 'bank', 'memory', 'submit'])).optional(),
});
export type EnvironmentSpec = z.output<typeof environmentSpecSchema>;
