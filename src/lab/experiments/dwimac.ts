// E4, DWIMAC: check before acting iff the off-switch incentive exceeds the price of asking; what checking buys over a
// sequence of instructions, and what it costs a principal who tires.
import { decideCheck, defaultSequence, playSequence, type SequenceOutcome, sequenceAgents } from '../dwimac/dwimac.ts';
import type { Claim, Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { rounded } from './charter-claims.ts';

export const fatigueSweep = [0, 0.2, 1];
const russell = { kind: 'uniform', low: -40, high: 60 } as const;
/** Beliefs with σ² ≤ 2β|μ| for a noisy human with β = 0.5: none is ever checked, even when checking is free. */
const quietBeliefs = [
  { mean: 1, deviation: 0.5 },
  { mean: -2, deviation: 1 },
  { mean: 0.5, deviation: Math.sqrt(0.5) },
];

export function runDwimacExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  onProgress(0, 2);
  const russellCosts = [0, 4, 7.99, 8, 12].map((cost) => ({
    cost,
    ...decideCheck(russell, { kind: 'rational' }, cost),
  }));
  const confident = [-2, -0.5, 0.5, 2].flatMap((mean) =>
    [{ kind: 'rational' } as const, { kind: 'noisy', beta: 0.5 } as const].map((human) => ({
      mean,
      human: human.kind,
      ...decideCheck({ kind: 'normal', mean, deviation: 0 }, human, 0),
    })),
  );
  const quiet = quietBeliefs.map((belief) => ({
    ...belief,
    ...decideCheck({ kind: 'normal', ...belief }, { kind: 'noisy', beta: 0.5 }, 0),
  }));
  const sequences: Array<{ fatigue: number; outcomes: SequenceOutcome[] }> = fatigueSweep.map((fatigue) => ({
    fatigue,
    outcomes: sequenceAgents.map((agent) => playSequence({ ...defaultSequence, fatigue }, agent)),
  }));
  onProgress(2, 2);
  const fixtures: ResultTable = {
    title: 'Checking iff Δ > c: the fixtures',
    columns: ['case', 'Δ', 'c', 'checks'],
    rows: [
      ...russellCosts.map((entry) => [
        `Russell: U ~ Uniform[−40, 60], rational human`,
        entry.delta,
        entry.cost,
        entry.checks,
      ]),
      ...confident.map((entry) => [
        `σ = 0, μ = ${entry.mean}, ${entry.human} human`,
        rounded(entry.delta),
        0,
        entry.checks,
      ]),
      ...quiet.map((entry) => [
        `noisy β = 0.5, μ = ${entry.mean}, σ = ${rounded(entry.deviation)} (σ² ≤ 2β|μ|)`,
        Number(entry.delta.toPrecision(4)),
        0,
        entry.checks,
      ]),
    ],
    note: 'An agent certain of its instruction (σ = 0) never checks, whatever the instruction: it amplifies a bad order as faithfully as a good one.',
  };
  const sequenceTable: ResultTable = {
    title: `A sequence of ${defaultSequence.instructions} instructions (μ = ${defaultSequence.mean}, σ cycling ${defaultSequence.ambiguities.join(', ')}), a noisy principal with β₀ = ${defaultSequence.beta} tiring as β_n = β₀(1 + κn), c = ${defaultSequence.cost}`,
    columns: [
      'κ',
      'agent',
      'checks (principal burden)',
      'expected harm',
      'expected value',
      'β at the last instruction',
      'checked instructions',
    ],
    rows: sequences.flatMap((entry) =>
      entry.outcomes.map((outcome) => [
        entry.fatigue,
        outcome.agent,
        outcome.checks,
        rounded(outcome.harm),
        rounded(outcome.value),
        rounded(outcome.finalBeta),
        outcome.checkedAt.join(' '),
      ]),
    ),
    note: 'Harm is E[max(−U, 0)] of what was done, exact under the true N(μ, σ²); calibrated agents believe the true σ, overconfident ones σ = 0. Value is the expected payoff less c per check.',
  };
  const at = (fatigue: number, agent: string) =>
    sequences.find((entry) => entry.fatigue === fatigue)!.outcomes.find((outcome) => outcome.agent === agent)!;
  const claims: Claim[] = [
    {
      statement: "Russell's example: the agent checks exactly when the price of checking is below Δ = 8.",
      tag: 'derived',
      evidence: russellCosts.map((entry) => `c = ${entry.cost}: ${entry.checks ? 'checks' : 'does not'}`).join(', '),
    },
    {
      statement:
        'An agent certain of its instruction (σ = 0) never checks, even when checking is free: with a rational human Δ = 0, with a noisy one Δ < 0. A confident agent amplifies bad orders.',
      tag: 'derived',
      evidence: `${confident.filter((entry) => entry.checks).length} of ${confident.length} point-mass cases check; largest Δ ${Math.max(...confident.map((entry) => entry.delta))}`,
    },
    {
      statement: 'With a noisy human, an agent whose belief has σ² ≤ 2β|μ| never checks, even at c = 0.',
      tag: 'derived',
      evidence: `${quiet.filter((entry) => entry.checks).length} of ${quiet.length} such beliefs check; Δ ${quiet.map((entry) => entry.delta.toPrecision(3)).join(', ')}`,
    },
    {
      statement:
        'Over a sequence of instructions, checking where Δ > c removes most of the harm of acting unchecked, for fewer checks than checking everything; the overconfident agent does no better than never checking.',
      tag: 'derived',
      evidence: `κ = 0.2: calibrated ${at(0.2, 'calibrated').checks} checks, harm ${rounded(at(0.2, 'calibrated').harm)}; always-check ${at(0.2, 'always-check').checks} checks, harm ${rounded(at(0.2, 'always-check').harm)}; never-check and overconfident harm ${rounded(at(0.2, 'never-check').harm)} and ${rounded(at(0.2, 'overconfident').harm)}`,
    },
    {
      statement:
        'A principal who tires makes checking self-limiting: as β grows with each check, Δ falls and the calibrated agent checks less, and every check it still makes removes less harm.',
      tag: 'derived',
      evidence: fatigueSweep
        .map(
          (fatigue) =>
            `κ = ${fatigue}: ${at(fatigue, 'calibrated').checks} checks, harm ${rounded(at(fatigue, 'calibrated').harm)}`,
        )
        .join('; '),
    },
  ];
  return {
    parameters: { russell, quietBeliefs, sequence: defaultSequence, fatigueSweep },
    seeds: [],
    results: { russell: russellCosts, confident, quiet, sequences },
    tables: [fixtures, sequenceTable],
    charts: [],
    claims,
    limitations: [
      'The agent’s belief about an instruction’s value is the truth (calibrated) or a point mass (overconfident); miscalibrated spreads in between are not swept.',
      'One check per instruction, answered by a human whose policy is fixed (logistic with noise β); a principal who learns, or who can be persuaded, is not modelled.',
      'Fatigue grows linearly with the number of checks and never recovers within the sequence.',
    ],
    references: [
      'Hadfield-Menell, D., Dragan, A., Abbeel, P., Russell, S. (2017). The Off-Switch Game. Proceedings of IJCAI 2017.',
      'Russell, S. (2019). Human Compatible: Artificial Intelligence and the Problem of Control. Viking.',
    ],
  };
}

export const dwimacExperiment: Experiment = {
  name: 'dwimac',
  description:
    'E4, DWIMAC as the off-switch game with a price on checking: check iff Δ > c; a sequence of instructions with a principal who tires',
  run: (context) => runDwimacExperiment(context.onProgress),
};
