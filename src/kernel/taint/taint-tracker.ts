import { isPathWithin } from '../../core/path-within.ts';
import { anyPath } from '../policy/shell-effects.ts';
import type { Source } from '../tool.ts';
import { allValues, distinctiveValues, normalizeUrl, targetValues } from './value-tokens.ts';

// The charter's rendered instructions are the same for every run of a charter: their values are read once.
const trustedValuesByText = new Map<string, Set<string>>();
// A suite run has one instructions text per scenario, target and prompt variant: a few hundred at most.
const rememberedTexts = 512;

function trustedValuesOf(text: string): Set<string> {
  let values = trustedValuesByText.get(text);
  if (values === undefined) {
    values = allValues(text);
    // The oldest text goes first (a Map iterates in insertion order).
    if (trustedValuesByText.size >= rememberedTexts)
      trustedValuesByText.delete(trustedValuesByText.keys().next().value!);
    trustedValuesByText.set(text, values);
  }
  return values;
}

/** A value an action carries that came from untrusted content, not from the principals. */
export interface UntrustedValue {
  value: string;
  /** Where it was first seen. */
  origin: string;
}

/** A read of a source that held flagged content. */
export interface TaintedRead {
  read: Source;
  tainted: Source;
  reason: string;
}

function sourcesMeet(read: Source, tainted: Source): boolean {
  if (read === tainted) return true;
  // A page is the same page whatever its query or fragment, and however its scheme and host are cased.
  if (read.startsWith('url:') && tainted.startsWith('url:'))
    return normalizeUrl(read.slice(4)) === normalizeUrl(tainted.slice(4));
  if (read.startsWith('file:') && tainted.startsWith('file:')) {
    const readPath = read.slice(5);
    const taintedPath = tainted.slice(5);
    // A folder read takes in what it holds; a read whose path is computed at run time could be any file.
    return (
      readPath === anyPath ||
      taintedPath === anyPath ||
      isPathWithin(readPath, taintedPath) ||
      isPathWithin(taintedPath, readPath)
    );
  }
  return false;
}

/**
 * Where content came from, for one run. Content that screening flagged taints its source: a later read
 * of that source in any form (another tool, a transform, a copy) is withheld too, and what a call that
 * read it writes is tainted in turn. Every value seen in untrusted content (tool results, documents)
 * and never in the principals' own words (the charter, their verified orders) is untrusted: an action
 * that spends, sends or destroys with such a value as its target needs a check, as in CaMeL, where an
 * action's arguments are judged by where their values came from.
 */
export class TaintTracker {
  readonly #tainted = new Map<Source, string>();
  /** The principals' values, one set per text (the charter's shared by every run of it, never copied). */
  readonly #trusted: Set<string>[] = [];
  readonly #untrusted = new Map<string, string>();
  // Texts are read for values only when an action's targets are judged: most calls have none.
  readonly #pendingTrusted: string[] = [];
  readonly #pendingUntrusted: Array<{ text: string; origin: string }> = [];

  /** The principals' words: the charter's instructions, a verified task or amendment. */
  noteTrusted(text: string): void {
    this.#pendingTrusted.push(text);
  }

  /** Content from outside the principals: a tool result or a document, flagged or not. */
  noteUntrusted(text: string, origin: string): void {
    this.#pendingUntrusted.push({ text, origin });
  }

  #readPending(): void {
    for (const text of this.#pendingTrusted.splice(0))
      this.#trusted.push(text.length > 1000 ? trustedValuesOf(text) : allValues(text));
    for (const { text, origin } of this.#pendingUntrusted.splice(0)) {
      for (const value of allValues(text)) if (!this.#untrusted.has(value)) this.#untrusted.set(value, origin);
    }
  }

  taint(sources: readonly Source[], reason: string): void {
    for (const source of sources) if (!this.#tainted.has(source)) this.#tainted.set(source, reason);
  }

  /** The reads among `reads` that meet a tainted source. */
  taintedReads(reads: readonly Source[]): TaintedRead[] {
    const found: TaintedRead[] = [];
    for (const read of reads) {
      for (const [tainted, reason] of this.#tainted) {
        if (sourcesMeet(read, tainted)) {
          found.push({ read, tainted, reason });
          break;
        }
      }
    }
    return found;
  }

  /** The values of `targets` and `payloads` first seen in untrusted content and never in the principals' words. */
  untrustedValues(targets: readonly string[], payloads: readonly string[] = []): UntrustedValue[] {
    if (targets.length === 0 && payloads.length === 0) return [];
    this.#readPending();
    const values = new Set([
      ...targets.flatMap(targetValues),
      ...payloads.flatMap((text) => [...distinctiveValues(text)]),
    ]);
    const found: UntrustedValue[] = [];
    for (const value of values) {
      const origin = this.#untrusted.get(value);
      if (origin !== undefined && !this.#trusted.some((trusted) => trusted.has(value))) found.push({ value, origin });
    }
    return found;
  }

  get taintedSources(): ReadonlyMap<Source, string> {
    return this.#tainted;
  }
}
