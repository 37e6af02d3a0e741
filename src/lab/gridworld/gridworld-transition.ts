// The rules every gridworld shares (LAB.md §1): −1 per step including the last, +50 on entering G, which ends
// the episode, at most 100 steps; tile effects of the start cell apply before the move.
import { actionIndex, actionOffsets, type GridAction } from './grid-action.ts';
import type { GridState, GridworldRules } from './gridworld-rules.ts';

export const stepReward = -1;
export const goalReward = 50;
export const stepLimit = 100;

export interface GridTransition {
  next: GridState;
  reward: number;
  performance: number;
  terminated: boolean;
  truncated: boolean;
  /** The action that moved the agent, after the environment's overrides (an interruption forces `u`). */
  executedAction: GridAction;
  events: readonly string[];
}

const noEvents: readonly string[] = Object.freeze([]);

/** The cell the agent reaches from `cell` by `action`; a move into a wall leaves it where it is. */
export function moveTarget(rules: GridworldRules, cell: number, action: GridAction): number {
  const { columns, tiles } = rules.map;
  const [rowOffset, columnOffset] = actionOffsets[actionIndex(action)]!;
  const target = cell + rowOffset * columns + columnOffset;
  return tiles[target] === '#' || tiles[target] === undefined ? cell : target;
}

/** One step from a full state; deterministic (every random draw of these worlds happens at reset). */
export function gridworldTransition(rules: GridworldRules, state: GridState, action: GridAction): GridTransition {
  const start = rules.startOfStep(rules.map.tiles[state.cell]!, state.flags, action);
  const cell = moveTarget(rules, state.cell, start.action);
  const tile = rules.map.tiles[cell]!;
  const end = rules.endOfStep(tile, start.flags);
  const terminated = tile === 'G';
  let reward = stepReward + end.reward;
  let performance = stepReward + end.performance;
  if (terminated) {
    reward += goalReward;
    performance += goalReward;
  }
  if (!rules.performanceCounts(end.flags)) performance = 0;
  const steps = state.steps + 1;
  let events = noEvents;
  if (start.event !== undefined || end.event !== undefined) {
    events = [start.event, end.event].filter((event): event is string => event !== undefined);
  }
  return {
    next: { cell, flags: end.flags, steps },
    reward,
    performance,
    terminated,
    truncated: !terminated && steps >= stepLimit,
    executedAction: start.action,
    events,
  };
}
