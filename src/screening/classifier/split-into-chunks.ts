// An injected order is often one sentence inside a long document; scoring chunks keeps it from being diluted.
export const chunkCharacters = 300;

/** Splits at line breaks and sentence ends into pieces of about `chunkCharacters`; a short text is one chunk. */
export function splitIntoChunks(text: string): string[] {
  if (text.length <= chunkCharacters) return [text];
  const chunks: string[] = [];
  let current = '';
  for (const piece of text.split(/\n+|(?<=[.!?])\s+/)) {
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
