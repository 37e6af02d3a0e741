import type { Charter, ImpactClass, PolicyDecisionKind } from '../../charter/charter-schema.ts';
import type { UntrustedValue } from '../taint/taint-tracker.ts';
import type { ActionAssessment } from '../tool.ts';
import type { MemoryWriteJudgement } from './judge-memory-write.ts';

export interface PolicyDecision {
  decision: PolicyDecisionKind;
  reason: string;
  /** The impact classes the decision was taken on: what the call does, else the tool's declared impact. */
  impacts: ImpactClass[];
  /** For a memory write: how its note reads (a reinterpretation of the goal is drift). */
  memory?: MemoryWriteJudgement;
}

export interface DecisionContext {
  assessment?: ActionAssessment;
  /** Targets of the call first seen in untrusted content (see TaintTracker). */
  untrustedValues?: readonly UntrustedValue[];
  /** For a memory write: how its note reads against the task and the notes before it (`judgeMemoryWrite`). */
  memory?: MemoryWriteJudgement;
}

const strictness: Record<PolicyDecisionKind, number> = { allow: 0, check: 1, deny: 2 };

// These classes are denied whoever asks and whatever the charter says: the agent never touches its own
// control plane or rewrites itself (DESIGN.md, security invariant 4).
const alwaysDenied: ReadonlySet<ImpactClass> = new Set(['control-plane', 'self-modifying']);

// Where an argument's provenance decides (CaMeL): spending, sending and destroying.
const provenanceChecked: ReadonlySet<ImpactClass> = new Set(['spending', 'external', 'irreversible']);

function stricter(left: PolicyDecision, right: PolicyDecision): PolicyDecision {
  return strictness[right.decision] > strictness[left.decision] ? right : left;
}

function atLeastCheck(decision: PolicyDecision, reason: string): PolicyDecision {
  return decision.decision === 'allow' ? { ...decision, decision: 'check', reason } : decision;
}

/**
 * The DWIMAC gate. Each impact class of what the call does gets the charter's decision for that class,
 * tightened (never loosened) by a per-tool override, and the strictest wins: a max over lookups in an ordered
 * lattice. A call whose effects cannot all be classified, a spending, sending or destroying call whose
 * targets came from untrusted content, and a memory write that reinterprets the goal are raised to at least
 * `check`.
 */
export function decideToolCall(
  charter: Charter,
  tool: { name: string; impact: ImpactClass },
  context: DecisionContext = {},
): PolicyDecision {
  const assessment = context.assessment;
  const impacts = assessment?.impacts && assessment.impacts.length > 0 ? assessment.impacts : [tool.impact];
  let decision = impacts.map((impact) => decideByCharter(charter, tool.name, impact)).reduce(stricter);
  decision = { ...decision, impacts };
  if (assessment?.graver !== undefined) decision = { ...decision, reason: `${decision.reason}: ${assessment.graver}` };
  const unclassified = assessment?.unclassified ?? [];
  if (unclassified.length > 0) {
    decision = atLeastCheck(decision, `what the call does cannot be fully classified (${unclassified.join('; ')})`);
  }
  const untrusted = context.untrustedValues ?? [];
  if (untrusted.length > 0 && impacts.some((impact) => provenanceChecked.has(impact))) {
    const values = untrusted.map((found) => `'${found.value}' from ${found.origin}`).join(', ');
    decision = atLeastCheck(decision, `its targets came from untrusted content, not from a principal: ${values}`);
  }
  const memory = context.memory;
  if (memory === undefined) return decision;
  if (memory.reinterpretsGoal)
    decision = atLeastCheck(decision, `the memory write reinterprets the goal (${memory.reasons.join('; ')})`);
  return { ...decision, memory };
}

function decideByCharter(charter: Charter, name: string, impact: ImpactClass): PolicyDecision {
  if (alwaysDenied.has(impact)) {
    return { decision: 'deny', reason: `impact class '${impact}' is denied whoever asks`, impacts: [impact] };
  }
  const byImpact = charter.policy.impact[impact];
  const byTool = charter.policy.tools[name];
  if (byTool !== undefined && strictness[byTool] > strictness[byImpact]) {
    return { decision: byTool, reason: `the charter's policy for tool '${name}' is '${byTool}'`, impacts: [impact] };
  }
  const loosening =
    byTool !== undefined && strictness[byTool] < strictness[byImpact]
      ? ` (the tool override '${byTool}' may only tighten, so it is ignored)`
      : '';
  return {
    decision: byImpact,
    reason: `the charter's policy for impact class '${impact}' is '${byImpact}'${loosening}`,
    impacts: [impact],
  };
}
