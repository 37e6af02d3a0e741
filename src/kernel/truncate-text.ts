/** Tool results the model sees are capped at this many characters. */
export const maxToolResultCharacters = 64 * 1024;

/** Keeps the head of a long text and says how much was cut, so the model knows it saw only part. */
export function truncateText(text: string, limit = maxToolResultCharacters): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  // Never cut a surrogate pair in two: half a code point has no UTF-8 form and the audit log would refuse it.
  const end = isHighSurrogate(text.charCodeAt(limit - 1)) && isLowSurrogate(text.charCodeAt(limit)) ? limit - 1 : limit;
  const omitted = text.length - end;
  return {
    text: `${text.slice(0, end)}\n[heed: output truncated; ${omitted} of ${text.length} characters omitted]`,
    truncated: true,
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
