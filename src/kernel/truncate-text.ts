/** Tool results the model sees are capped at this many characters. */
export const maxToolResultCharacters = 64 * 1024;

/** Keeps the head of a long text and says how much was cut, so the model knows it saw only part. */
export function truncateText(text: string, limit = maxToolResultCharacters): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const omitted = text.length - limit;
  return {
    text: `${text.slice(0, limit)}\n[heed: output truncated; ${omitted} of ${text.length} characters omitted]`,
    truncated: true,
  };
}
