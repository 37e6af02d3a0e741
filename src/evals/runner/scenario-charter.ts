import type { KeyObject } from 'node:crypto';
import type { Charter } from '../../charter/charter-schema.ts';
import { parseCharter } from '../../charter/load-charter.ts';
import type { TargetProfileName } from '../../charter/target-profile-names.ts';
import { generateKeyPair } from '../../core/ed25519.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export interface ScenarioCharter {
  charter: Charter;
  /** Each principal's private key, to sign the scenario's orders. */
  keys: Map<string, KeyObject>;
}

/** The real, validated charter of one sample: the scenario's charter with fresh keys and the run's target. */
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
