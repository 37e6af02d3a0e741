import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Tool } from '../tool.ts';

export type ToolInputValidation =
  | { valid: true; input: Record<string, unknown> }
  | { valid: false; errors: string[]; message: string };

// strict: false because user tools may carry annotations (titles, examples) ajv does not know.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const compiled = new WeakMap<object, ValidateFunction>();
// Tools made afresh for each run (e.g. one environment per eval sample) bring equal schemas in new objects:
// compiling is the expensive part, so equal schemas share one validator.
const compiledByText = new Map<string, ValidateFunction>();

function describe(error: ErrorObject): string {
  const path = `input${error.instancePath.replaceAll('/', '.')}`;
  if (error.keyword === 'additionalProperties') {
    return `${path}.${String(error.params.additionalProperty)}: unknown field`;
  }
  if (error.keyword === 'required') return `${path}.${String(error.params.missingProperty)}: required`;
  return `${path}: ${error.message ?? 'is invalid'}`;
}

/**
 * Checks a tool call's arguments against the tool's JSON Schema before anything runs. Defaults in
 * the schema are filled into a copy of the input; the caller's object is left as it was.
 */
export function validateToolInput(tool: Pick<Tool, 'name' | 'inputSchema'>, input: unknown): ToolInputValidation {
  let validate = compiled.get(tool.inputSchema);
  if (!validate) {
    const text = JSON.stringify(tool.inputSchema);
    validate = compiledByText.get(text) ?? ajv.compile(tool.inputSchema);
    compiledByText.set(text, validate);
    compiled.set(tool.inputSchema, validate);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const errors = ['input: must be an object of named arguments'];
    return { valid: false, errors, message: `Invalid arguments for tool '${tool.name}': ${errors[0]}` };
  }
  const copy = structuredClone(input) as Record<string, unknown>;
  if (validate(copy)) return { valid: true, input: copy };
  const errors = (validate.errors ?? []).map(describe);
  return { valid: false, errors, message: `Invalid arguments for tool '${tool.name}':\n  ${errors.join('\n  ')}` };
}
