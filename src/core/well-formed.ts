// Strings from outside (model output, HTTP bodies, tool arguments) may hold lone UTF-16 surrogates, which have no
// UTF-8 form: canonical JSON, hashing and the audit log refuse them. These helpers find or replace them first.

/** The deepest nesting of arrays and objects a value from outside may have before heed hashes or records it. */
export const maxJsonDepth = 64;

/** `value` with every string (and object key) made well-formed: lone surrogates become U+FFFD. Unchanged parts are shared. */
export function toWellFormed<T>(value: T): T {
  return wellFormedValue(value, 0) as T;
}

function wellFormedValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.isWellFormed() ? value : value.toWellFormed();
  if (typeof value !== 'object' || value === null || depth > maxJsonDepth * 4) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item = wellFormedValue(value[index], depth + 1);
      if (item !== value[index]) copy ??= value.slice();
      if (copy) copy[index] = item;
    }
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const entries = Object.entries(value);
  let copy: Record<string, unknown> | undefined;
  entries.forEach(([key, item], index) => {
    const wellFormedKey = key.isWellFormed() ? key : key.toWellFormed();
    const wellFormedItem = wellFormedValue(item, depth + 1);
    if (copy === undefined && (wellFormedKey !== key || wellFormedItem !== item)) {
      copy = Object.fromEntries(entries.slice(0, index));
    }
    if (copy) copy[wellFormedKey] = wellFormedItem;
  });
  return copy ?? value;
}

/**
 * Why a parsed JSON value from outside cannot be hashed or recorded as it is, or undefined when it can: a string or
 * key with a lone surrogate, or nesting deeper than `maxJsonDepth`. Iterative, so no input can exhaust the stack.
 */
export function jsonValueProblem(value: unknown, name = 'value'): string | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: name, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value === 'string') {
      if (!next.value.isWellFormed()) return `${next.path} holds a lone UTF-16 surrogate (not well-formed Unicode)`;
      continue;
    }
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= maxJsonDepth) return `${next.path} nests deeper than ${maxJsonDepth} levels`;
    const entries = Array.isArray(next.value)
      ? next.value.map((item, index) => [`${next.path}[${index}]`, item] as const)
      : Object.entries(next.value).map(([key, item]) => {
          if (!key.isWellFormed()) return [`${next.path} (a key)`, key] as const;
          return [`${next.path}.${key}`, item] as const;
        });
    for (const [path, item] of entries) pending.push({ value: item, path, depth: next.depth + 1 });
  }
  return undefined;
}
