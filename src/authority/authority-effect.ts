import type { Charter } from '../charter/charter-schema.ts';
import type { HeldTask } from './authority-state.ts';

/** What a verified order (or the passing of time) changed; `none` when it changed nothing. */
export type AuthorityEffect =
  | { type: 'stop'; reason?: string }
  | { type: 'resume' }
  | { type: 'task'; task: HeldTask; replaced: HeldTask | null }
  | { type: 'conflict'; tasks: HeldTask[] }
  | { type: 'amend'; task: HeldTask }
  | { type: 'approve'; action: string }
  | { type: 'deny'; action: string }
  | { type: 'lease-renewed'; expiresAt: number }
  | { type: 'charter-changed'; charter: Charter }
  | { type: 'revoked'; principal: string }
  | { type: 'rotated'; principal: string; key: string }
  | { type: 'succession-claimed'; claim: string; successor: string; for: string; completesAt: number }
  | { type: 'succession-vetoed'; claim: string; by: string[] }
  | { type: 'succession-completed'; claim: string; successor: string; for: string }
  | { type: 'none' };

export interface AuthorityChange {
  effect: AuthorityEffect;
  explanation: string;
}
