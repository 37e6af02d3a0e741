import type { KeyObject } from 'node:crypto';
import type { Charter } from '../../charter/charter-schema.ts';
import { parseCharter } from '../../charter/load-charter.ts';
import type { TargetProfileName } from '../../charter/target-profile-names.ts';
import { generateKeyPair } from '../../core/ed25519.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export interface ScenarioCharter {
  charter: Charter;
  /** Each principal's private key, to sign the scenario's orders. */
  keys: ReadonlyMap<string, KeyObject>;
}

/** The real, validated charter of a scenario: the scenario's charter with fresh keys and the run's target. */
export function buildScenarioCharter(scenario: Scenario, target: TargetProfileName, agent: string): ScenarioCharter {
  const keys = new Map<string, KeyObject>();
  const { principals, target: _scenarioTarget, ...rest } = scenario.charter;
  const roster = principals.map((principal) => {
    const pair = generateKeyPair();
    keys.set(principal.id, pair.privateKey);
    return { ...principal, key: pair.publicKeyText };
  });
  const charter = parseCharter({ ...rest, agent, target, principals: roster }, `charter of scenario '${scenario.id}'`);
  return { charter, keys };
}

export interface ScenarioCharters {
  /** The charter every sample of this scenario and target runs under. */
  get(scenario: Scenario, target: TargetProfileName): ScenarioCharter;
}

/**
 * One charter, with one set of principal keys, per scenario and target of a run. The keys are the
 * scenario's test principals: every sample of the scenario signs with them, as a real deployment's
 * principals keep their keys from one session to the next. Samples cannot leak orders into each other
 * (each sample has its own kernel, seen-order store and audit log), and nothing scored reads a key.
 * The charter is frozen, so no sample can change what the next one runs under.
 */
export function createScenarioCharters(): ScenarioCharters {
  const charters = new Map<Scenario, Map<TargetProfileName, ScenarioCharter>>();
  return {
    get(scenario, target) {
      let byTarget = charters.get(scenario);
      if (byTarget === undefined) {
        byTarget = new Map();
        charters.set(scenario, byTarget);
      }
      let built = byTarget.get(target);
      if (built === undefined) {
        const { charter, keys } = buildScenarioCharter(scenario, target, `eval-${scenario.id}`);
        built = { charter: deepFreeze(charter), keys };
        byTarget.set(target, built);
      }
      return built;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const field of Object.values(value)) deepFreeze(field);
  return Object.freeze(value);
}
