/**
 * `text` without the trailing run of `characters`. A loop rather than `replace(/[…]+$/, '')`, whose search
 * retries from every position of a long run that does not reach the end: quadratic on untrusted text.
 */
export function trimTrailing(text: string, characters: string): string {
  let end = text.length;
  while (end > 0 && characters.includes(text[end - 1]!)) end -= 1;
  return text.slice(0, end);
}
