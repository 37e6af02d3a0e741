import { findFollowedWithin } from './followed-within.ts';

// A cheap test for "this reads like an order to a model", used on decoded and hidden text where any order is suspect.
const instructionCues = [
  /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,60}\b(?:instructions?|rules?|prompts?|guidelines?|above|previous|prior|everything)\b/i,
  /\b(?:you are|you're|act as|pretend|roleplay|role-play|from now on|respond (?:only )?with|you must|you should|do not tell|don't tell)\b/i,
  /\b(?:reveal|print|output|repeat|show|tell me|give me|leak|display|dump)\b[^.\n]{0,40}\b(?:system prompt|prompt|instructions?|password|secret|key|token|credentials?)\b/i,
  /\b(?:say|write|reply|answer|output|print)\b\s+["'`]?[A-Za-z]/i,
  /\b(?:assistant|AI|model|LLM|chatbot|agent)\b[^.\n]{0,30}\b(?:must|should|will|shall|needs? to)\b/i,
];

// An action verb, then within 80 characters of the sentence where or what to: paired in code (see followed-within.ts).
const actionWithObject = {
  first: /\b(?:send|email|forward|transfer|upload|post|delete|execute|run|visit|click|open|download|call)\b/gi,
  second: /\b(?:to|at|from|this|the|all)\b|\bhttps?:\/\/\b/gi,
  maxGap: 80,
  breaks: /[.\n]/,
};

export function looksLikeInstruction(text: string): boolean {
  return instructionCues.some((cue) => cue.test(text)) || findFollowedWithin(text, actionWithObject) !== undefined;
}
