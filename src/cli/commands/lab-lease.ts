import type { Command } from 'commander';
import { leaseReport } from '../../lab/lease/lease-chain.ts';
import { addNumberFlags, type NumberFlag, printResult, readNumberFlags } from './lab-options.ts';

const leaseFlags: readonly NumberFlag[] = [
  {
    field: 'rho',
    flag: '--rho',
    description: 'ρ: chance a present principal’s heartbeat is lost in one step',
    shownDefault: 0.1,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    optional: true,
  },
  {
    field: 'leaseSteps',
    flag: '--m',
    description: 'm: losses in a row after which the lease lapses',
    shownDefault: 3,
    integer: true,
    minimum: 1,
    maximum: 200,
    optional: true,
  },
  {
    field: 'attackRate',
    flag: '--attack-rate',
    description: 'ρ_a: chance an attacker suppresses a heartbeat',
    shownDefault: 0.5,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'timeLock',
    flag: '--time-lock',
    description: 'τ: succession’s time-lock in steps (a heartbeat during it vetoes)',
    shownDefault: 2,
    integer: true,
    minimum: 0,
    maximum: 200,
    optional: true,
  },
  {
    field: 'horizon',
    flag: '--horizon',
    description: 'T: steps over which probabilities and costs are computed',
    shownDefault: 100,
    integer: true,
    minimum: 1,
    maximum: 100000,
    optional: true,
  },
  {
    field: 'disappearance',
    flag: '--disappearance',
    description: 'q: chance per step that the principal disappears for good',
    shownDefault: 0.01,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'costFalseLapse',
    flag: '--cost-false-lapse',
    description: 'F: cost of a false lapse',
    shownDefault: 5,
    minimum: 0,
    maximum: 1e9,
    optional: true,
  },
  {
    field: 'costUnsupervised',
    flag: '--cost-unsupervised',
    description: 'D: cost of each unsupervised step after a real disappearance',
    shownDefault: 1,
    minimum: 0,
    maximum: 1e9,
    optional: true,
  },
  {
    field: 'maxLeaseSteps',
    flag: '--max-lease-steps',
    description: 'largest m considered for m*',
    shownDefault: 12,
    integer: true,
    minimum: 1,
    maximum: 200,
    optional: true,
  },
];

export function registerLabLeaseCommand(lab: Command): void {
  const command = lab
    .command('lease')
    .description('lease and succession: steps to a false lapse, the best lease length m*, and heartbeat suppression');
  addNumberFlags(command, leaseFlags)
    .option('--json', 'print {"expectedStepsToFalseLapse","exactChain","bestLeaseSteps","costByLeaseSteps","attack",…}')
    .action((options: Record<string, unknown>) => {
      const report = leaseReport(readNumberFlags(leaseFlags, options));
      const { parameters, attack } = report;
      printResult(options.json as boolean | undefined, report, () =>
        [
          `Expected steps to a false lapse (ρ = ${parameters.rho}, m = ${parameters.leaseSteps}): ${report.expectedStepsToFalseLapse} (closed form), ${report.exactChain} (Markov chain)`,
          `Best lease length over ${parameters.horizon} steps: m* = ${report.bestLeaseSteps}`,
          `Attacker suppressing heartbeats with ρ_a = ${parameters.attackRate}: heartbeat loss ${attack.lossProbability}, P(halt) ${attack.pHaltWithinHorizon.toFixed(4)}, P(takeover) ${attack.pTakeoverWithinHorizon.toFixed(4)} within ${parameters.horizon} steps`,
          '',
        ].join('\n'),
      );
    });
}
