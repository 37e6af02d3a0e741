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

export interface Tool<Input = Record<string, unknown>> {
  name: string;
  description: string;
  /** JSON Schema of the input object, shown to the model and enforced before `run`. */
  inputSchema: Record<string, unknown>;
  impact: ImpactClass;
  /**
   * The impact of one call, when what it would destroy makes it graver than `impact` (overwriting a file is at least
   * a delete); undefined keeps `impact`. The policy gate asks before deciding, so it must be quick and synchronous.
   */
  impactFor?(input: Input): { impact: ImpactClass; reason: string } | undefined;
  run(input: Input, context: ToolRunContext): Promise<string>;
}
