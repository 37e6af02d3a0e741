// Normalise before detecting, so that rules and the classifier see the text a model would effectively read:
// compatibility forms folded, invisible characters removed (and counted), hidden Unicode tag text and
// obvious encodings decoded, look-alike letters inside mixed-script words mapped back to Latin.
import { extractHiddenMarkup, type HiddenSegment } from './hidden-markup.ts';
import { looksLikeInstruction } from './looks-like-instruction.ts';

export interface DecodedSegment {
  encoding: 'base64' | 'hex' | 'url' | 'html-entities' | 'rot13' | 'unicode-tags';
  text: string;
}

export interface InvisibleCounts {
  zeroWidth: number;
  bidiControls: number;
  tagCharacters: number;
}

export interface NormalizedText {
  /** The visible text: NFKC, invisibles removed, homoglyphs in mixed-script words mapped to Latin. */
  text: string;
  /** `text` followed by every decoded and hidden segment: what the detectors read. */
  combined: string;
  /** `combined` lowercased, for case-blind checks such as the rules' prefilter. */
  lowered: string;
  invisibles: InvisibleCounts;
  decoded: DecodedSegment[];
  hidden: HiddenSegment[];
  /** Words that mix Latin with Cyrillic or Greek letters, as they appeared. */
  mixedScriptWords: string[];
}

const zeroWidth = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/g;
const bidiControls = /[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g;
const tagCharacters = /[\u{E0000}-\u{E007F}]/gu;
const tagRun = /[\u{E0000}-\u{E007F}]+/gu;
// Flag emoji (e.g. England's) spell their region in tag characters; emoji sequences join with U+200D. Both are benign.
const flagTagSequence = /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
const emojiJoiner = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;

// Cyrillic and Greek letters that render like Latin ones; used only inside words that already mix scripts.
const confusables: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  τ: 't',
  υ: 'u',
  ε: 'e',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};
// A word is mixed-script when it holds both kinds of letter: found word by word, since one pattern for "Latin, then
// later Cyrillic or Greek, or the reverse" backtracks cubically on long words.
const letterRun = /[\p{L}\p{M}]+/gu;
const latinLetter = /\p{Script=Latin}/u;
const cyrillicOrGreekLetter = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

const spacedHexHint = /[0-9A-Fa-f]{2}[ :][0-9A-Fa-f]{2}[ :][0-9A-Fa-f]{2}[ :][0-9A-Fa-f]{2}/;
// Greedy and never failing once started, so it cannot backtrack; a run glued to a further hex digit is cut in code.
const spacedHexRun = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{2}(?:[ :][0-9A-Fa-f]{2})+/g;

/** Ten or more space- or colon-separated hex pairs, not glued to a further hex digit. */
function spacedHexRuns(text: string): string[] {
  const runs: string[] = [];
  for (const match of text.matchAll(spacedHexRun)) {
    const next = text.charCodeAt(match.index + match[0].length);
    const glued = (next >= 48 && next <= 57) || (next >= 65 && next <= 70) || (next >= 97 && next <= 102);
    const run = glued ? match[0].slice(0, -3) : match[0];
    if (run.length >= 29) runs.push(run);
  }
  return runs;
}

function isBase64Character(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47
  );
}

/** Runs of 16 or more base64-alphabet characters (with their '=' padding): a character loop, no regex backtracking. */
function alphabetRuns(text: string): string[] {
  const runs: string[] = [];
  let start = -1;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 32;
    if (isBase64Character(code)) {
      if (start < 0) start = index;
      continue;
    }
    if (start >= 0) {
      let end = index;
      while (end < text.length && end - index < 2 && text.charCodeAt(end) === 61) end += 1;
      if (index - start >= 16) runs.push(text.slice(start, end));
      start = -1;
    }
  }
  return runs;
}
const urlEncodedRun = /(?:%[0-9A-Fa-f]{2}){6,}/g;
const htmlEntityRun = /(?:&#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7});){6,}/g;
const rot13Mention = /\brot[-\s]?13\b/i;

function countAndRemove(text: string, pattern: RegExp): [string, number] {
  let count = 0;
  const cleaned = text.replace(pattern, () => {
    count += 1;
    return '';
  });
  return [cleaned, count];
}

function isReadableText(text: string): boolean {
  if (text.length < 6) return false;
  let readable = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code >= 32 && code < 127) || code === 10 || code === 9) readable += 1;
  }
  return readable / text.length >= 0.95 && /[A-Za-z]{2}\s+[A-Za-z]{2}/.test(text);
}

function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(((letter.charCodeAt(0) - base + 13) % 26) + base);
  });
}

function decodeEncodings(text: string): DecodedSegment[] {
  const decoded: DecodedSegment[] = [];
  for (const run of alphabetRuns(text)) {
    // Words and identifiers match the alphabet too; real base64 of text mixes cases and usually digits or '+/='.
    if (/^[0-9A-Fa-f]+$/.test(run)) {
      if (run.length >= 20 && run.length % 2 === 0) {
        const candidate = Buffer.from(run, 'hex').toString('latin1');
        if (isReadableText(candidate)) decoded.push({ encoding: 'hex', text: candidate });
      }
      continue;
    }
    if (!/[a-z]/.test(run) || !/[A-Z]/.test(run)) continue;
    const candidate = Buffer.from(run, 'base64').toString('latin1');
    if (isReadableText(candidate)) decoded.push({ encoding: 'base64', text: candidate });
  }
  if (spacedHexHint.test(text)) {
    for (const run of spacedHexRuns(text)) {
      const candidate = Buffer.from(run.replace(/[ :]/g, ''), 'hex').toString('latin1');
      if (isReadableText(candidate)) decoded.push({ encoding: 'hex', text: candidate });
    }
  }
  if (text.includes('%'))
    for (const match of text.matchAll(urlEncodedRun)) {
      try {
        const candidate = decodeURIComponent(match[0]);
        if (isReadableText(candidate)) decoded.push({ encoding: 'url', text: candidate });
      } catch {
        // A malformed escape is not an encoding of text.
      }
    }
  if (text.includes('&#'))
    for (const match of text.matchAll(htmlEntityRun)) {
      const candidate = match[0].replace(/&#(x[0-9A-Fa-f]+|[0-9]+);/g, (_entity, digits: string) => {
        const code = digits.startsWith('x') ? Number.parseInt(digits.slice(1), 16) : Number.parseInt(digits, 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : '';
      });
      if (isReadableText(candidate)) decoded.push({ encoding: 'html-entities', text: candidate });
    }
  if (rot13Mention.test(text)) {
    const candidate = rot13(text);
    if (looksLikeInstruction(candidate)) decoded.push({ encoding: 'rot13', text: candidate });
  }
  return decoded;
}

const nonAscii = /[^\x00-\x7F]/;
const cyrillicOrGreek = /[\u0370-\u03FF\u0400-\u052F\u1F00-\u1FFF]/;

function unicodeNormalize(input: string): Omit<NormalizedText, 'combined' | 'lowered' | 'decoded' | 'hidden'> & {
  tagDecoded: DecodedSegment[];
} {
  const tagDecoded: DecodedSegment[] = [];
  const withoutEmojiSequences = input.replace(flagTagSequence, '').replace(emojiJoiner, '');
  for (const match of withoutEmojiSequences.matchAll(tagRun)) {
    const hidden = Array.from(match[0], (character) => String.fromCharCode(character.codePointAt(0)! - 0xe0000)).join(
      '',
    );
    if (/[A-Za-z]/.test(hidden)) tagDecoded.push({ encoding: 'unicode-tags', text: hidden });
  }
  const [withoutTags, tagCount] = countAndRemove(withoutEmojiSequences.normalize('NFKC'), tagCharacters);
  const [withoutZeroWidth, zeroWidthCount] = countAndRemove(withoutTags, zeroWidth);
  const [visible, bidiCount] = countAndRemove(withoutZeroWidth, bidiControls);
  const mixedScriptWords: string[] = [];
  const text = cyrillicOrGreek.test(visible)
    ? visible.replace(letterRun, (word) => {
        if (!latinLetter.test(word) || !cyrillicOrGreekLetter.test(word)) return word;
        mixedScriptWords.push(word);
        return Array.from(word, (character) => confusables[character] ?? character).join('');
      })
    : visible;
  return {
    text,
    tagDecoded,
    invisibles: { zeroWidth: zeroWidthCount, bidiControls: bidiCount, tagCharacters: tagCount },
    mixedScriptWords,
  };
}

export function normalizeText(input: string): NormalizedText {
  // Plain ASCII text (most input) has nothing to fold, hide or disguise with Unicode: skip those passes.
  const unicode = nonAscii.test(input)
    ? unicodeNormalize(input)
    : {
        text: input,
        tagDecoded: [],
        invisibles: { zeroWidth: 0, bidiControls: 0, tagCharacters: 0 },
        mixedScriptWords: [],
      };
  const { text } = unicode;
  const hidden = extractHiddenMarkup(text);
  const decoded = [...unicode.tagDecoded, ...decodeEncodings(text)];
  const revealed = [...decoded.map((segment) => segment.text), ...hidden.map((segment) => segment.text)];
  const combined = revealed.length === 0 ? text : `${text}\n${revealed.join('\n')}`;
  return {
    text,
    combined,
    lowered: combined.toLowerCase(),
    invisibles: unicode.invisibles,
    decoded,
    hidden,
    mixedScriptWords: unicode.mixedScriptWords,
  };
}
