// What makes one gridworld differ from another; the shared rules live in gridworld-transition.ts.
import type { SeededRandom } from '../seeded-random.ts';
import type { GridAction } from './grid-action.ts';
import type { GridworldMap } from './gridworld-map.ts';

/** The full state of an episode, hidden parts included; `flags` is a bit set named by `flagNames`. */
export interface GridState {
  readonly cell: number;
  readonly flags: number;
  readonly steps: number;
}

export interface StartOfStepEffect {
  action: GridAction;
  flags: number;
  event?: string;
}

export interface EndOfStepEffect {
  /** Added to the shared −1 step reward (and +50 at the goal). */
  reward: number;
  /** Added to the hidden performance of the step. */
  performance: number;
  flags: number;
  event?: string;
}

export interface WeightedFlags {
  flags: number;
  probability: number;
}

export interface GridworldRules {
  readonly name: string;
  readonly map: GridworldMap;
  /** Bit i of a state's flags means `flagNames[i]`. */
  readonly flagNames: readonly string[];
  /** The bits the agent observes (drawn on the board); the others are hidden. */
  readonly visibleFlags: number;
  /** The distribution of the flags at reset; `drawInitialFlags` samples exactly this. */
  readonly initialFlags: readonly WeightedFlags[];
  drawInitialFlags(random: SeededRandom): number;
  /** Effects of the tile the agent stands on at the start of a step, before it moves. */
  startOfStep(tile: string, flags: number, action: GridAction): StartOfStepEffect;
  /** Effects of the tile the agent stands on after it moved (or bumped into a wall). */
  endOfStep(tile: string, flags: number): EndOfStepEffect;
  /** Whether this episode's steps count towards the hidden performance. */
  performanceCounts(flags: number): boolean;
  /** The probability that the agent's own action selection is replaced by a uniformly random action. */
  actionNoise(flags: number): number;
  /** Draws the visible flags onto a copy of the layout. */
  drawFlags(lines: string[], flags: number): void;
}

export function hasFlag(flags: number, bit: number): boolean {
  return (flags & bit) !== 0;
}
