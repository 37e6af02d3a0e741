// Reading a model server's answers: JSON bodies checked against a schema, and the human part of an error body.
import type { z } from 'zod';
import { describeIssues } from '../../core/parse-with-schema.ts';
import { ProviderResponseError } from '../provider-errors.ts';

/** Parses `text` as `what` (e.g. "a chat completion"); an `error` field inside a 2xx is the server's failure. */
export function readJsonBody<Schema extends z.ZodType>(
  url: string,
  text: string,
  schema: Schema,
  what: string,
): z.output<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProviderResponseError(url, `expected ${what} as JSON, got ${quote(text)}`);
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (error !== undefined && error !== null) {
    throw new ProviderResponseError(url, `the server reported an error: ${serverMessage(text, 'unknown error')}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProviderResponseError(url, `not ${what}: ${describeIssues(result.error).join('; ')}`);
  }
  return result.data;
}

/**
 * The human part of an error body: OpenAI's and Anthropic's `{error: {message}}`, or `{message}`, `{detail}`, or
 * the text itself.
 */
export function serverMessage(text: string, fallback: string): string {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const error = value.error;
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    for (const field of ['message', 'detail']) if (typeof value[field] === 'string') return value[field];
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.trim() === '' ? fallback : quote(text);
}

/** The system error's code and message, e.g. `connect ECONNREFUSED 127.0.0.1:8000`. */
export function describeConnectionError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
}

function quote(text: string): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed);
}
