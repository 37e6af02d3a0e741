// What the classifier reads: the words of the text without the wrapping a source or a carrier adds. The same
// attack arrives as a chat line, a JSON field, a Python dict printed with single quotes, an HTML page, a Markdown
// quote or a code comment; a model that learned one source's wrapping would fit the source, not the attack.

const maximumSerializedLength = 200_000;
const tag = /<\/?[a-z!][^<>]{0,400}>/gi;
const entity = /&(?:amp|lt|gt|quot|apos|nbsp|#39|#34);/g;
const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
  '&nbsp;': ' ',
  '&#39;': "'",
  '&#34;': '"',
};
// Quote marks, comment leaders and list or table marks at a line's start say how the text was carried, not what it says.
const lineLeader = /^[ \t]*(?:[>#*|;+-]+|\/\/+|\/\*+|\*\/|<!--|-->|"""|''')[ \t]*/gm;
const emphasis = /[*`~]+|\*\/|-->/g;
const curlyQuote = /[\u2018\u2019\u201a\u201b]/g;
const curlyDoubleQuote = /[\u201c\u201d\u201e\u201f\u00ab\u00bb]/g;
const doubleQuote = /"+/g;
// A single quote that is not an apostrophe inside a word.
const quoteMark = /(?<![\p{L}\p{N}])'+|'+(?![\p{L}\p{N}])/gu;
const escapedCharacter = /\\(?:u([0-9a-fA-F]{4})|([nrt"'\\/]))/g;

function unescapeCharacter(_match: string, code: string | undefined, character: string | undefined): string {
  if (code !== undefined) return String.fromCharCode(Number.parseInt(code, 16));
  if (character === 'n' || character === 'r' || character === 't') return '\n';
  return character ?? '';
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, into);
}

/**
 * String literals of a serialised value (JSON, or a Python or JavaScript literal with single quotes), read by a
 * scanner rather than a parser so that a truncated or non-standard serialisation still yields its text. Keys and
 * short identifiers are dropped: a literal counts when a space or a line break is in it, or it follows a colon.
 */
function scanStringLiterals(text: string): string[] {
  const found: string[] = [];
  let index = 0;
  let previous = '';
  while (index < text.length) {
    const character = text[index]!;
    if (character !== '"' && character !== "'") {
      if (character.trim() !== '') previous = character;
      index += 1;
      continue;
    }
    let end = index + 1;
    while (end < text.length && text[end] !== character) end += text[end] === '\\' ? 2 : 1;
    const literal = text.slice(index + 1, Math.min(end, text.length));
    if (previous === ':' || /[\s\\]/.test(literal)) found.push(literal.replace(escapedCharacter, unescapeCharacter));
    previous = character;
    index = end + 1;
  }
  return found;
}

function unwrapSerialized(text: string): string {
  const trimmed = text.trim();
  const first = trimmed[0];
  const last = trimmed[trimmed.length - 1];
  const bracketed = (first === '{' && last === '}') || (first === '[' && last === ']');
  const quoted = trimmed.length >= 2 && (first === '"' || first === "'") && last === first;
  if ((!bracketed && !quoted) || trimmed.length > maximumSerializedLength) return text;
  if (first !== "'") {
    try {
      const strings: string[] = [];
      collectStrings(JSON.parse(trimmed), strings);
      return strings.join('\n');
    } catch {
      // Not JSON: read it as a literal with single quotes or a truncated serialisation below.
    }
  }
  if (quoted) return trimmed.slice(1, -1).replace(escapedCharacter, unescapeCharacter);
  const literals = scanStringLiterals(trimmed);
  return literals.length === 0 ? text : literals.join('\n');
}

export function styleInvariantText(text: string): string {
  let result = unwrapSerialized(text);
  // A serialisation printed into text leaves its escapes behind: "line one\nline two".
  if (result.includes('\\')) result = result.replace(escapedCharacter, unescapeCharacter);
  if (result.includes('<')) result = result.replace(tag, ' ');
  if (result.includes('&')) result = result.replace(entity, (name) => entities[name] ?? name);
  result = result.replace(lineLeader, '').replace(emphasis, ' ');
  if (result.includes('"')) result = result.replace(doubleQuote, ' ');
  if (result.includes("'")) result = result.replace(quoteMark, ' ');
  if (/[\u2018-\u201f\u00ab\u00bb]/.test(result)) {
    result = result.replace(curlyDoubleQuote, ' ').replace(curlyQuote, "'");
    if (result.includes("'")) result = result.replace(quoteMark, ' ');
  }
  return result;
}
