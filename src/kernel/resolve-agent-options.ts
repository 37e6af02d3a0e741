import { basename, dirname, join, resolve } from 'node:path';
import type { AuditAnchor } from '../audit/anchor/audit-anchor.ts';
import { openFileAnchor } from '../audit/anchor/file-anchor.ts';
import { createWitnessAnchor } from '../audit/anchor/witness-anchor.ts';
import type { Charter } from '../charter/charter-schema.ts';
import { loadCharterFile, parseCharter } from '../charter/load-charter.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { createProviderFromSpec } from '../providers/model-spec.ts';
import type { Provider } from '../providers/provider.ts';
import type { CreateAgentOptions } from './create-agent.ts';

// What createAgent makes of its options before it opens anything: the charter, the model, where its files go.

/** Where an agent keeps what outlives it; all undefined for an agent in memory. */
export interface AgentPaths {
  stateDir: string | undefined;
  database: string | undefined;
  keysDir: string | undefined;
  agentKey: string | undefined;
  anchor: string | undefined;
}

export function resolveCharter(options: CreateAgentOptions): Charter {
  if ((options.charter === undefined) === (options.charterFile === undefined)) {
    throw new InvalidInputError('Give the agent exactly one of charter (an object) and charterFile.');
  }
  return options.charter === undefined ? loadCharterFile(options.charterFile!) : parseCharter(options.charter);
}

export function resolveProvider(options: CreateAgentOptions): Provider {
  if ((options.provider === undefined) === (options.model === undefined)) {
    throw new InvalidInputError("Give the agent exactly one of provider and model (e.g. 'openai:gpt-4o-mini').");
  }
  if (options.provider !== undefined) return options.provider;
  return createProviderFromSpec(options.model!, {
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
  });
}

export function agentPaths(options: CreateAgentOptions, agent: string): AgentPaths {
  const stateDir = options.stateDir === undefined ? undefined : resolve(options.stateDir);
  const keysDir =
    options.keysDir !== undefined
      ? resolve(options.keysDir)
      : stateDir === undefined
        ? undefined
        : join(dirname(stateDir), 'keys');
  if (keysDir !== undefined && stateDir !== undefined && keysDir === stateDir) {
    throw new InvalidInputError(
      `The keys folder and the state folder are both ${keysDir}: the key that signs the audit log must not sit beside it.`,
    );
  }
  const anchor =
    options.anchorFile === false
      ? undefined
      : options.anchorFile !== undefined
        ? resolve(options.anchorFile)
        : keysDir === undefined || stateDir === undefined
          ? undefined
          : join(keysDir, `${agent}.anchor.jsonl`);
  if (anchor !== undefined && stateDir !== undefined && dirname(anchor) === stateDir) {
    throw new InvalidInputError(
      `The audit anchor ${basename(anchor)} must not sit in the state folder beside the log it anchors.`,
    );
  }
  return {
    stateDir,
    database: stateDir === undefined ? undefined : join(stateDir, 'heed.db'),
    keysDir,
    agentKey:
      options.agentKey !== undefined || keysDir === undefined ? undefined : join(keysDir, `${agent}.agent.key.jwk`),
    anchor,
  };
}

export function openAnchors(options: CreateAgentOptions, paths: AgentPaths): AuditAnchor[] {
  const anchors: AuditAnchor[] = [];
  if (paths.anchor !== undefined) anchors.push(openFileAnchor(paths.anchor));
  if (options.witnessUrl !== undefined) {
    anchors.push(
      createWitnessAnchor(options.witnessUrl, {
        ...(options.onWitnessError === undefined ? {} : { onError: options.onWitnessError }),
      }),
    );
  }
  return anchors;
}
