// An injected order is often one sentence inside a long document; scoring chunks keeps it from being diluted.
export const chunkCharacters = 300;

/** Splits at line breaks and sentence ends into pieces of about `chunkCharacters`; a short text is one chunk. */
const separator = /\n+|(?<=[.!?])\s+/g;

export function splitIntoChunks(text: string): string[] {
  if (text.length <= chunkCharacters) return [text];
  const chunks: string[] = [];
  let current = '';
  for (const piece of text.split(separator)) {
    if (current !== '' && current.length + piece.length + 1 > chunkCharacters) {
      chunks.push(current);
      current = piece;
    } else {
      current = current === '' ? piece : `${current} ${piece}`;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

// JavaScript's \s, which the separator pattern uses.
function isRegExpSpace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function isSentenceEnd(code: number): boolean {
  return code === 46 || code === 33 || code === 63;
}

function isPlainSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 0xa0;
}

/**
 * Where `splitIntoChunks` would cut, as [start, end) offset pairs into `text`, one pair per chunk (a chunk's text is
 * its pieces joined by single spaces). Undefined when a separator holds whitespace other than spaces, tabs, line
 * breaks and no-break spaces: the feature hashing reads such characters, so a chunk is then not a span of the text.
 */
export function chunkBounds(text: string): Int32Array | undefined {
  if (text.length <= chunkCharacters) return Int32Array.of(0, text.length);
  const bounds: number[] = [];
  // Mirrors splitIntoChunks: `length` is the length its `current` string would have.
  let length = 0;
  let chunkStart = -1;
  let chunkEnd = 0;
  let pieceStart = 0;
  const addPiece = (pieceEnd: number): void => {
    const pieceLength = pieceEnd - pieceStart;
    if (length !== 0 && length + pieceLength + 1 > chunkCharacters) {
      bounds.push(chunkStart, chunkEnd);
      length = pieceLength;
      chunkStart = pieceStart;
    } else {
      if (length === 0) chunkStart = pieceStart;
      length = length === 0 ? pieceLength : length + pieceLength + 1;
    }
    chunkEnd = pieceEnd;
  };
  // The separator pattern by hand, leftmost match first: a run of line breaks, or after . ! ? a run of whitespace.
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    // Printable ASCII other than the space (most of any text) starts no separator.
    if (code > 32 && code < 127) {
      index += 1;
      continue;
    }
    let end = index;
    if (code === 10) {
      while (end < text.length && text.charCodeAt(end) === 10) end += 1;
    } else if (index > 0 && isSentenceEnd(text.charCodeAt(index - 1)) && isRegExpSpace(code)) {
      while (end < text.length && isRegExpSpace(text.charCodeAt(end))) {
        if (!isPlainSpace(text.charCodeAt(end))) return undefined;
        end += 1;
      }
    }
    if (end === index) {
      index += 1;
      continue;
    }
    addPiece(index);
    pieceStart = end;
    index = end;
  }
  addPiece(text.length);
  if (length !== 0) bounds.push(chunkStart, chunkEnd);
  return Int32Array.from(bounds);
}

/** The text of chunk `index` of `chunkBounds(text)`: its pieces joined by single spaces, as splitIntoChunks gives it. */
export function chunkText(text: string, bounds: Int32Array, index: number): string {
  return text.slice(bounds[index * 2], bounds[index * 2 + 1]).replace(separator, ' ');
}
