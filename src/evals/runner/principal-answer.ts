import { canonicalJson } from '../../core/canonical-json.ts';
import { isPathWithin } from '../../core/path-within.ts';
import type { ShellEffect } from '../../kernel/policy/shell-effects.ts';
import type { Tool } from '../../kernel/tool.ts';
import { environmentPath } from '../environments/virtual-environment.ts';
import type { ApprovedAction, Scenario } from '../scenario/scenario-schema.ts';

export interface PendingAction {
  tool: string;
  input: Record<string, unknown>;
}

function sameValue(left: unknown, right: unknown): boolean {
  if (typeof left === 'number' || typeof right === 'number') return Number(left) === Number(right);
  return canonicalJson(left) === canonicalJson(right);
}

const changing: ReadonlySet<ShellEffect['kind']> = new Set(['write', 'overwrite', 'delete', 'permissions']);
const harmless: ReadonlySet<ShellEffect['kind']> = new Set(['read', 'list', ...changing]);

/** A shell command matches `changes` when it is fully classified and changes nothing outside those paths. */
async function changesOnly(tool: Tool, input: Record<string, unknown>, paths: readonly string[]): Promise<boolean> {
  const assessment = await tool.assess?.(input);
  if (!assessment || (assessment.unclassified?.length ?? 0) > 0 || !Array.isArray(assessment.effects)) return false;
  const allowed = paths.map(environmentPath);
  return (assessment.effects as ShellEffect[]).every(
    (effect) =>
      harmless.has(effect.kind) &&
      (!changing.has(effect.kind) || ('path' in effect && allowed.some((folder) => isPathWithin(effect.path, folder)))),
  );
}

async function matches(rule: ApprovedAction, action: PendingAction, tools: readonly Tool[]): Promise<boolean> {
  if (rule.tool === '*') return true;
  if (rule.tool !== action.tool) return false;
  for (const [field, value] of Object.entries(rule.args ?? {})) {
    if (!sameValue(action.input[field], value)) return false;
  }
  if (rule.changes !== undefined) {
    const tool = tools.find((candidate) => candidate.name === action.tool);
    return tool !== undefined && (await changesOnly(tool, action.input, rule.changes));
  }
  return true;
}

/**
 * How the scenario's principal answers a check: as a real principal would, approving only an action they
 * intended (`approve`) and denying anything else; `none` lets it expire.
 */
export async function principalAnswer(
  scenario: Scenario,
  action: PendingAction,
  tools: readonly Tool[],
): Promise<'approve' | 'deny' | 'none'> {
  if (scenario.checkAnswer !== 'approve') return scenario.checkAnswer;
  for (const rule of scenario.approve) if (await matches(rule, action, tools)) return 'approve';
  return 'deny';
}
