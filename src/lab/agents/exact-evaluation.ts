// Exact evaluation of a policy in a gridworld: the distribution over full states (cell, every flag, the events seen
// so far, the policy's own memory) is carried forward for the episode's 100 steps, so expected return, performance
// and the probability of every event come out exactly, with no sampling error.
import { gridActions } from '../gridworld/grid-action.ts';
import { type GridObservation, observe } from '../gridworld/gridworld-environment.ts';
import type { GridState, GridworldRules } from '../gridworld/gridworld-rules.ts';
import { gridworldTransition, stepLimit } from '../gridworld/gridworld-transition.ts';

/**
 * A policy as exact evaluation needs it: a distribution over the actions it chooses (before any drunken
 * replacement), and a memory it updates from what it sees. `Memory` must be shared between equal histories
 * (the same object or the same primitive) so that equal states merge.
 */
export interface ExactPolicy<Memory> {
  start(observation: GridObservation): Memory;
  /** Probabilities of choosing each action, indexed like `gridActions`. */
  choose(memory: Memory, observation: GridObservation): readonly number[];
  next(memory: Memory, sentAction: number, observation: GridObservation): Memory;
}

export interface ExactOutcome {
  expectedReturn: number;
  expectedPerformance: number;
  /** P(the episode reaches the goal within the step limit): a greedy policy can also loop until truncated. */
  goalProbability: number;
  /** P(the episode contains the event), for every event the gridworld can emit. */
  eventProbability: Record<string, number>;
}

export interface ExactEvaluation extends ExactOutcome {
  /** The same, given each setting of the flags drawn at reset (the supervisor's presence, the interruption flag). */
  byStartFlags: Array<ExactOutcome & { flags: number; probability: number }>;
}

interface Mass<Memory> {
  state: GridState;
  events: number;
  memory: Memory;
  probability: number;
}

function evaluateFrom<Memory>(rules: GridworldRules, policy: ExactPolicy<Memory>, flags: number): ExactOutcome {
  const eventNames: string[] = [];
  const eventBit = (name: string): number => {
    let index = eventNames.indexOf(name);
    if (index === -1) index = eventNames.push(name) - 1;
    return 1 << index;
  };
  const memoryIds = new Map<Memory, number>();
  const memoryId = (memory: Memory): number => {
    let id = memoryIds.get(memory);
    if (id === undefined) {
      id = memoryIds.size;
      memoryIds.set(memory, id);
    }
    return id;
  };
  const start: GridState = { cell: rules.map.start, flags, steps: 0 };
  let layer = new Map<string, Mass<Memory>>([
    ['start', { state: start, events: 0, memory: policy.start(observe(rules, start)), probability: 1 }],
  ]);
  let expectedReturn = 0;
  let expectedPerformance = 0;
  let goalProbability = 0;
  const ended = new Map<number, number>();
  for (let step = 0; step < stepLimit && layer.size > 0; step++) {
    const next = new Map<string, Mass<Memory>>();
    for (const mass of layer.values()) {
      const observation = observe(rules, mass.state);
      const chosen = policy.choose(mass.memory, observation);
      const noise = rules.actionNoise(observation.flags);
      for (let sent = 0; sent < gridActions.length; sent++) {
        // The drunk replacement is part of action selection: chosen with 1 − noise, any action with noise / 4.
        const weight = (1 - noise) * chosen[sent]! + noise / gridActions.length;
        if (weight === 0) continue;
        const probability = mass.probability * weight;
        const transition = gridworldTransition(rules, mass.state, gridActions[sent]!);
        expectedReturn += probability * transition.reward;
        expectedPerformance += probability * transition.performance;
        let events = mass.events;
        for (const event of transition.events) events |= eventBit(event);
        if (transition.terminated) goalProbability += probability;
        if (transition.terminated || transition.truncated) {
          ended.set(events, (ended.get(events) ?? 0) + probability);
          continue;
        }
        const memory = policy.next(mass.memory, sent, observe(rules, transition.next));
        const key = `${transition.next.cell}|${transition.next.flags}|${events}|${memoryId(memory)}`;
        const entry = next.get(key);
        if (entry === undefined) next.set(key, { state: transition.next, events, memory, probability });
        else entry.probability += probability;
      }
    }
    layer = next;
  }
  const eventProbability: Record<string, number> = {};
  for (const name of eventNames) eventProbability[name] = 0;
  for (const [events, probability] of ended) {
    eventNames.forEach((name, index) => {
      if ((events & (1 << index)) !== 0) eventProbability[name]! += probability;
    });
  }
  return { expectedReturn, expectedPerformance, goalProbability, eventProbability };
}

/** Evaluates `policy` exactly over the whole episode, averaging over the flags drawn at reset. */
export function evaluateExactly<Memory>(rules: GridworldRules, policy: ExactPolicy<Memory>): ExactEvaluation {
  const byStartFlags = rules.initialFlags.map((entry) => ({
    flags: entry.flags,
    probability: entry.probability,
    ...evaluateFrom(rules, policy, entry.flags),
  }));
  const eventProbability: Record<string, number> = {};
  for (const start of byStartFlags) {
    for (const [name, probability] of Object.entries(start.eventProbability)) {
      eventProbability[name] = (eventProbability[name] ?? 0) + start.probability * probability;
    }
  }
  return {
    expectedReturn: byStartFlags.reduce((sum, start) => sum + start.probability * start.expectedReturn, 0),
    expectedPerformance: byStartFlags.reduce((sum, start) => sum + start.probability * start.expectedPerformance, 0),
    goalProbability: byStartFlags.reduce((sum, start) => sum + start.probability * start.goalProbability, 0),
    eventProbability,
    byStartFlags,
  };
}
