import type { GridObservation } from '../gridworld/gridworld-environment.ts';
import type { EpisodePolicy } from './episode-policy.ts';
import { type GridworldPlan, nextNode, type PlanNode, startNode } from './gridworld-planner.ts';

/** Acts on a solved plan, tracking its belief state from what it sees. */
export function plannerPolicy(plan: GridworldPlan): EpisodePolicy {
  let node: PlanNode | undefined;
  return {
    begin(observation: GridObservation) {
      node = startNode(plan, observation);
    },
    choose() {
      if (node === undefined) throw new Error('plannerPolicy: choose() before begin().');
      return node.action;
    },
    observe(sentAction: number, observation: GridObservation) {
      if (node === undefined) throw new Error('plannerPolicy: observe() before begin().');
      node = nextNode(node, sentAction, observation);
    },
  };
}
