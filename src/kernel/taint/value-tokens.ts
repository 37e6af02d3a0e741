// The values an action can carry from one text to another: addresses, links, account names, file names,
// amounts. Taint compares them as tokens, so a value is recognised wherever it is quoted, whatever surrounds it.

import { trimTrailing } from '../../core/trim-trailing.ts';

// One pass over a text: a run of letters and digits with the punctuation names, links and addresses use.
const tokenPattern = /[\p{L}\p{N}][\p{L}\p{N}._:@/+%=?&#~'-]*/gu;
// Punctuation a token may end with that is not part of the value (a sentence's full stop, a link's slash).
const trailingPunctuation = "._:@/+%=?&#~'-";
const plainWord = /^\p{L}+$/u;
const schemeLink = /^[a-z][a-z0-9+.-]{1,15}:\/\/[^/?#]+/i;
const emailShape = /^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+$/;
const partSeparator = /[^\p{L}\p{N}]+/u;
const innerPunctuation = /[\p{L}\p{N}][._:@/-][\p{L}\p{N}]/u;
// What separates an address from what is glued to it inside one token (`mailto:bob@x.com/inbox`).
const notInAddress = /[^\w.+@-]+/;
const groupedNumber = /\d{1,3}(?:,\d{3})+(?:\.\d+)?/g;

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
    return `${url.protocol}//${url.host}${trimTrailing(url.pathname, '/')}`.toLowerCase();
  } catch {
    return text.toLowerCase();
  }
}

/**
 * Adds a token's values: itself when it is distinctive (an address, a link and its host, a name with a digit
 * or inner punctuation, a number of three digits or more), and with `words` every plain word and number in it.
 */
function addToken(raw: string, values: Set<string>, words: boolean): void {
  // Most tokens are plain words: nothing distinctive, and only themselves as words.
  if (plainWord.test(raw)) {
    if (words) values.add(raw.toLowerCase());
    return;
  }
  const token = trimTrailing(raw, trailingPunctuation).toLowerCase();
  if (token === '') return;
  const link = schemeLink.exec(token);
  if (link) {
    values.add(normalizeUrl(token));
    values.add(link[0].replace(/^[^:]+:\/\//, ''));
  } else if (emailShape.test(token)) values.add(token);
  else if (token.includes('@')) {
    for (const part of token.split(notInAddress)) {
      const address = trimTrailing(part, '.');
      if (address.includes('@') && emailShape.test(address)) values.add(address);
    }
  } else {
    const number = normalizeNumber(token);
    if (number !== undefined) {
      if (words || number.replace('.', '').length >= 3) values.add(number);
    } else if (token.length >= 3 && (/\d/.test(token) || innerPunctuation.test(token))) values.add(token);
  }
  if (!words) return;
  for (const part of token.split(partSeparator)) {
    if (part === '') continue;
    values.add(normalizeNumber(part) ?? part);
  }
}

function valuesOf(text: string, words: boolean): Set<string> {
  const values = new Set<string>();
  for (const match of text.matchAll(tokenPattern)) addToken(match[0], values, words);
  // 1,500 is one amount, though the comma splits it into tokens.
  if (text.includes(','))
    for (const match of text.matchAll(groupedNumber)) addToken(match[0].replaceAll(',', ''), values, words);
  return values;
}

/**
 * The distinctive values in a free text: addresses, links, identifiers (a digit, or parts joined by
 * punctuation) and numbers of three digits or more. Plain words are left out: they are shared by any two texts.
 */
export function distinctiveValues(text: string): Set<string> {
  return valuesOf(text, false);
}

/** Every word and value of a text: what a short field (a recipient, an account) is compared with. */
export function allValues(text: string): Set<string> {
  return valuesOf(text, true);
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
  const last = trimTrailing(trimmed, '/').split('/').at(-1);
  if (last && last !== trimmed) values.add(last.toLowerCase());
  return [...values];
}
