// E3, lease and succession: how long a lease should be, and what an attacker who suppresses heartbeats can do with it.
import type { Claim, Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { type LeaseReport, leaseReport, probabilityOfRunWithin } from '../lease/lease-chain.ts';
import { rounded } from './charter-claims.ts';

export const attackRateSweep = [0, 0.1, 0.3, 0.5, 0.7, 0.9];
/** (ρ, m) pairs at which the closed form and the chain are compared. */
const fixtureGrid = [
  [0.01, 2],
  [0.1, 3],
  [0.3, 5],
  [0.5, 5],
  [0.9, 10],
  [1, 4],
] as const;

function attackRow(report: LeaseReport, attackRate: number) {
  const { parameters } = report;
  const loss = 1 - (1 - parameters.rho) * (1 - attackRate);
  return {
    attackRate,
    lossProbability: loss,
    pHaltWithinHorizon: probabilityOfRunWithin(loss, report.bestLeaseSteps, parameters.horizon),
    pTakeoverWithinHorizon: probabilityOfRunWithin(
      loss,
      report.bestLeaseSteps + parameters.timeLock,
      parameters.horizon,
    ),
  };
}

export function runLeaseExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  onProgress(0, 2);
  const report = leaseReport();
  const fixtures = fixtureGrid.map(([rho, leaseSteps]) => {
    const entry = leaseReport({ rho, leaseSteps });
    return { rho, leaseSteps, closedForm: entry.expectedStepsToFalseLapse, exactChain: entry.exactChain };
  });
  const largestFixtureError = Math.max(...fixtures.map((entry) => Math.abs(entry.exactChain / entry.closedForm - 1)));
  const attacks = attackRateSweep.map((attackRate) => attackRow(report, attackRate));
  onProgress(2, 2);
  const { parameters } = report;
  const costTable: ResultTable = {
    title: `Lease length m: false lapses against unsupervised steps over ${parameters.horizon} steps (exact)`,
    columns: [
      'm',
      'E[steps to a false lapse]',
      'E[false lapses]',
      'E[unsupervised steps]',
      `expected cost (F = ${parameters.costFalseLapse}, D = ${parameters.costUnsupervised})`,
    ],
    rows: report.costByLeaseSteps.map((entry) => [
      entry.leaseSteps,
      rounded(leaseReport({ leaseSteps: entry.leaseSteps }).expectedStepsToFalseLapse),
      rounded(entry.expectedFalseLapses),
      rounded(entry.expectedUnsupervisedSteps),
      rounded(entry.expectedCost),
    ]),
    note: `Heartbeat loss ρ = ${parameters.rho}; the principal disappears for good with q = ${parameters.disappearance} per step. A short lease halts a present principal’s agent often; a long one leaves an abandoned agent running. m* = ${report.bestLeaseSteps}.`,
  };
  const attackTable: ResultTable = {
    title: `An attacker suppressing heartbeats, at m* = ${report.bestLeaseSteps} and time-lock τ = ${parameters.timeLock} (exact, within ${parameters.horizon} steps)`,
    columns: ['ρ_a', 'heartbeat loss 1 − (1 − ρ)(1 − ρ_a)', 'P(halt)', 'P(takeover by succession)'],
    rows: attacks.map((entry) => [
      entry.attackRate,
      rounded(entry.lossProbability),
      rounded(entry.pHaltWithinHorizon),
      rounded(entry.pTakeoverWithinHorizon),
    ]),
    note: 'Succession completes when the lease has lapsed and no heartbeat arrives during the time-lock (a heartbeat is a veto): m + τ losses in a row.',
  };
  const fixtureTable: ResultTable = {
    title: 'Expected steps to a false lapse: closed form against the Markov chain',
    columns: ['ρ', 'm', '(1 − ρ^m)/((1 − ρ)ρ^m)', 'chain (linear system)'],
    rows: fixtures.map((entry) => [entry.rho, entry.leaseSteps, rounded(entry.closedForm), rounded(entry.exactChain)]),
  };
  const halfAttack = attacks.find((entry) => entry.attackRate === 0.5)!;
  const noAttack = attacks.find((entry) => entry.attackRate === 0)!;
  const claims: Claim[] = [
    {
      statement:
        'The expected steps until a present principal’s lease lapses falsely are (1 − ρ^m)/((1 − ρ)ρ^m); the Markov chain solved as a linear system gives the same.',
      tag: 'derived',
      evidence: `largest relative difference ${largestFixtureError.toExponential(1)} over ${fixtures.length} (ρ, m); defaults ρ = ${parameters.rho}, m = ${parameters.leaseSteps}: ${rounded(report.expectedStepsToFalseLapse)} steps`,
    },
    {
      statement: `Balancing false lapses (F = ${parameters.costFalseLapse} each) against unsupervised steps after a real disappearance (D = ${parameters.costUnsupervised} each), the best lease is m* = ${report.bestLeaseSteps} steps.`,
      tag: 'derived',
      evidence: `expected cost over ${parameters.horizon} steps: ${report.costByLeaseSteps
        .slice(0, 5)
        .map((entry) => `m = ${entry.leaseSteps}: ${rounded(entry.expectedCost)}`)
        .join(', ')}`,
    },
    {
      statement:
        'A lease is no defence against an attacker who can suppress heartbeats: suppressing half of them makes a halt almost certain and succession likely within the horizon, even with a time-lock.',
      tag: 'derived',
      evidence: `ρ_a = 0.5: P(halt) ${rounded(halfAttack.pHaltWithinHorizon)}, P(takeover) ${rounded(halfAttack.pTakeoverWithinHorizon)}; without the attacker ${rounded(noAttack.pHaltWithinHorizon)} and ${rounded(noAttack.pTakeoverWithinHorizon)}`,
    },
  ];
  return {
    parameters: { ...parameters, attackRateSweep, fixtureGrid },
    seeds: [],
    results: { ...report, fixtures, attackSweep: attacks },
    tables: [fixtureTable, costTable, attackTable],
    charts: [],
    claims,
    limitations: [
      'Heartbeat losses are independent from step to step; real outages come in bursts, which make false lapses likelier than this chain says.',
      'A real disappearance is permanent and happens at a constant rate; a principal who comes back, or a scheduled absence, is not modelled.',
      'The attacker suppresses each heartbeat independently; one who can cut the channel outright succeeds with certainty after m + τ steps.',
    ],
    references: [
      'Gray, C., Cheriton, D. (1989). Leases: An Efficient Fault-Tolerant Mechanism for Distributed File Cache Consistency. SOSP 1989.',
      'Feller, W. (1968). An Introduction to Probability Theory and Its Applications, Vol. 1, 3rd ed., chapter XIII (runs of successes). Wiley.',
    ],
  };
}

export const leaseExperiment: Experiment = {
  name: 'lease',
  description:
    'E3, lease and succession: false lapses against unsupervised steps as a Markov chain, the best lease length, and an attacker who suppresses heartbeats',
  run: (context) => runLeaseExperiment(context.onProgress),
};
