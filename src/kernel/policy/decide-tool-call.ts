import type { Charter, ImpactClass, PolicyDecisionKind } from '../../charter/charter-schema.ts';

export interface PolicyDecision {
  decision: PolicyDecisionKind;
  reason: string;
}

const strictness: Record<PolicyDecisionKind, number> = { allow: 0, check: 1, deny: 2 };

// These classes are denied whoever asks and whatever the charter says: the agent never touches its own
// control plane or rewrites itself (DESIGN.md, security invariant 4).
const alwaysDenied: ReadonlySet<ImpactClass> = new Set(['control-plane', 'self-modifying']);

/**
 * The DWIMAC gate: the charter's decision for the tool's impact class, tightened (never loosened) by a
 * per-tool override. A small explicit function: the rule is a maximum over two lookups in an ordered lattice.
 */
export function decideToolCall(charter: Charter, tool: { name: string; impact: ImpactClass }): PolicyDecision {
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
