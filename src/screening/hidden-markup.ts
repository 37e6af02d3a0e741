// Text a human reader of rendered HTML or Markdown does not see, but a model reading the source does.
// Every pattern here runs in linear time (`npm run lint` checks it): an element is found as an opening tag, and its
// end by looking up, in one index of all closing tags, the first one after it, never by backtracking.
export interface HiddenSegment {
  kind: 'html-comment' | 'invisible-style' | 'hidden-attribute' | 'image-alt' | 'link-title' | 'markdown-comment';
  text: string;
}

const htmlComment = /<!--([\s\S]*?)(?:-->|$)/g;
// An opening tag stops at the next '<' or '>', so no text is read by two tags.
const openingTag = /<([a-z][a-z0-9]*)\b([^<>]*)>/gi;
const closingTag = /<\/([a-z][a-z0-9]*)\s*>/gi;
const styleValue = /\bstyle\s*=\s*["']([^"'<>]*)/i;
const invisibleDeclaration =
  /(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?!\.?\d*[1-9])|opacity\s*:\s*0(?!\.?\d*[1-9])|(?:^|[^-\w])color\s*:\s*(?:white|#fff\b|#ffffff\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\)))/i;
const hiddenAttribute = /\s(?:hidden|aria-hidden\s*=\s*["']true["'])/i;
const altValue = /\balt\s*=\s*(?:"([^"]*)|'([^']*))/i;
const markdownImageAlt = /!\[([^[\]]{1,2000})\]\(/g;
const markdownLinkTitle = /\]\([^()\s[\]]+\s+(?:"([^"()\n]*)"|'([^'()\n]*)')[ \t]*\)/g;
const markdownComment = /^[ \t]*\[(?:\/\/|comment)\]:[ \t]*#[ \t]*\(([^)\n\r\u2028\u2029]*)\)/gim;
const tags = /<[^<>]+>/g;

function push(segments: HiddenSegment[], kind: HiddenSegment['kind'], raw: string | undefined): void {
  const text = (raw ?? '').replace(tags, ' ').replace(/\s+/g, ' ').trim();
  if (text.length > 0) segments.push({ kind, text });
}

/** For each lowercase tag name, where its closing tags start and end, in text order. */
function indexClosingTags(text: string): Map<string, { starts: number[]; ends: number[] }> {
  const index = new Map<string, { starts: number[]; ends: number[] }>();
  for (const match of text.matchAll(closingTag)) {
    const name = match[1]!.toLowerCase();
    let entry = index.get(name);
    if (entry === undefined) {
      entry = { starts: [], ends: [] };
      index.set(name, entry);
    }
    entry.starts.push(match.index);
    entry.ends.push(match.index + match[0].length);
  }
  return index;
}

/** The first of the sorted `positions` at or after `from`, as an index into them, or -1. */
function firstAtOrAfter(positions: readonly number[], from: number): number {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (positions[middle]! < from) low = middle + 1;
    else high = middle;
  }
  return low < positions.length ? low : -1;
}

function hiddenKind(attributes: string): 'invisible-style' | 'hidden-attribute' | undefined {
  const style = styleValue.exec(attributes)?.[1];
  if (style !== undefined && invisibleDeclaration.test(style)) return 'invisible-style';
  if (hiddenAttribute.test(` ${attributes}`)) return 'hidden-attribute';
  return undefined;
}

function extractElements(text: string, segments: HiddenSegment[]): void {
  let closing: ReturnType<typeof indexClosingTags> | undefined;
  // An element's content is not searched again for elements nested inside it, as a global regex would not.
  let consumedUntil = 0;
  const invisible: HiddenSegment[] = [];
  const hidden: HiddenSegment[] = [];
  const alts: HiddenSegment[] = [];
  for (const match of text.matchAll(openingTag)) {
    const name = match[1]!.toLowerCase();
    const attributes = match[2]!;
    if (name === 'img') {
      const alt = altValue.exec(attributes);
      if (alt) push(alts, 'image-alt', alt[1] ?? alt[2]);
    }
    if (match.index < consumedUntil) continue;
    const kind = hiddenKind(attributes);
    if (kind === undefined) continue;
    closing ??= indexClosingTags(text);
    const ends = closing.get(name);
    const contentStart = match.index + match[0].length;
    const found = ends === undefined ? -1 : firstAtOrAfter(ends.starts, contentStart);
    if (found < 0) continue;
    push(kind === 'invisible-style' ? invisible : hidden, kind, text.slice(contentStart, ends!.starts[found]));
    consumedUntil = ends!.ends[found]!;
  }
  segments.push(...invisible, ...hidden, ...alts);
}

export function extractHiddenMarkup(text: string): HiddenSegment[] {
  // Most inputs have no markup at all: skip the scans.
  if (!text.includes('<') && !text.includes('](') && !text.includes(']:')) return [];
  const segments: HiddenSegment[] = [];
  for (const match of text.matchAll(htmlComment)) push(segments, 'html-comment', match[1]);
  if (text.includes('<')) extractElements(text, segments);
  for (const match of text.matchAll(markdownImageAlt)) push(segments, 'image-alt', match[1]);
  for (const match of text.matchAll(markdownLinkTitle)) push(segments, 'link-title', match[1] ?? match[2]);
  for (const match of text.matchAll(markdownComment)) push(segments, 'markdown-comment', match[1]);
  return segments;
}
