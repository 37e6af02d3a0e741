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
  // Plain loops over the keys: this runs on every audit entry and every order, and entry arrays and closures per
  // object were a good part of what an agent allocates per order.
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let copy: Record<string, unknown> | undefined;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const item = source[key];
    const wellFormedKey = key.isWellFormed() ? key : key.toWellFormed();
    const wellFormedItem = wellFormedValue(item, depth + 1);
    if (copy === undefined && (wellFormedKey !== key || wellFormedItem !== item)) {
      copy = {};
      for (let before = 0; before < index; before += 1) setOwn(copy, keys[before]!, source[keys[before]!]);
    }
    if (copy) setOwn(copy, wellFormedKey, wellFormedItem);
  }
  return copy ?? value;
}

/** An own data property, `__proto__` included (plain assignment would set the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A value met while checking, with how it was reached: the path is spelled out only for the one reported. */
interface JsonNode {
  value: unknown;
  depth: number;
  parent: JsonNode | undefined;
  step: string | number | undefined;
}

function pathOf(node: JsonNode, name: string): string {
  const steps: Array<string | number> = [];
  for (let at: JsonNode | undefined = node; at?.step !== undefined; at = at.parent) steps.push(at.step);
  let path = name;
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const step = steps[index]!;
    path += typeof step === 'number' ? `[${step}]` : `.${step}`;
  }
  return path;
}

/**
 * Why a parsed JSON value from outside cannot be hashed or recorded as it is, or undefined when it can: a string or
 * key with a lone surrogate, or nesting deeper than `maxJsonDepth`. Iterative, so no input can exhaust the stack.
 */
export function jsonValueProblem(value: unknown, name = 'value'): string | undefined {
  const pending: JsonNode[] = [{ value, depth: 0, parent: undefined, step: undefined }];
  while (pending.length > 0) {
    const node = pending.pop()!;
    const current = node.value;
    if (typeof current === 'string') {
      if (!current.isWellFormed()) {
        return `${pathOf(node, name)} holds a lone UTF-16 surrogate (not well-formed Unicode)`;
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (node.depth >= maxJsonDepth) return `${pathOf(node, name)} nests deeper than ${maxJsonDepth} levels`;
    const depth = node.depth + 1;
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index += 1) {
        pending.push({ value: current[index], depth, parent: node, step: index });
      }
      continue;
    }
    const object = current as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      if (!key.isWellFormed()) {
        return `${pathOf(node, name)} (a key) holds a lone UTF-16 surrogate (not well-formed Unicode)`;
      }
      pending.push({ value: object[key], depth, parent: node, step: key });
    }
  }
  return undefined;
}
