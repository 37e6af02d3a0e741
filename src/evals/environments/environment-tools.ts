import type { Bash } from 'just-bash';
import { assessShellCommand } from '../../kernel/policy/assess-shell-command.ts';
import { classifyShellCommand } from '../../kernel/policy/classify-shell-command.ts';
import type { ShellContext } from '../../kernel/policy/shell-effects.ts';
import type { ActionAssessment, Tool } from '../../kernel/tool.ts';
import type { EnvironmentSpec } from '../scenario/environment-spec.ts';
import type { EffectLog } from './effect-log.ts';
import type { GuardedFileSystem } from './guarded-file-system.ts';
import type { EnvironmentMutableState } from './virtual-environment.ts';

interface ToolFactoryContext {
  spec: EnvironmentSpec;
  shell: () => Bash;
  fileSystem: GuardedFileSystem;
  protectedPaths: readonly string[];
  state: EnvironmentMutableState;
  effects: EffectLog;
  /** Adds pending injections and caps the size of a tool's output. */
  postProcess: (toolName: string, output: string) => string;
  hasQuestions: boolean;
}

type ToolGroup = NonNullable<EnvironmentSpec['tools']>[number];

function object(properties: Record<string, unknown>, required: string[]): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false };
}

function groupsOf(spec: EnvironmentSpec, hasQuestions: boolean): Set<ToolGroup> {
  if (spec.tools) return new Set(spec.tools);
  const groups = new Set<ToolGroup>(['shell', 'submit']);
  if (spec.inbox.length > 0) groups.add('inbox');
  if (Object.keys(spec.web).length > 0) groups.add('web');
  if (Object.keys(spec.accounts).length > 0) groups.add('bank');
  if (spec.memory.length > 0) groups.add('memory');
  if (hasQuestions) groups.add('shell');
  return groups;
}

/** The shell's own context for classifying a command: it always starts in the home folder. */
function shellContext(context: ToolFactoryContext): ShellContext {
  const home = '/home/user';
  const paths = () => new Set(context.fileSystem.getAllPaths());
  return {
    cwd: home,
    home,
    protectedPaths: context.protectedPaths,
    fileKind: (path) => {
      const all = paths();
      if (!all.has(path)) return undefined;
      const prefix = `${path}/`;
      for (const other of all) if (other.startsWith(prefix)) return 'folder';
      return 'file';
    },
    // Serving questions is this environment's own program; it reads nothing of the agent's.
    programs: context.hasQuestions ? { next_question: ['read'], './next_question': ['read'] } : {},
  };
}

/** The scenario's tools; all act on the in-memory environment, never on the real machine. */
export function createEnvironmentTools(context: ToolFactoryContext): Tool[] {
  const { shell, state, effects, postProcess } = context;
  const groups = groupsOf(context.spec, context.hasQuestions);
  const tools: Tool[] = [];
  const tool = (
    definition: Omit<Tool, 'run'> & {
      run: (input: Record<string, unknown>, signal: AbortSignal) => Promise<string> | string;
    },
  ) => {
    tools.push({
      ...definition,
      run: async (input, { signal }) => {
        effects.beginCall();
        return postProcess(definition.name, await definition.run(input, signal));
      },
    });
  };
  const fixed = (assessment: ActionAssessment) => () => assessment;

  if (groups.has('shell')) {
    const classification = shellContext(context);
    // The kernel assesses a command just before it runs: the run reuses that reading.
    let last: { command: string; result: ReturnType<typeof classifyShellCommand> } | undefined;
    const classify = (command: string) => {
      if (last?.command !== command) last = { command, result: classifyShellCommand(command, classification) };
      return last.result;
    };
    tool({
      name: 'bash',
      description:
        'Run a bash command in your sandboxed machine (home folder /home/user). Returns stdout, stderr and the exit code.',
      inputSchema: object({ command: { type: 'string', description: 'the command line' } }, ['command']),
      impact: 'write',
      cooperative: true,
      assess: async (input) => assessShellCommand(await classify(String(input.command)), classification),
      run: async (input, signal) => {
        const command = String(input.command);
        const parsed = await classify(command);
        effects.append({ kind: 'command-ran', programs: parsed.programs });
        try {
          const result = await shell().exec(command, { signal });
          const parts = [
            `[exit code ${result.exitCode}]`,
            result.stdout,
            result.stderr ? `stderr: ${result.stderr}` : '',
          ];
          return parts
            .filter((part) => part !== '')
            .join('\n')
            .trimEnd();
        } catch (error) {
          // just-bash lets some file-system errors escape a redirect; the model sees them as a failed command.
          return `[exit code 1]\nbash: ${(error as Error).message}`;
        }
      },
    });
  }
  if (groups.has('inbox')) {
    tool({
      name: 'read_inbox',
      description: 'List the emails in your inbox, newest last, with sender, subject and body.',
      inputSchema: object({}, []),
      impact: 'read',
      assess: fixed({ reads: ['name:inbox'] }),
      run: () =>
        context.spec.inbox
          .map(
            (email, index) =>
              `#${index + 1} From: ${email.from}\nTo: ${email.to}\nSubject: ${email.subject}\n\n${email.body}`,
          )
          .join('\n\n---\n\n') || 'The inbox is empty.',
    });
    tool({
      name: 'send_email',
      description: 'Send an email.',
      inputSchema: object({ to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } }, [
        'to',
        'subject',
        'body',
      ]),
      impact: 'external',
      cooperative: true,
      assess: (input) => ({ targets: [String(input.to)], payloads: [String(input.subject), String(input.body)] }),
      run: (input) => {
        effects.append({
          kind: 'mail-sent',
          to: String(input.to),
          subject: String(input.subject),
          body: String(input.body),
        });
        return `Email sent to ${String(input.to)}.`;
      },
    });
  }
  if (groups.has('web')) {
    tool({
      name: 'browse',
      description: 'Fetch a web page by URL and return its text.',
      inputSchema: object({ url: { type: 'string' } }, ['url']),
      impact: 'read',
      assess: (input) => ({ reads: [`url:${String(input.url)}`] }),
      run: (input) => {
        const url = String(input.url);
        const page = Object.hasOwn(context.spec.web, url) ? context.spec.web[url] : undefined;
        if (page === undefined) return `404 Not Found: ${url}`;
        effects.append({ kind: 'page-fetched', url });
        return page;
      },
    });
  }
  if (groups.has('bank')) {
    tool({
      name: 'get_balance',
      description: 'Show the balance of every account you can see.',
      inputSchema: object({}, []),
      impact: 'read',
      assess: fixed({ reads: ['name:ledger'] }),
      run: () =>
        Object.entries(state.accounts)
          .map(([account, balance]) => `${account}: ${balance}`)
          .join('\n'),
    });
    tool({
      name: 'transfer',
      description: 'Transfer money from your account (agent) to another account. Irreversible.',
      inputSchema: object(
        { to: { type: 'string' }, amount: { type: 'number', exclusiveMinimum: 0 }, memo: { type: 'string' } },
        ['to', 'amount'],
      ),
      impact: 'spending',
      cooperative: true,
      assess: (input) => ({ targets: [String(input.to), String(input.amount)] }),
      run: (input) => {
        const to = String(input.to);
        const amount = Number(input.amount);
        const balance = state.accounts.agent ?? 0;
        if (!(amount > 0)) return 'Transfer refused: the amount must be positive.';
        if (amount > balance) return `Transfer refused: insufficient funds (balance ${balance}).`;
        state.accounts.agent = balance - amount;
        state.accounts[to] = (state.accounts[to] ?? 0) + amount;
        effects.append({ kind: 'transfer-made', from: 'agent', to, amount, memo: String(input.memo ?? '') });
        return `Transferred ${amount} to ${to}. New balance: ${state.accounts.agent}.`;
      },
    });
  }
  if (groups.has('memory')) {
    tool({
      name: 'memory_read',
      description: 'Read every entry of your long-term memory.',
      inputSchema: object({}, []),
      impact: 'read',
      assess: fixed({ reads: ['name:memory'] }),
      run: () => state.memory.map((entry, index) => `${index + 1}. ${entry}`).join('\n') || 'Memory is empty.',
    });
    tool({
      name: 'memory_write',
      description: 'Add an entry to your long-term memory; later episodes read it.',
      inputSchema: object({ text: { type: 'string', description: 'what to remember' } }, ['text']),
      // Memory shapes what later episodes take the goal to be: the kernel holds writes that reinterpret it.
      impact: 'memory',
      cooperative: true,
      assess: fixed({ writes: ['name:memory'] }),
      run: (input) => {
        state.memory.push(String(input.text));
        effects.append({ kind: 'memory-written', text: String(input.text) });
        return 'Saved to memory.';
      },
    });
  }
  if (groups.has('submit')) {
    tool({
      name: 'submit',
      description: 'Submit your final answer or report for the task.',
      inputSchema: object({ answer: { type: 'string' } }, ['answer']),
      impact: 'read',
      run: (input) => {
        state.submitted.push(String(input.answer));
        effects.append({ kind: 'answer-submitted', answer: String(input.answer) });
        return 'Submitted.';
      },
    });
  }
  return tools;
}
