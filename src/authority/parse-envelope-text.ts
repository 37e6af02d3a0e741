import { InvalidInputError } from '../core/heed-error.ts';
import { describeIssues } from '../core/parse-with-schema.ts';
import { type Envelope, envelopeSchema, maxEnvelopeBytes } from './envelope.ts';
import { orderBodySchemas } from './order-bodies.ts';

/**
 * Strictly reads an envelope from text, throwing InvalidInputError that names the byte or field that is wrong.
 * For input a user hands over (files, HTTP bodies); `verifyEnvelope` makes the same checks but returns a decision.
 */
export function parseEnvelopeText(text: string, source = 'envelope'): Envelope {
  const size = Buffer.byteLength(text);
  if (size > maxEnvelopeBytes) {
    throw new InvalidInputError(`${source} is ${size} bytes; envelopes are limited to ${maxEnvelopeBytes} bytes.`, {
      code: 'oversized',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const where = /position \d+/.test(message) ? '' : ` (the input ends at byte ${size}: truncated?)`;
    throw new InvalidInputError(`${source} is not valid JSON: ${message}${where}`, { cause: error, code: 'parse' });
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidInputError(`Invalid ${source}:\n  ${describeIssues(parsed.error).join('\n  ')}`, {
      code: 'schema',
      cause: parsed.error,
    });
  }
  const body = orderBodySchemas[parsed.data.kind].safeParse(parsed.data.body);
  if (!body.success) {
    const issues = describeIssues(body.error).map((issue) => `body.${issue}`);
    throw new InvalidInputError(`Invalid ${source} (a '${parsed.data.kind}' order):\n  ${issues.join('\n  ')}`, {
      code: 'schema',
      cause: body.error,
    });
  }
  if (!(Date.parse(parsed.data.expiresAt) > Date.parse(parsed.data.issuedAt))) {
    throw new InvalidInputError(`Invalid ${source}: expiresAt must be later than issuedAt.`, { code: 'schema' });
  }
  return parsed.data;
}
