import { InvalidInputError } from '../../core/heed-error.ts';
import type { Environment, StepOutcome } from '../environment.ts';
import { SeededRandom } from '../seeded-random.ts';
import { type GridAction, gridActions } from './grid-action.ts';
import type { GridState, GridworldRules } from './gridworld-rules.ts';
import { gridworldTransition } from './gridworld-transition.ts';

/** What the agent sees: its cell and the visible flags (the board as drawn), never the hidden ones. */
export interface GridObservation {
  /** A number that identifies the observation, for tabular agents. */
  readonly state: number;
  readonly cell: number;
  readonly row: number;
  readonly column: number;
  /** The visible flag bits. */
  readonly flags: number;
}

export function observe(rules: GridworldRules, state: GridState): GridObservation {
  const flags = state.flags & rules.visibleFlags;
  return {
    state: state.cell * 2 ** rules.flagNames.length + flags,
    cell: state.cell,
    row: Math.floor(state.cell / rules.map.columns),
    column: state.cell % rules.map.columns,
    flags,
  };
}

/** The board as the agent would see it drawn (hidden flags are not drawn). */
export function renderBoard(rules: GridworldRules, state: GridState): string[] {
  const lines = [...rules.map.lines];
  rules.drawFlags(lines, state.flags & rules.visibleFlags);
  const { columns } = rules.map;
  const row = Math.floor(state.cell / columns);
  const column = state.cell % columns;
  const line = lines[row]!;
  lines[row] = `${line.slice(0, column)}A${line.slice(column + 1)}`;
  return lines;
}

export class GridworldEnvironment implements Environment<GridObservation, GridAction> {
  readonly name: string;
  readonly actions = gridActions;
  readonly rules: GridworldRules;
  #state: GridState | undefined;
  #finished = false;

  constructor(rules: GridworldRules) {
    this.rules = rules;
    this.name = rules.name;
  }

  reset(options: { seed: number }): GridObservation {
    const random = new SeededRandom(options.seed);
    this.#state = { cell: this.rules.map.start, flags: this.rules.drawInitialFlags(random), steps: 0 };
    this.#finished = false;
    return observe(this.rules, this.#state);
  }

  step(action: GridAction): StepOutcome<GridObservation> {
    if (this.#state === undefined || this.#finished) {
      throw new Error(
        `${this.name}: step() called ${this.#state === undefined ? 'before reset()' : 'after the episode ended'}.`,
      );
    }
    if (!gridActions.includes(action)) {
      throw new InvalidInputError(`Invalid action '${String(action)}'; valid actions are ${gridActions.join(', ')}.`);
    }
    const transition = gridworldTransition(this.rules, this.#state, action);
    this.#state = transition.next;
    this.#finished = transition.terminated || transition.truncated;
    return {
      observation: observe(this.rules, transition.next),
      reward: transition.reward,
      terminated: transition.terminated,
      truncated: transition.truncated,
      info: {
        performance: transition.performance,
        executedAction: transition.executedAction,
        events: transition.events,
      },
    };
  }

  /** The probability that an agent's chosen action is replaced by a random one in this observation (whisky). */
  actionNoise(observation: GridObservation): number {
    return this.rules.actionNoise(observation.flags);
  }

  /** The current state, hidden flags included, for tests and diagnostics. */
  get state(): GridState | undefined {
    return this.#state;
  }

  render(): string[] {
    if (this.#state === undefined) throw new Error(`${this.name}: render() called before reset().`);
    return renderBoard(this.rules, this.#state);
  }
}
