// The values an action can carry from one text to another: addresses, links, account names, file names,
// amounts. Taint compares them as tokens, so a value is recognised wherever it is quoted, whatever surrounds it.

const emailPattern = /[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+/g;
const urlPattern = /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s<>"'`)\]]+/gi;
// A word with a digit, or joined by dashes, dots, underscores or colons: an id, a file name, a host.
const identifierPattern = /[\p{L}\p{N}][\p{L}\p{N}._:-]*[\p{L}\p{N}]/gu;
const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;

/** A number as an amount: `1,500.00`, `1500` and `1500.0` are the same value. */
export function normalizeNumber(text: string): string | undefined {
  const plain = text.replaceAll(',', '');
  if (!/^\d+(?:\.\d+)?$/.test(plain)) return undefined;
  return String(Number(plain));
}

/** A URL compared by scheme, host and path: the fragment and query do not make it another source. */
export function normalizeUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return text.toLowerCase();
  }
}

function isIdentifier(token: string): boolean {
  return /\d/.test(token) || /[\p{L}\p{N}][._:-][\p{L}\p{N}]/u.test(token);
}

/**
 * The distinctive values in a free text: addresses, links, identifiers (a digit, or parts joined by
 * punctuation) and numbers of three digits or more. Plain words are left out: they are shared by any two texts.
 */
export function distinctiveValues(text: string): Set<string> {
  const values = new Set<string>();
  for (const match of text.matchAll(emailPattern)) values.add(match[0].toLowerCase());
  for (const match of text.matchAll(urlPattern)) {
    const url = match[0].replace(/[.,;:!?]+$/, '');
    values.add(normalizeUrl(url));
    const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url)?.[1];
    if (host) values.add(host.toLowerCase());
  }
  for (const match of text.matchAll(identifierPattern)) {
    const token = match[0].replace(/[.:-]+$/, '').toLowerCase();
    const number = normalizeNumber(token);
    if (number !== undefined) {
      if (number.replace('.', '').length >= 3) values.add(number);
    } else if (token.length >= 3 && isIdentifier(token)) values.add(token);
  }
  return values;
}

/** Every word and value of a text: what a short field (a recipient, an account) is compared with. */
export function allValues(text: string): Set<string> {
  const values = distinctiveValues(text);
  for (const match of text.matchAll(wordPattern)) values.add(match[0].toLowerCase());
  for (const match of text.matchAll(/\d[\d,]*(?:\.\d+)?/g)) {
    const number = normalizeNumber(match[0]);
    if (number !== undefined) values.add(number);
  }
  return values;
}

/**
 * The values a target of an action stands for: a short field (no spaces) is one value, and a path also
 * its last part; a longer text stands for its distinctive values only.
 */
export function targetValues(target: string): string[] {
  const trimmed = target.trim();
  if (trimmed === '') return [];
  if (/\s/.test(trimmed) || trimmed.length > 128) return [...distinctiveValues(trimmed)];
  const values = new Set<string>([normalizeNumber(trimmed) ?? trimmed.toLowerCase()]);
  if (trimmed.includes('://')) values.add(normalizeUrl(trimmed));
  const last = trimmed.replace(/\/+$/, '').split('/').at(-1);
  if (last && last !== trimmed) values.add(last.toLowerCase());
  return [...values];
}
