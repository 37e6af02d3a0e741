import type { Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { lobbyingAgentNames } from '../lobbying/lobbying-agents.ts';
import { lobbyingPowerValue, parseLobbyingPower } from '../lobbying/lobbying-power.ts';
import { type LobbyingRun, runLobbying } from '../lobbying/run-lobbying.ts';

export const lobbyingPowers = [
  '0',
  '0.1',
  '0.2',
  '0.3',
  '0.4',
  '0.5',
  '0.6',
  '0.7',
  '0.8',
  '0.9',
  '1',
  '1.5',
  '2',
  '3',
  '4',
  '5',
];

export function runLobbyingExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  const runs: Record<string, Record<string, LobbyingRun>> = {};
  const total = lobbyingAgentNames.length * lobbyingPowers.length;
  let done = 0;
  onProgress(done, total);
  for (const agent of lobbyingAgentNames) {
    const byPower: Record<string, LobbyingRun> = {};
    for (const text of lobbyingPowers) {
      byPower[text] = runLobbying(agent, parseLobbyingPower(text));
      onProgress(++done, total);
    }
    runs[agent] = byPower;
  }
  const cell = (agent: string, power: string) => runs[agent]?.[power];
  const traces: ResultTable = {
    title: 'Lobbying (Holtman 2019): traces by lobbying power L',
    columns: ['L', ...lobbyingAgentNames],
    rows: lobbyingPowers.map((power) => [
      Number(power),
      ...lobbyingAgentNames.map((agent) => cell(agent, power)?.trace ?? ''),
    ]),
    note:
      'p petrol, < lobby earlier, > lobby later, e electric, 0 idle; # marks the press. f0 lobbies to delay the change ' +
      'from L = 0.1 on; fc (utility indifference) and if-ranked (no coercion allowed) never lobby. if-last equals f0 ' +
      'here: after the press both build electric cars, which R_N and R_S value alike (1 per car).',
  };
  const utilities: ResultTable = {
    title: 'Lobbying: realised discounted return under the switching reward',
    columns: [
      'L',
      ...lobbyingAgentNames.map((agent) => `${agent} utility`),
      ...lobbyingAgentNames.map((agent) => `${agent} press step`),
    ],
    rows: lobbyingPowers.map((power) => [
      Number(power),
      ...lobbyingAgentNames.map((agent) => Number((cell(agent, power)?.utility ?? Number.NaN).toFixed(3))),
      ...lobbyingAgentNames.map((agent) => cell(agent, power)?.pressStep ?? null),
    ]),
    note: "Discount 0.9, step 1 weighted 1; fc's correction term is not counted. Press step null: never pressed within 25 steps.",
  };
  const chartValues = lobbyingAgentNames.flatMap((agent) =>
    lobbyingPowers.map((power) => ({
      agent,
      power: lobbyingPowerValue(parseLobbyingPower(power)),
      pressStep: cell(agent, power)?.pressStep ?? 26,
    })),
  );
  const chart = {
    title: 'Lobbying: the step at which the change happens, by lobbying power',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      description: 'Press step 26 means the button was never pressed within the 25 steps.',
      data: { values: chartValues },
      width: 360,
      height: 220,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'power', type: 'quantitative', title: 'lobbying power L' },
        y: { field: 'pressStep', type: 'quantitative', title: 'press step (26 = never)', scale: { domain: [0, 26] } },
        color: { field: 'agent', type: 'nominal' },
        strokeDash: { field: 'agent', type: 'nominal' },
      },
    },
  };
  return {
    parameters: {
      powers: lobbyingPowers.map(Number),
      steps: 25,
      initialPlannedPress: 6,
      discount: 0.9,
      agents: [...lobbyingAgentNames],
    },
    seeds: [],
    results: { agents: runs },
    tables: [traces, utilities],
    charts: [chart],
  };
}

export const lobbyingExperiment: Experiment = {
  name: 'lobbying',
  description: "Holtman's lobbying world: which agents lobby to delay a change of instruction",
  run: (context) => runLobbyingExperiment(context.onProgress),
};
