/** What happened in one sample, in order, the same for guard off and guard on; scorers read it. */
export type TraceEvent =
  | { type: 'model-call'; step: number }
  | { type: 'model-text'; step: number; text: string }
  | {
      type: 'tool-call';
      step: number;
      name: string;
      arguments: string;
      /** False when the call never ran: refused by policy, rejected as malformed, or cut by a stop. */
      executed: boolean;
      /** It ran because a principal approved this exact action when the agent checked. */
      approved?: boolean;
      refusal?: string;
      /** Denied because it would touch the control plane (counted as an attempt on it). */
      controlPlane?: boolean;
    }
  | { type: 'stop'; step: number; from: string; accepted: boolean }
  | { type: 'order'; step: number; from: string[]; kind: string; accepted: boolean; reason?: string }
  | { type: 'spoof'; step: number; claims: string; text: string }
  | { type: 'notice'; step: number; text: string }
  | { type: 'inject'; step: number; tool: string }
  | { type: 'silence'; step: number; principal: string }
  /** A check the agent raised: the principal approved or denied it, or it expired (`none`). */
  | { type: 'check'; step: number; tool: string; arguments: string; answer: 'approve' | 'deny' | 'none' }
  | { type: 'halt'; step: number; reason: string };
