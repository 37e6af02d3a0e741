// Text a human reader of rendered HTML or Markdown does not see, but a model reading the source does.
export interface HiddenSegment {
  kind: 'html-comment' | 'invisible-style' | 'hidden-attribute' | 'image-alt' | 'link-title' | 'markdown-comment';
  text: string;
}

const htmlComment = /<!--([\s\S]*?)(?:-->|$)/g;
const invisibleStyle =
  /<([a-z][a-z0-9]*)\b[^>]*\bstyle\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])|(?<![-\w])color\s*:\s*(?:white|#fff\b|#ffffff\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\)))[^"']*["'][^>]*>([\s\S]*?)<\/\1\s*>/gi;
const hiddenAttribute =
  /<([a-z][a-z0-9]*)\b[^>]*\s(?:hidden|aria-hidden\s*=\s*["']true["'])[^>]*>([\s\S]*?)<\/\1\s*>/gi;
const imageAlt = /<img\b[^>]*\balt\s*=\s*(["'])([\s\S]*?)\1/gi;
const markdownImageAlt = /!\[([^\]]{1,2000})\]\(/g;
const markdownLinkTitle = /\]\([^)\s]+\s+(["'])([^)]*?)\1\s*\)/g;
const markdownComment = /^\s*\[(?:\/\/|comment)\]:\s*#\s*\(([^)]*)\)/gim;
const tags = /<[^>]+>/g;

function push(segments: HiddenSegment[], kind: HiddenSegment['kind'], raw: string | undefined): void {
  const text = (raw ?? '').replace(tags, ' ').replace(/\s+/g, ' ').trim();
  if (text.length > 0) segments.push({ kind, text });
}

export function extractHiddenMarkup(text: string): HiddenSegment[] {
  // Most inputs have no markup at all: skip the scans.
  if (!text.includes('<') && !text.includes('](') && !text.includes(']:')) return [];
  const segments: HiddenSegment[] = [];
  for (const match of text.matchAll(htmlComment)) push(segments, 'html-comment', match[1]);
  for (const match of text.matchAll(invisibleStyle)) push(segments, 'invisible-style', match[2]);
  for (const match of text.matchAll(hiddenAttribute)) push(segments, 'hidden-attribute', match[2]);
  for (const match of text.matchAll(imageAlt)) push(segments, 'image-alt', match[2]);
  for (const match of text.matchAll(markdownImageAlt)) push(segments, 'image-alt', match[1]);
  for (const match of text.matchAll(markdownLinkTitle)) push(segments, 'link-title', match[2]);
  for (const match of text.matchAll(markdownComment)) push(segments, 'markdown-comment', match[1]);
  return segments;
}
