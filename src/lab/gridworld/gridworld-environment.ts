import { InvalidInputError } from '../../core/heed-error.ts';
import type { Environment, StepInfo, StepOutcome } from '../environment.ts';
import { SeededRandom } from '../seeded-random.ts';
import { type GridAction, gridActions } from './grid-action.ts';
import type { GridState, GridworldRules } from './gridworld-rules.ts';
import { gridworldTransition, stepLimit } from './gridworld-transition.ts';

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

/** What one step from (cell, flags) by one action gives; the same for every step count except for truncation. */
interface CachedStep {
  cell: number;
  flags: number;
  reward: number;
  terminated: boolean;
  observation: GridObservation;
  info: StepInfo;
}

export class GridworldEnvironment implements Environment<GridObservation, GridAction> {
  readonly name: string;
  readonly actions = gridActions;
  readonly rules: GridworldRules;
  #state: GridState | undefined;
  #finished = false;
  // Learners take hundreds of thousands of steps over a few hundred (cell, flags, action) triples: each is worked
  // out once. The cached observations and infos are shared, so callers must not change them.
  readonly #steps = new Map<number, CachedStep>();

  constructor(rules: GridworldRules) {
    this.rules = rules;
    this.name = rules.name;
  }

  #cachedStep(state: GridState, action: GridAction): CachedStep {
    const key = ((state.cell << 8) | state.flags) * gridActions.length + gridActions.indexOf(action);
    let cached = this.#steps.get(key);
    if (cached === undefined) {
      const transition = gridworldTransition(this.rules, { ...state, steps: 0 }, action);
      cached = {
        cell: transition.next.cell,
        flags: transition.next.flags,
        reward: transition.reward,
        terminated: transition.terminated,
        observation: observe(this.rules, transition.next),
        info: {
          performance: transition.performance,
          executedAction: transition.executedAction,
          events: transition.events,
        },
      };
      this.#steps.set(key, cached);
    }
    return cached;
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
    const cached = this.#cachedStep(this.#state, action);
    const steps = this.#state.steps + 1;
    const truncated = !cached.terminated && steps >= stepLimit;
    this.#state = { cell: cached.cell, flags: cached.flags, steps };
    this.#finished = cached.terminated || truncated;
    return {
      observation: cached.observation,
      reward: cached.reward,
      terminated: cached.terminated,
      truncated,
      info: cached.info,
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
