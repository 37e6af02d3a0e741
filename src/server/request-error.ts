import type { z } from 'zod';
import { describeIssues } from '../core/parse-with-schema.ts';

export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 413;

/** A request the server refuses: answered with this status and message, and recorded (bounded) in its audit. */
export class RequestError extends Error {
  readonly status: RefusalStatus;
  constructor(status: RefusalStatus, message: string) {
    super(message);
    this.status = status;
  }
}

/** Parses a JSON body with its schema; a refusal names what is wrong (`invalid envelope: agent: …`). */
export function parseBody<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, `${what} is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RequestError(400, `invalid ${what}: ${describeIssues(parsed.error).join('; ')}`);
  return parsed.data;
}
