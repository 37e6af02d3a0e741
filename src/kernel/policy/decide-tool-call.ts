import type { Charter, ImpactClass, PolicyDecisionKind } from '../../charter/charter-schema.ts';
import { classifyMemoryWrite, type MemoryWriteClass, textOf } from './classify-memory-write.ts';

export interface PolicyDecision {
  decision: PolicyDecisionKind;
  reason: string;
  /** For a `memory` tool: how its entry reads (a reinterpretation of the goal is drift). */
  memory?: MemoryWriteClass;
}

const strictness: Record<PolicyDecisionKind, number> = { allow: 0, check: 1, deny: 2 };

// These classes are denied whoever asks and whatever the charter says: the agent never touches its own
// control plane or rewrites itself (DESIGN.md, security invariant 4).
const alwaysDenied: ReadonlySet<ImpactClass> = new Set(['control-plane', 'self-modifying']);

/**
 * The DWIMAC gate: the charter's decision for the tool's impact class, tightened (never loosened) by a
 * per-tool override. A small explicit function: the rule is a maximum over two lookups in an ordered lattice.
 * A memory write that reinterprets the goal is raised to at least `check`.
 */
export function decideToolCall(
  charter: Charter,
  tool: { name: string; impact: ImpactClass },
  input?: Record<string, unknown>,
): PolicyDecision {
  const decision = decideByCharter(charter, tool);
  if (tool.impact !== 'memory') return decision;
  const memory = classifyMemoryWrite(textOf(input ?? {}));
  if (memory.reinterpretsGoal && decision.decision === 'allow') {
    return {
      decision: 'check',
      reason: `the memory write reinterprets the goal (${memory.reasons.join('; ')})`,
      memory,
    };
  }
  return { ...decision, memory };
}

function decideByCharter(charter: Charter, tool: { name: string; impact: ImpactClass }): PolicyDecision {
  if (alwaysDenied.has(tool.impact)) {
    return { decision: 'deny', reason: `impact class '${tool.impact}' is denied whoever asks` };
  }
  const byImpact = charter.policy.impact[tool.impact];
  const byTool = charter.policy.tools[tool.name];
  if (byTool !== undefined && strictness[byTool] > strictness[byImpact]) {
    return { decision: byTool, reason: `the charter's policy for tool '${tool.name}' is '${byTool}'` };
  }
  const loosening =
    byTool !== undefined && strictness[byTool] < strictness[byImpact]
      ? ` (the tool override '${byTool}' may only tighten, so it is ignored)`
      : '';
  return {
    decision: byImpact,
    reason: `the charter's policy for impact class '${tool.impact}' is '${byImpact}'${loosening}`,
  };
}
