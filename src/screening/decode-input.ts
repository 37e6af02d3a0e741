// Bytes from a file, a pipe or a socket become text to screen: never a crash, and what was odd is said.
export interface DecodedInput {
  text: string;
  /** The bytes were not valid UTF-8 and were decoded with replacement characters. */
  invalidUtf8: boolean;
  /** The bytes look like binary data (NUL bytes or many control characters), not text. */
  binary: boolean;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

export function decodeInput(bytes: Uint8Array): DecodedInput {
  let text: string;
  let invalidUtf8 = false;
  try {
    text = strict.decode(bytes);
  } catch {
    text = lenient.decode(bytes);
    invalidUtf8 = true;
  }
  return { text, invalidUtf8, binary: looksBinary(text) };
}

/** NUL characters, or more than a tenth control characters: data, not text. */
export function looksBinary(text: string): boolean {
  let control = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0) return true;
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) control += 1;
  }
  return text.length > 0 && control / text.length > 0.1;
}

/** Reasons to report for odd input; screening such input flags it, since no honest text looks like that. */
export function inputProblems(decoded: Pick<DecodedInput, 'invalidUtf8' | 'binary'>): string[] {
  const problems: string[] = [];
  if (decoded.binary) problems.push('input: looks like binary data, not text');
  if (decoded.invalidUtf8) problems.push('input: not valid UTF-8 (decoded with replacement characters)');
  return problems;
}
