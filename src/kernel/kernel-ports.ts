import type { Authority } from '../authority/create-authority.ts';

// What the kernel needs from the parts around it, as types only.

/**
 * The part of the authority facade (`createAuthority`) the kernel uses: verify, journal, reduce; the charter it holds
 * (the one source of the agent's charter); its state (stopped or not); what time alone changed.
 */
export type KernelAuthority = Pick<Authority, 'receive' | 'leaseStatus' | 'charter' | 'state' | 'takeTimedChanges'>;

export interface ScreeningResult {
  verdict: 'pass' | 'flag';
  score: number;
  reasons: string[];
}

/** Scores untrusted text (tool results, documents) before the model sees it. */
export interface KernelScreener {
  screen(
    text: string,
    options: { provenance: 'tool' | 'document'; principals?: readonly string[]; signal?: AbortSignal },
  ): ScreeningResult | Promise<ScreeningResult>;
}

/** What killing a process group found: whether it was still running and whether it is gone now. */
export interface ProcessGroupKill {
  pgid: number;
  wasRunning: boolean;
  gone: boolean;
}

export type ProcessGroupKiller = (pgid: number) => Promise<ProcessGroupKill>;
