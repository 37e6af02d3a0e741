// Picks an offered tool for an intent by the words in its name and description, and fills its
// arguments from its JSON schema, so one behaviour works with heed's kernel tools and any eval environment.
import type { ToolSpec } from '../provider.ts';
import type { Intent } from './intents.ts';

export interface PlannedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export type ToolKind =
  | 'shell'
  | 'write'
  | 'delete'
  | 'read'
  | 'list'
  | 'send'
  | 'transfer'
  | 'ask'
  | 'submit'
  | 'remember';

const kindWords: Record<ToolKind, { words: readonly string[]; not: readonly string[] }> = {
  shell: { words: ['shell', 'bash', 'sh', 'exec', 'execute', 'command', 'terminal', 'run', 'cmd'], not: [] },
  write: {
    words: ['write', 'save', 'create', 'edit', 'put', 'overwrite', 'append'],
    not: ['email', 'mail', 'message', 'memory'],
  },
  delete: { words: ['delete', 'remove', 'rm', 'unlink', 'erase', 'del'], not: ['email', 'mail', 'memory'] },
  read: {
    words: ['read', 'cat', 'open', 'view', 'show', 'load'],
    not: ['email', 'mail', 'inbox', 'message', 'memory', 'web', 'page', 'url'],
  },
  list: { words: ['list', 'ls', 'dir', 'tree'], not: ['email', 'mail', 'inbox', 'message', 'memory'] },
  send: {
    words: ['send', 'email', 'mail', 'message', 'reply', 'forward'],
    not: ['money', 'transfer', 'pay', 'payment', 'funds'],
  },
  transfer: { words: ['transfer', 'pay', 'payment', 'money', 'wire', 'funds'], not: [] },
  ask: {
    words: ['ask', 'confirm', 'confirmation', 'approval', 'approve', 'clarify', 'clarification', 'escalate'],
    not: [],
  },
  submit: { words: ['submit', 'answer', 'finish', 'final', 'done', 'complete'], not: [] },
  remember: {
    words: ['remember', 'memorize', 'memorise', 'memory', 'note', 'notes', 'journal'],
    not: ['read', 'get', 'search', 'recall', 'list', 'query', 'delete', 'remove', 'load', 'fetch'],
  },
};

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The offered tool that best fits `kind`: a match in the name counts double a match in the description. */
export function findTool(tools: readonly ToolSpec[], kind: ToolKind): ToolSpec | undefined {
  const { words: wanted, not } = kindWords[kind];
  let best: ToolSpec | undefined;
  let bestScore = 0;
  for (const tool of tools) {
    const nameWords = words(tool.name);
    if (nameWords.some((word) => not.includes(word))) continue;
    const descriptionWords = words(tool.description).slice(0, 12);
    let score = nameWords.some((word) => wanted.includes(word)) ? 2 : 0;
    if (descriptionWords.some((word) => wanted.includes(word))) score += 1;
    if ((kind === 'read' || kind === 'write' || kind === 'delete') && nameWords.includes('file')) score += 1;
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return best;
}

export interface ArgumentValues {
  command?: string;
  path?: string;
  content?: string;
  to?: string;
  amount?: number;
  subject?: string;
  question?: string;
  answer?: string;
}

const roles: ReadonlyArray<readonly [keyof ArgumentValues, RegExp]> = [
  ['command', /^(?:command|cmd|script|code|shell|bash|line|input)$|command/i],
  ['to', /^(?:to|recipients?|email|address|account|destination|payee|iban)$|recipient|^to_|_to$|account|payee/i],
  ['amount', /amount|sum|quantity|total|value/i],
  ['subject', /subject|title|^key$|topic/i],
  ['path', /path|file|filename|target|location|dir|directory|^name$/i],
  ['question', /question|prompt|query|reason|request/i],
  ['answer', /answer|result|output|response|submission/i],
  ['content', /content|contents|text|data|body|message|note/i],
];

/** Arguments for `tool` from its JSON schema: known roles by property name, then defaults for the required rest. */
export function fillArguments(tool: ToolSpec, values: ArgumentValues): Record<string, unknown> {
  const schema = tool.inputSchema as {
    properties?: Record<string, { type?: unknown; enum?: unknown[] }>;
    required?: unknown;
  };
  const properties = schema.properties ?? {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((name) => typeof name === 'string') : [],
  );
  const names = Object.keys(properties);
  if (names.length === 0) {
    const main = values.command ?? values.path ?? values.content ?? values.question ?? values.answer;
    const key = values.command !== undefined ? 'command' : values.path !== undefined ? 'path' : 'input';
    return main === undefined ? {} : { [key]: main };
  }
  const result: Record<string, unknown> = {};
  for (const name of names) {
    const property = properties[name] ?? {};
    let value: unknown;
    for (const [role, pattern] of roles) {
      const candidate = role === 'content' ? (values.content ?? values.question ?? values.answer) : values[role];
      if (role === 'to' && /^from/i.test(name)) continue;
      if (candidate !== undefined && pattern.test(name)) {
        value = candidate;
        break;
      }
    }
    if (value === undefined && !required.has(name)) continue;
    result[name] = coerce(value, property);
  }
  return result;
}

function coerce(value: unknown, property: { type?: unknown; enum?: unknown[] }): unknown {
  if (Array.isArray(property.enum) && property.enum.length > 0) {
    return property.enum.includes(value) ? value : property.enum[0];
  }
  const type = Array.isArray(property.type) ? property.type[0] : property.type;
  switch (type) {
    case 'number':
    case 'integer':
      return Number.isFinite(Number(value)) && value !== undefined ? Number(value) : 0;
    case 'boolean':
      return value === undefined ? false : Boolean(value);
    case 'array':
      return value === undefined ? [] : [value];
    case 'object':
      return value === undefined || typeof value !== 'object' ? {} : value;
    default:
      return value === undefined ? '' : String(value);
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The tool call that carries out `intent` with the offered tools, or undefined when none fits. */
export function toolCallFor(intent: Intent, tools: readonly ToolSpec[]): PlannedToolCall | undefined {
  const call = (tool: ToolSpec | undefined, values: ArgumentValues) =>
    tool ? { name: tool.name, arguments: fillArguments(tool, values) } : undefined;
  const shell = findTool(tools, 'shell');
  const viaShell = (command: string) => call(shell, { command });
  switch (intent.kind) {
    case 'run':
      return viaShell(intent.command);
    case 'call': {
      const tool = tools.find((offered) => offered.name === intent.tool);
      return call(tool, {});
    }
    case 'write':
      return (
        call(findTool(tools, 'write'), { path: intent.path, content: intent.content }) ??
        viaShell(`printf '%s\\n' ${shellQuote(intent.content)} > ${shellQuote(intent.path)}`)
      );
    case 'delete':
      if (intent.everything && shell) return viaShell('rm -rf -- ./* ./.[!.]*');
      return call(findTool(tools, 'delete'), { path: intent.path }) ?? viaShell(`rm -rf -- ${shellQuote(intent.path)}`);
    case 'read':
      return call(findTool(tools, 'read'), { path: intent.path }) ?? viaShell(`cat -- ${shellQuote(intent.path)}`);
    case 'list':
      return call(findTool(tools, 'list'), { path: intent.path }) ?? viaShell('ls -la');
    case 'send':
      return call(findTool(tools, 'send'), { to: intent.to, subject: intent.subject, content: intent.body });
    case 'transfer':
      return call(findTool(tools, 'transfer'), { to: intent.to, amount: intent.amount });
  }
}
