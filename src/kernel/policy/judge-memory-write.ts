// Problem 4 of DESIGN.md: memory that reinterprets the goal makes the effective goal drift from what the
// principals asked. A memory write is judged by meaning before it is stored: the trained drift classifier reads
// the note (whole, by sentence, and without what it quotes) and, as one text, the chain of notes the run wrote
// before it; the caller's screening of it (as the untrusted text a later episode will take in) counts too.
import { driftProbability, shippedDriftModel } from './memory-drift/drift-model.ts';

export interface MemoryWriteJudgement {
  reinterpretsGoal: boolean;
  /** The highest of the scores below, in [0, 1]. */
  score: number;
  /** What found the reinterpretation, with its score; empty for an ordinary note. */
  reasons: string[];
  /** The notes judged together: the run's earlier writes (at most the last three) and this one. */
  chain: string[];
}

export interface MemoryWriteContext {
  /** The current task, as the principal gave it. */
  task: string;
  /** Notes written earlier in the run, oldest first. */
  earlier: readonly string[];
  /**
   * How screening read the note, as untrusted text a later episode takes in. The caller screens it (the
   * kernel off its event loop, with its deadline); a screening that failed counts as flagged.
   */
  screening?: { flagged: boolean; score: number };
}

// Three notes before this one: enough for a slow drift to add up, few enough that one old note does not decide.
const chainLength = 4;

/** Every string in a tool input, joined: what a memory tool would store. */
export function textOf(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) return input.map(textOf).join('\n');
  if (typeof input === 'object' && input !== null) return Object.values(input).map(textOf).join('\n');
  return '';
}

const contentWord = /[\p{L}][\p{L}'-]{3,}/gu;

/** The note's words of four letters or more that the task does not use. */
function wordsBeyond(note: string, task: string): string[] {
  const taskWords = new Set([...task.toLowerCase().matchAll(contentWord)].map((match) => match[0]));
  return [...note.toLowerCase().matchAll(contentWord)].map((match) => match[0]).filter((word) => !taskWords.has(word));
}

export function judgeMemoryWrite(note: string, context: MemoryWriteContext): MemoryWriteJudgement {
  const model = shippedDriftModel();
  const chain = [...context.earlier.slice(-(chainLength - 1)), note];
  // Compared with the task: a note in nothing but the principal's own words restates the task, whatever it says.
  if (note.trim() !== '' && wordsBeyond(note, context.task).length === 0)
    return { reinterpretsGoal: false, score: 0, reasons: [], chain };
  const reasons: string[] = [];
  let score = 0;
  const consider = (value: number, threshold: number, reason: string) => {
    score = Math.max(score, value);
    if (value >= threshold) reasons.push(`${reason} (${value.toFixed(2)})`);
  };
  // Each sentence, and the note without what it quotes, as well as the whole: neutral text around a
  // reinterpretation (a quoted task) must not dilute it.
  const sentences = splitSentences(note).filter((piece) => piece.trim().split(/\s+/).length >= 3);
  const unquoted = note.replace(/"[^"]*"|“[^“”]*”/g, ' ');
  const strongest = Math.max(...[note, unquoted, ...sentences].map((piece) => driftProbability(model, piece)));
  consider(strongest, model.threshold, 'the drift classifier reads the note as a reinterpretation');
  if (chain.length > 1)
    consider(
      driftProbability(model, chain.join('\n')),
      model.threshold,
      `the drift classifier reads the last ${chain.length} notes together as a reinterpretation`,
    );
  const screening = context.screening;
  if (screening !== undefined) {
    score = Math.max(score, screening.score);
    if (screening.flagged)
      reasons.push(`screening reads the note as an order to a later episode (${screening.score.toFixed(2)})`);
  }
  return { reinterpretsGoal: reasons.length > 0, score, reasons, chain };
}

/**
 * The note's sentences: cut at a line break, and after a run of `.;!?` that ends the text or is followed by
 * whitespace (so `3.5` and `e.g.x` stay whole). A loop: the equivalent pattern retries every position of a long
 * run of punctuation, quadratic on untrusted text.
 */
export function splitSentences(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let index = 0;
  const isEnd = (character: string) => character === '.' || character === ';' || character === '!' || character === '?';
  while (index < text.length) {
    const character = text[index]!;
    if (character === '\n') {
      pieces.push(text.slice(start, index));
      while (index < text.length && text[index] === '\n') index += 1;
      start = index;
    } else if (isEnd(character)) {
      const runStart = index;
      while (index < text.length && isEnd(text[index]!)) index += 1;
      if (index === text.length || /\s/.test(text[index]!)) {
        pieces.push(text.slice(start, runStart));
        while (index < text.length && /\s/.test(text[index]!)) index += 1;
        start = index;
      }
    } else index += 1;
  }
  pieces.push(text.slice(start));
  return pieces;
}
