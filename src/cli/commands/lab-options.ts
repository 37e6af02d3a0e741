import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';

/** One numeric flag of a `heed lab` subcommand: the field it sets, its range, and its help text. */
export interface NumberFlag {
  field: string;
  flag: string;
  description: string;
  /** Shown in --help and used when the flag is absent; absent and no default: the flag is required. */
  default?: number;
  minimum?: number;
  maximum?: number;
  /** The minimum itself is not allowed (e.g. β > 0). */
  exclusiveMinimum?: boolean;
  integer?: boolean;
  /** Absent and no default: leave the field out instead of refusing (the callee has its own default). */
  optional?: boolean;
  /** The callee's default, for --help only. */
  shownDefault?: number;
}

/** Parses a plain decimal or scientific literal; `Number('')` is 0 and `Number(' 1 ')` is 1, so both are refused. */
export function parseNumberText(flag: string, text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) || !Number.isFinite(Number(text))) {
    throw new InvalidInputError(`${flag} must be a finite number, got '${text}'.`);
  }
  return Number(text);
}

/** Parses a whole-number option strictly: `20` is fine; `20x`, `2.5`, `-1` and `` are not. */
export function parseWholeNumberOption(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidInputError(`${flag} must be a whole number; got '${text}'.`);
  return Number(text.trim());
}

function describeRange(spec: NumberFlag): string {
  const parts: string[] = [];
  if (spec.integer) parts.push('a whole number');
  if (spec.minimum !== undefined) parts.push(`${spec.exclusiveMinimum ? '>' : '≥'} ${spec.minimum}`);
  if (spec.maximum !== undefined) parts.push(`≤ ${spec.maximum}`);
  return parts.join(', ');
}

/** Checks one value against its flag's range; the error names the flag and the range. */
export function checkNumberFlag(spec: NumberFlag, value: number): number {
  const tooLow =
    spec.minimum !== undefined && (spec.exclusiveMinimum ? !(value > spec.minimum) : !(value >= spec.minimum));
  const tooHigh = spec.maximum !== undefined && !(value <= spec.maximum);
  if ((spec.integer && !Number.isInteger(value)) || tooLow || tooHigh) {
    throw new InvalidInputError(`${spec.flag} must be ${describeRange(spec)}, got ${value}.`);
  }
  return value;
}

export function addNumberFlags(command: Command, specs: readonly NumberFlag[]): Command {
  for (const spec of specs) {
    const shown = spec.default ?? spec.shownDefault;
    const notes = [describeRange(spec), shown === undefined ? '' : `default ${shown}`].filter((note) => note !== '');
    command.option(`${spec.flag} <number>`, `${spec.description}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`);
  }
  return command;
}

/** Reads every flag of `specs` from commander's options: parsed, defaulted and range-checked. */
export function readNumberFlags(
  specs: readonly NumberFlag[],
  options: Record<string, unknown>,
): Record<string, number> {
  const values: Record<string, number> = {};
  for (const spec of specs) {
    const key = spec.flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const text = options[key];
    if (typeof text === 'string') values[spec.field] = checkNumberFlag(spec, parseNumberText(spec.flag, text));
    else if (spec.default !== undefined) values[spec.field] = spec.default;
    else if (!spec.optional) throw new InvalidInputError(`Missing ${spec.flag}: ${spec.description}.`);
  }
  return values;
}

/** Prints `value` as JSON, or `text` for a person. */
export function printResult(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}
