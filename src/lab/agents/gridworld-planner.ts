// An exact planner for the gridworlds: finite-horizon value iteration (backward induction over the step count,
// undiscounted, so values are exact expected returns) over belief states. A belief state is what the agent has
// seen (cell, visible flags, steps taken) plus the probability of each hidden flag setting given that history;
// the hidden interruption flag of safe-interruptibility is the only belief that is ever uncertain.
import { gridActions } from '../gridworld/grid-action.ts';
import type { GridObservation } from '../gridworld/gridworld-environment.ts';
import type { GridworldRules } from '../gridworld/gridworld-rules.ts';
import { gridworldTransition, stepLimit } from '../gridworld/gridworld-transition.ts';

export type PlanningObjective = 'reward' | 'performance';

export interface PlannerOptions {
  objective: PlanningObjective;
  /** Whether the planner models the random replacement of its own actions (whisky-gold's drunkenness). */
  modelActionNoise: boolean;
}

interface BeliefEntry {
  flags: number;
  probability: number;
}

interface Outcome {
  probability: number;
  /** Expected reward and performance of the step, given this outcome. */
  reward: number;
  performance: number;
  /** The next belief state, absent when the episode ended. */
  next: PlanNode | undefined;
  cell: number;
  visibleFlags: number;
}

export interface PlanNode {
  readonly cell: number;
  readonly visibleFlags: number;
  readonly steps: number;
  readonly belief: BeliefEntry[];
  /** Outcomes of each action as sent to the environment, indexed like `gridActions`. */
  outcomes: Outcome[][];
  /** The planner's choice here (an index into `gridActions`), and the expected totals from here under its policy. */
  action: number;
  expectedReward: number;
  expectedPerformance: number;
}

export interface GridworldPlan {
  readonly options: PlannerOptions;
  /** The belief states the agent can start in, with their probabilities. */
  readonly initial: ReadonlyArray<{ probability: number; node: PlanNode }>;
  /** Every belief state solved, over all steps. */
  readonly stateCount: number;
  readonly expectedReward: number;
  readonly expectedPerformance: number;
}

const tolerance = 1e-9;

function beliefKey(cell: number, visibleFlags: number, belief: readonly BeliefEntry[]): string {
  let key = `${cell}|${visibleFlags}`;
  // Rounded so that one belief reached along paths with different rounding errors is one state.
  for (const entry of belief) key += `|${entry.flags}:${Math.round(entry.probability * 1e12)}`;
  return key;
}

function normalise(entries: Map<number, number>, total: number): BeliefEntry[] {
  return [...entries]
    .map(([flags, probability]) => ({ flags, probability: probability / total }))
    .sort((left, right) => left.flags - right.flags);
}

/** Solves a gridworld exactly for one objective; the policy depends on the step count (the horizon is 100 steps). */
export function planGridworld(rules: GridworldRules, options: PlannerOptions): GridworldPlan {
  const layers: Array<Map<string, PlanNode>> = Array.from({ length: stepLimit + 1 }, () => new Map());
  const nodeFor = (steps: number, cell: number, visibleFlags: number, belief: BeliefEntry[]): PlanNode => {
    const key = beliefKey(cell, visibleFlags, belief);
    const layer = layers[steps]!;
    let node = layer.get(key);
    if (node === undefined) {
      node = { cell, visibleFlags, steps, belief, outcomes: [], action: 0, expectedReward: 0, expectedPerformance: 0 };
      layer.set(key, node);
    }
    return node;
  };

  const initialGroups = new Map<number, Map<number, number>>();
  for (const entry of rules.initialFlags) {
    const visible = entry.flags & rules.visibleFlags;
    const group = initialGroups.get(visible) ?? new Map<number, number>();
    group.set(entry.flags, (group.get(entry.flags) ?? 0) + entry.probability);
    initialGroups.set(visible, group);
  }
  const initial = [...initialGroups].map(([visible, group]) => {
    const total = [...group.values()].reduce((sum, probability) => sum + probability, 0);
    return { probability: total, node: nodeFor(0, rules.map.start, visible, normalise(group, total)) };
  });

  for (let steps = 0; steps < stepLimit; steps++) {
    for (const node of layers[steps]!.values()) node.outcomes = gridActions.map((action) => expand(node, action));
  }

  function expand(node: PlanNode, action: (typeof gridActions)[number]): Outcome[] {
    if (node.belief.length === 1) return [expandCertain(node, action)];
    // Beliefs hold one or two entries, so outcomes are grouped by a linear scan rather than by keyed maps.
    const outcomes: Outcome[] = [];
    const ended: boolean[] = [];
    const entries: BeliefEntry[][] = [];
    for (const entry of node.belief) {
      const transition = gridworldTransition(rules, { cell: node.cell, flags: entry.flags, steps: node.steps }, action);
      const cell = transition.next.cell;
      const visibleFlags = transition.next.flags & rules.visibleFlags;
      const episodeEnded = transition.terminated || transition.truncated;
      let index = outcomes.findIndex(
        (outcome, position) =>
          outcome.cell === cell && outcome.visibleFlags === visibleFlags && ended[position] === episodeEnded,
      );
      if (index === -1) {
        index = outcomes.length;
        outcomes.push({ probability: 0, reward: 0, performance: 0, next: undefined, cell, visibleFlags });
        ended.push(episodeEnded);
        entries.push([]);
      }
      const outcome = outcomes[index]!;
      outcome.probability += entry.probability;
      outcome.reward += entry.probability * transition.reward;
      outcome.performance += entry.probability * transition.performance;
      const group = entries[index]!;
      const same = group.find((candidate) => candidate.flags === transition.next.flags);
      if (same === undefined) group.push({ flags: transition.next.flags, probability: entry.probability });
      else same.probability += entry.probability;
    }
    outcomes.forEach((outcome, index) => {
      outcome.reward /= outcome.probability;
      outcome.performance /= outcome.probability;
      if (ended[index]) return;
      const belief = entries[index]!.map((entry) => ({
        flags: entry.flags,
        probability: entry.probability / outcome.probability,
      }));
      belief.sort((left, right) => left.flags - right.flags);
      outcome.next = nodeFor(node.steps + 1, outcome.cell, outcome.visibleFlags, belief);
    });
    return outcomes;
  }

  // The common case: nothing hidden is uncertain, so the step has exactly one outcome.
  function expandCertain(node: PlanNode, action: (typeof gridActions)[number]): Outcome {
    const flags = node.belief[0]!.flags;
    const transition = gridworldTransition(rules, { cell: node.cell, flags, steps: node.steps }, action);
    const cell = transition.next.cell;
    const visibleFlags = transition.next.flags & rules.visibleFlags;
    const ended = transition.terminated || transition.truncated;
    const next = ended
      ? undefined
      : nodeFor(node.steps + 1, cell, visibleFlags, [{ flags: transition.next.flags, probability: 1 }]);
    return { probability: 1, reward: transition.reward, performance: transition.performance, next, cell, visibleFlags };
  }

  let stateCount = 0;
  for (let steps = stepLimit - 1; steps >= 0; steps--) {
    for (const node of layers[steps]!.values()) {
      stateCount++;
      solve(node);
    }
  }

  function solve(node: PlanNode): void {
    const noise = options.modelActionNoise ? rules.actionNoise(node.visibleFlags) : 0;
    const totals = node.outcomes.map((outcomes) => {
      let reward = 0;
      let performance = 0;
      for (const outcome of outcomes) {
        reward += outcome.probability * (outcome.reward + (outcome.next?.expectedReward ?? 0));
        performance += outcome.probability * (outcome.performance + (outcome.next?.expectedPerformance ?? 0));
      }
      return { reward, performance };
    });
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    let bestTotals = { reward: 0, performance: 0 };
    for (let chosen = 0; chosen < gridActions.length; chosen++) {
      const mixed = { reward: 0, performance: 0 };
      for (let sent = 0; sent < gridActions.length; sent++) {
        const weight = (sent === chosen ? 1 - noise : 0) + noise / gridActions.length;
        mixed.reward += weight * totals[sent]!.reward;
        mixed.performance += weight * totals[sent]!.performance;
      }
      const value = options.objective === 'reward' ? mixed.reward : mixed.performance;
      if (value > bestValue + tolerance) {
        best = chosen;
        bestValue = value;
        bestTotals = mixed;
      }
    }
    node.action = best;
    node.expectedReward = bestTotals.reward;
    node.expectedPerformance = bestTotals.performance;
  }

  const expectation = (pick: (node: PlanNode) => number) =>
    initial.reduce((sum, start) => sum + start.probability * pick(start.node), 0);
  return {
    options,
    initial,
    stateCount,
    expectedReward: expectation((node) => node.expectedReward),
    expectedPerformance: expectation((node) => node.expectedPerformance),
  };
}

/** The start node matching a first observation. */
export function startNode(plan: GridworldPlan, observation: GridObservation): PlanNode {
  const match = plan.initial.find(
    (start) => start.node.cell === observation.cell && start.node.visibleFlags === observation.flags,
  );
  if (match === undefined) throw new Error('The observation at reset is not one the plan starts from.');
  return match.node;
}

/** The node after sending `sentAction` (an index into `gridActions`) from `node` and seeing `observation`. */
export function nextNode(node: PlanNode, sentAction: number, observation: GridObservation): PlanNode {
  const outcome = node.outcomes[sentAction]?.find(
    (candidate) => candidate.cell === observation.cell && candidate.visibleFlags === observation.flags,
  );
  if (outcome?.next === undefined) throw new Error('The observation is not a continuing outcome of the plan.');
  return outcome.next;
}
