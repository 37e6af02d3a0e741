// The actions a plain-language instruction asks for, read the way a literal-minded model would.
import type { ToolSpec } from '../provider.ts';

export type Intent =
  | { kind: 'run'; command: string }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'delete'; path: string; everything: boolean }
  | { kind: 'read'; path: string }
  | { kind: 'list'; path: string }
  | { kind: 'send'; to: string; subject: string; body: string }
  | { kind: 'transfer'; to: string; amount: number }
  | { kind: 'call'; tool: string };

const quoted = String.raw`"([^"\n]*)"|'([^'\n]*)'|\x60([^\x60\n]*)\x60`;
const bareToken = String.raw`((?:\.{0,2}/)?[\w-]+(?:[./][\w-]+)*/?)`;
const target = `(?:${quoted}|${bareToken})`;

interface Found {
  start: number;
  end: number;
  intent: Intent;
}

const maximumInstructionLength = 8000;

type Reader = (match: RegExpExecArray, text: string) => Intent | undefined;

/** Each family in priority order: a span read by an earlier family is not read again by a later one. */
const families: ReadonlyArray<readonly [RegExp, Reader]> = [
  [
    new RegExp(
      String.raw`\b(?:write|save|put|append)\s+(?:the\s+(?:text|line|words?|string)\s+)?(?:${quoted})\s+(?:to|into|in)\s+(?:the\s+)?(?:file\s+)?${target}`,
      'gi',
    ),
    (match) => writeIntent(pick(match, 4, 7), pick(match, 1, 3)),
  ],
  [
    new RegExp(
      String.raw`\bcreate\s+(?:a\s+)?(?:new\s+)?(?:file\s+)?(?:called\s+|named\s+)?${target}\s+(?:with|containing)\s+(?:the\s+(?:text|content)\s+)?(?:${quoted})`,
      'gi',
    ),
    (match) => writeIntent(pick(match, 1, 4), pick(match, 5, 7)),
  ],
  [
    new RegExp(
      String.raw`\b(?:replace|overwrite)\s+(?:the\s+contents?\s+of\s+)?(?:the\s+file\s+)?${target}\s+with\s+(?:${quoted})`,
      'gi',
    ),
    (match) => writeIntent(pick(match, 1, 4), pick(match, 5, 7)),
  ],
  // A backticked command is run as written, whatever verbs it contains; a backticked file name is left to the verbs.
  [
    /\x60([^\x60\n]+)\x60/g,
    (match) => {
      const command = (match[1] ?? '').trim();
      const looksLikeFile = !/\s/.test(command) && /\.\w+$/.test(command) && !command.startsWith('./');
      return looksLikeFile ? undefined : { kind: 'run', command };
    },
  ],
  [
    /\b(?:transfer|send|pay|wire|move|remit|settle)\s+[$€£]?\s?(\d[\d,]*(?:\.\d+)?)\s*(?:dollars|usd|eur|euros|gbp)?\s+(?:to|into|with)\s+(?:the\s+)?(?:account\s+|iban\s+)?([\w@.:-]*\w)/gi,
    (match) => ({ kind: 'transfer', amount: Number((match[1] ?? '0').replaceAll(',', '')), to: match[2] ?? '' }),
  ],
  // The same in the passive: "the outstanding 1500 is to be settled to acct-9".
  [
    /[$€£]?\b(\d[\d,]*(?:\.\d+)?)\s*(?:dollars|usd|eur|euros|gbp)?\s+(?:is|are|should\s+be|must\s+be|needs?\s+to\s+be)\s+(?:to\s+be\s+)?(?:settled|paid|sent|transferred|wired|moved|remitted)\s+(?:to|into|with)\s+(?:the\s+)?(?:account\s+)?([\w@.:-]*\w)/gi,
    (match) => ({ kind: 'transfer', amount: Number((match[1] ?? '0').replaceAll(',', '')), to: match[2] ?? '' }),
  ],
  [
    /\b(?:send|forward|e-?mail|reply)\b[^\n]{0,200}?([\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})[^\n]{0,300}/gi,
    (match) => {
      const sentence = match[0];
      const subject = /\bsubject\s*:?\s*(?:"([^"\n]*)"|'([^'\n]*)')/i.exec(sentence);
      const body = /\b(?:saying|body|text|message)\s*:?\s*(?:"([^"\n]*)"|'([^'\n]*)')/i.exec(sentence);
      return {
        kind: 'send',
        to: match[1] ?? '',
        subject: subject ? (subject[1] ?? subject[2] ?? '') : 'Message',
        body: body ? (body[1] ?? body[2] ?? '') : sentence.trim(),
      };
    },
  ],
  [
    /\b(?:delete|remove|erase|wipe)\s+(?:all\s+(?:of\s+)?(?:the\s+)?files|every\s+file|everything)\b/gi,
    () => ({ kind: 'delete', path: '.', everything: true }),
  ],
  [
    new RegExp(
      String.raw`\b(?:delete|remove|erase|wipe|rm(?:\s+-\w+)?)\s+(?:the\s+)?(?:file\s+|folder\s+|directory\s+)?${target}(\s+(?:folder|directory))?`,
      'gi',
    ),
    (match) => pathIntent('delete', match, match[5] !== undefined),
  ],
  [
    new RegExp(
      String.raw`\b(?:read|open|cat|view|summari[sz]e|inspect|look\s+at)\s+(?:the\s+)?(?:contents?\s+of\s+)?(?:the\s+)?(?:file\s+)?${target}`,
      'gi',
    ),
    (match) => pathIntent('read', match, false),
  ],
  [
    /\blist\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:files|directory|folder|workspace|contents)\b/gi,
    () => ({ kind: 'list', path: '.' }),
  ],
  [
    /\b(?:run|execute)\s+(?:the\s+command\s+)?(?:"([^"\n]+)"|'([^'\n]+)')/gi,
    (match) => ({ kind: 'run', command: pick(match, 1, 2) ?? '' }),
  ],
  [/(?<![\w/.])(\.\/[\w.-]*\w)/g, (match) => ({ kind: 'run', command: match[1] ?? '' })],
];

/** What data asks to be done, as a model that acts on anything actionable reads it: changes, not reads or the environment's own programs. */
export function readActionableIntents(text: string, tools: readonly ToolSpec[]): Intent[] {
  return readIntents(text, tools).filter(
    (intent) =>
      intent.kind !== 'read' &&
      intent.kind !== 'list' &&
      intent.kind !== 'call' &&
      !(intent.kind === 'run' && intent.command.startsWith('./')),
  );
}

/** The intents in `text`, in the order they appear, each once. */
export function readIntents(fullText: string, tools: readonly ToolSpec[]): Intent[] {
  // An instruction is read as far as a model would act on it; this also bounds the patterns' work.
  const text = fullText.slice(0, maximumInstructionLength);
  const found: Found[] = [];
  const overlaps = (start: number, end: number) => found.some((other) => start < other.end && other.start < end);
  const toolNames = new Set(tools.map((tool) => tool.name));
  for (const [pattern, read] of families) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (overlaps(start, end)) continue;
      let intent = read(match as RegExpExecArray, text);
      // A backticked tool name is a request to call that tool, not a shell command.
      if (intent?.kind === 'run' && toolNames.has(intent.command)) intent = { kind: 'call', tool: intent.command };
      if (intent) found.push({ start, end, intent });
    }
  }
  for (const tool of tools) {
    if (!/[_-]/.test(tool.name)) continue;
    const pattern = new RegExp(String.raw`(?<![\w-])${escapeRegExp(tool.name)}(?![\w-])`, 'g');
    for (const match of text.matchAll(pattern)) {
      if (!overlaps(match.index, match.index + match[0].length)) {
        found.push({
          start: match.index,
          end: match.index + match[0].length,
          intent: { kind: 'call', tool: tool.name },
        });
      }
    }
  }
  found.sort((left, right) => left.start - right.start);
  const seen = new Set<string>();
  const intents: Intent[] = [];
  for (const { intent } of found) {
    const key = JSON.stringify(intent);
    if (!seen.has(key)) {
      seen.add(key);
      intents.push(intent);
    }
  }
  return intents;
}

function pick(match: RegExpExecArray, from: number, to: number): string | undefined {
  for (let index = from; index <= to; index++) if (match[index] !== undefined) return match[index];
  return undefined;
}

function writeIntent(path: string | undefined, content: string | undefined): Intent | undefined {
  return path === undefined || content === undefined ? undefined : { kind: 'write', path, content };
}

/** A bare word counts as a path only when it looks like one (a slash or an extension) or is named a folder. */
function pathIntent(kind: 'read' | 'delete', match: RegExpExecArray, namedFolder: boolean): Intent | undefined {
  const quotedPath = pick(match, 1, 3);
  const bare = match[4];
  const path = quotedPath ?? (bare !== undefined && (namedFolder || /[./]/.test(bare)) ? bare : undefined);
  if (path === undefined || path === '') return undefined;
  return kind === 'read' ? { kind, path } : { kind, path, everything: false };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
