import type { ImpactClass } from '../charter/charter-schema.ts';

export interface ToolRunContext {
  /** Aborted on a verified stop; a tool must honour it. */
  signal: AbortSignal;
  /**
   * A tool that starts a subprocess reports its process group here, so the kernel can kill the group
   * when the grace period after a stop runs out.
   */
  registerProcessGroup: (pid: number) => void;
}

/**
 * Where content comes from or goes to, for taint: `file:/abs/path` (a folder covers what is in it),
 * `url:https://host/path`, or `name:<resource>` (an inbox, a memory store, a ledger).
 */
export type Source = `file:${string}` | `url:${string}` | `name:${string}`;

/** What one call of a tool would do, judged from its input before it runs (DESIGN.md invariant 12). */
export interface ActionAssessment {
  /** The impact classes of what the call does; when given they replace the tool's declared impact. */
  impacts?: ImpactClass[];
  /** Why part of what the call does cannot be known beforehand; such a call needs at least a check. */
  unclassified?: string[];
  /** What the call reads: its result carries content from these. */
  reads?: Source[];
  /** What the call writes: content it read goes there. */
  writes?: Source[];
  /** The values it spends, sends or destroys (recipients, amounts, paths, hosts), checked against where they came from. */
  targets?: string[];
  /** Free text it sends or stores (a mail body): its distinctive values are checked the same way. */
  payloads?: string[];
  /** What it does, for the audit log. */
  effects?: unknown[];
  /** Why the call is graver than the tool's declared impact, in a line: added to the policy decision's reason. */
  graver?: string;
}

export interface Tool<Input = Record<string, unknown>> {
  name: string;
  description: string;
  /** JSON Schema of the input object, shown to the model and enforced before `run`. */
  inputSchema: Record<string, unknown>;
  /** The tool's impact when `assess` does not say what a call does. */
  impact: ImpactClass;
  /** Judges one call from its input; a tool whose effect depends on its input (a shell) says what each does. */
  assess?(input: Input): ActionAssessment | Promise<ActionAssessment>;
  run(input: Input, context: ToolRunContext): Promise<string>;
}
