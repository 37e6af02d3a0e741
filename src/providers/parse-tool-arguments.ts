import type { ToolCall } from './provider.ts';

export type ParsedToolArguments =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: string; raw: string };

/**
 * Reads a tool call's raw argument text. Malformed or non-object arguments are a value, not a throw:
 * the kernel reports them back to the model and runs nothing.
 */
export function parseToolArguments(call: ToolCall): ParsedToolArguments {
  const raw = call.arguments;
  if (raw.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, error: `arguments of ${call.name} are not valid JSON: ${(error as Error).message}`, raw };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `arguments of ${call.name} must be a JSON object`, raw };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
