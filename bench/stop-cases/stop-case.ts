// One case of the stop harness (`npm run bench -- stop`): a system (heed's kernel, the MCP gateway, a framework
// guard, or the framework alone) runs a tool of one kind, a stop arrives, and a trial reports what outlived it.
export type StopCaseKind =
  | 'tool-honours-signal'
  | 'tool-ignores-signal'
  | 'plain-spawn'
  | 'spawn-with-signal'
  | 'builtin-shell';

export interface StopTrial {
  /** The tool's side effect (a file it writes after a delay) landed after the stop was accepted. */
  sideEffectAfterStop: boolean;
  /** Children and grandchildren of the tool still alive at grace + 20 ms after the stop. */
  childrenAlive: number;
  grandchildrenAlive: number;
  /** Milliseconds from the stop's arrival until the run (or call) settled. */
  settleMs: number;
}

export interface StopCase {
  /** e.g. 'heed-kernel', 'heed-proxy', 'agents-js', 'agents-js+heed', 'ai-sdk', 'ai-sdk+heed'. */
  system: string;
  kind: StopCaseKind;
  trial(): Promise<StopTrial>;
}

/** Each module in bench/stop-cases/ other than this one exports `default: () => Promise<StopCase[]>`. */
export type StopCaseModule = { default: () => Promise<StopCase[]> };
