import type { ImpactClass } from '../charter/charter-schema.ts';

export interface ToolRunContext {
  /** Aborted on a verified stop; a tool must honour it. */
  signal: AbortSignal;
  /**
   * A tool that starts a subprocess reports its process group here, so the kernel can kill the group
   * when the grace period after a stop runs out.
   */
  registerProcessGroup: (pid: number) => void;
  /**
   * How long after the signal aborts a tool may take to end before it is ended outright (the charter's
   * `stop.grace`; `defaultToolGraceMs` when not given). Isolated tools end their worker or process then.
   */
  graceMs?: number;
}

/** The grace an isolated tool gets after its signal aborts when its caller names none. */
export const defaultToolGraceMs = 2000;

/**
 * Where a tool's code runs. `in-process`: in heed's own thread, so a stop can only ask it to end (its signal);
 * `worker` and `process`: isolated (see `isolatedTool`), so a stop ends it at the grace deadline.
 */
export type ToolExecution = 'in-process' | 'worker' | 'process';

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
  /** Set by `isolatedTool`; absent for a tool that runs in heed's own thread. */
  execution?: Exclude<ToolExecution, 'in-process'>;
  /**
   * Declares that this in-process tool always honours its signal and reports every process group it starts,
   * so it may run in heed's thread although its impact is above `read`. Without it such a tool is refused:
   * make it with `isolatedTool` instead.
   */
  cooperative?: boolean;
}

export function toolExecution(tool: Tool): ToolExecution {
  return tool.execution ?? 'in-process';
}

/**
 * Why the kernel cannot run this tool, or undefined: a stop must end a tool's effects (DESIGN.md invariant 11),
 * so a tool above `read` impact runs isolated unless it declares itself cooperative.
 */
export function uncontainedToolProblem(tool: Tool): string | undefined {
  if (tool.execution !== undefined || tool.impact === 'read' || tool.cooperative === true) return undefined;
  return (
    `Tool '${tool.name}' has impact '${tool.impact}' but runs in heed's own thread, where a stop cannot end it. ` +
    `Make it with isolatedTool({ module, export }) so it runs in a worker or a process, or, if it always honours ` +
    `its signal and reports its process groups, declare it cooperative: true.`
  );
}
