import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidInputError } from '../../core/heed-error.ts';
import { type ActionAssessment, defaultToolGraceMs, type Tool } from '../tool.ts';
import { ToolFailedError } from '../tools/tool-failed-error.ts';
import { runInProcess } from './run-in-process.ts';
import { runInWorker } from './run-in-worker.ts';

export type IsolationMode = 'worker' | 'process';

export interface IsolatedToolSpec<Input = Record<string, unknown>> {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  impact: Tool['impact'];
  assess?(input: Input): ActionAssessment | Promise<ActionAssessment>;
  /**
   * The module that holds the tool's code: a file URL or an absolute path (`new URL('./send-mail.ts',
   * import.meta.url)`). Functions cannot cross into a thread or process, so the code is loaded there by name.
   */
  module: string | URL;
  /** The export to call as `(input, {signal}) => string | Promise<string>` (default `default`). */
  export?: string;
  /**
   * `process` (default): a child process in its own process group and, where available, PID namespace, so
   * the subprocesses it starts end with it. `worker`: a worker thread, cheaper, for tools that start no process.
   */
  isolation?: IsolationMode;
}

/**
 * A tool whose code runs isolated from heed: in a worker thread or a child process started for each call.
 * A stop aborts its signal; whatever still runs when the grace period is over is terminated, so an effect the
 * tool had not yet had never happens. The kernel runs every tool above `read` impact this way unless the tool
 * declares itself `cooperative`.
 */
export function isolatedTool<Input = Record<string, unknown>>(spec: IsolatedToolSpec<Input>): Tool<Input> {
  const module = moduleUrl(spec.module, spec.name);
  const exportName = spec.export ?? 'default';
  if (exportName === '') throw new InvalidInputError(`Isolated tool '${spec.name}': the export name is empty.`);
  const isolation = spec.isolation ?? 'process';
  if (isolation !== 'worker' && isolation !== 'process') {
    throw new InvalidInputError(
      `Isolated tool '${spec.name}': unknown isolation '${String(isolation)}'. Known: worker, process.`,
    );
  }
  const run = isolation === 'worker' ? runInWorker : runInProcess;
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.inputSchema,
    impact: spec.impact,
    ...(spec.assess === undefined ? {} : { assess: spec.assess.bind(spec) }),
    execution: isolation,
    async run(input, { signal, graceMs }) {
      const value = await run(
        { module, exportName, input },
        { tool: spec.name, signal, graceMs: graceMs ?? defaultToolGraceMs },
      );
      if (typeof value !== 'string') {
        throw new ToolFailedError(spec.name, `the tool returned ${typeof value}, not text`);
      }
      return value;
    },
  };
}

function moduleUrl(module: string | URL, tool: string): string {
  const url =
    module instanceof URL
      ? module
      : isAbsolute(module)
        ? pathToFileURL(module)
        : URL.canParse(module)
          ? new URL(module)
          : undefined;
  if (url === undefined || url.protocol !== 'file:') {
    throw new InvalidInputError(
      `Isolated tool '${tool}': module '${String(module)}' must be a file URL or an absolute path, e.g. new URL('./my-tool.ts', import.meta.url).`,
    );
  }
  if (!existsSync(fileURLToPath(url))) {
    throw new InvalidInputError(`Isolated tool '${tool}': module ${fileURLToPath(url)} does not exist.`);
  }
  return url.href;
}
