// What the kernel needs from the parts around it, as types only.

export type LeaseStatus =
  | { status: 'off' }
  | { status: 'fresh'; expiresAt: number }
  | { status: 'expired'; since: number };

/** A verified envelope as the kernel reads it. */
export interface VerifiedOrder {
  id: string;
  kind: string;
  body: Record<string, unknown>;
}

export type OrderVerification =
  | { accepted: true; envelope: VerifiedOrder; signers: string[] }
  | { accepted: false; reason: string; detail: string; id?: string };

export interface OrderDecision {
  verification: OrderVerification;
  effect?: unknown;
  explanation: string;
}

/** The authority facade: verifies, records as seen, and reduces the authority state. */
export interface KernelAuthority {
  receive(input: unknown): OrderDecision;
  leaseStatus(now?: number): LeaseStatus;
}

export interface ScreeningResult {
  verdict: 'pass' | 'flag';
  score: number;
  reasons: string[];
}

/** Scores untrusted text (tool results, documents) before the model sees it. */
export interface KernelScreener {
  screen(
    text: string,
    options: { provenance: 'tool' | 'document'; signal?: AbortSignal },
  ): ScreeningResult | Promise<ScreeningResult>;
}

/** What killing a process group found: whether it was still running and whether it is gone now. */
export interface ProcessGroupKill {
  pgid: number;
  wasRunning: boolean;
  gone: boolean;
}

export type ProcessGroupKiller = (pgid: number) => Promise<ProcessGroupKill>;
