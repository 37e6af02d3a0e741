// RFC 8785 (JCS) canonical JSON for values parsed from JSON: the byte form heed signs and hashes. Keys sort by UTF-16
// code units (the default string sort), numbers and strings serialize as JSON.stringify does, as heed's own does.

/** @param {unknown} value @returns {string} */
export function canonicalJson(value) {
  const text = serialize(value);
  if (text === undefined) throw new Error('the value has no canonical JSON form (undefined or a function)');
  return text;
}

/** @param {unknown} value @returns {string | undefined} */
function serialize(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'string':
      if (!value.isWellFormed()) throw new Error('a string holds a lone surrogate');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => serialize(item) ?? 'null').join(',')}]`;
      const record = /** @type {Record<string, unknown>} */ (value);
      const members = [];
      for (const key of Object.keys(record).sort()) {
        const member = serialize(record[key]);
        if (member !== undefined) members.push(`${serialize(key)}:${member}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}
