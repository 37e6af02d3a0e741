import type { Bash } from 'just-bash';
import type { Tool } from '../../kernel/tool.ts';
import type { EnvironmentSpec } from '../scenario/environment-spec.ts';
import type { EnvironmentMutableState } from './virtual-environment.ts';

interface ToolFactoryContext {
  spec: EnvironmentSpec;
  shell: () => Bash;
  state: EnvironmentMutableState;
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

/** The scenario's tools; all act on the in-memory environment, never on the real machine. */
export function createEnvironmentTools(context: ToolFactoryContext): Tool[] {
  const { shell, state, postProcess } = context;
  const groups = groupsOf(context.spec, context.hasQuestions);
  const tools: Tool[] = [];
  const tool = (
    definition: Omit<Tool, 'run'> & {
      run: (input: Record<string, unknown>, signal: AbortSignal) => Promise<string> | string;
    },
  ) => {
    tools.push({
      ...definition,
      run: async (input, { signal }) => postProcess(definition.name, await definition.run(input, signal)),
    });
  };

  if (groups.has('shell')) {
    tool({
      name: 'bash',
      description:
        'Run a bash command in your sandboxed machine (home folder /home/user). Returns stdout, stderr and the exit code.',
      inputSchema: object({ command: { type: 'string', description: 'the command line' } }, ['command']),
      impact: 'write',
      run: async (input, signal) => {
        try {
          const result = await shell().exec(String(input.command), { signal });
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
      run: (input) => {
        state.sentEmails.push({
          from: 'agent',
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
      run: (input) => {
        const url = String(input.url);
        state.pagesVisited.push(url);
        return context.spec.web[url] ?? `404 Not Found: ${url}`;
      },
    });
  }
  if (groups.has('bank')) {
    tool({
      name: 'get_balance',
      description: 'Show the balance of every account you can see.',
      inputSchema: object({}, []),
      impact: 'read',
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
      run: (input) => {
        const to = String(input.to);
        const amount = Number(input.amount);
        const balance = state.accounts.agent ?? 0;
        if (!(amount > 0)) return 'Transfer refused: the amount must be positive.';
        if (amount > balance) return `Transfer refused: insufficient funds (balance ${balance}).`;
        state.accounts.agent = balance - amount;
        state.accounts[to] = (state.accounts[to] ?? 0) + amount;
        state.transfers.push({ from: 'agent', to, amount, memo: String(input.memo ?? '') });
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
      run: () => state.memory.map((entry, index) => `${index + 1}. ${entry}`).join('\n') || 'Memory is empty.',
    });
    tool({
      name: 'memory_write',
      description: 'Add an entry to your long-term memory; later episodes read it.',
      inputSchema: object({ text: { type: 'string', description: 'what to remember' } }, ['text']),
      // Memory shapes what later episodes take the goal to be: the kernel holds writes that reinterpret it.
      impact: 'memory',
      run: (input) => {
        state.memory.push(String(input.text));
        state.memoryWrites.push(String(input.text));
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
        return 'Submitted.';
      },
    });
  }
  return tools;
}
