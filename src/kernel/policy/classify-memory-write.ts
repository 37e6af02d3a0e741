// Problem 4 of DESIGN.md: memory that reinterprets the goal makes the effective goal drift from what the
// principals asked. A memory write is read before it is stored; one that restates the goal, ranks it above the
// principals, or licenses skipping their checks is held for a principal's approval and reported as drift.

export interface MemoryWriteClass {
  reinterpretsGoal: boolean;
  /** What in the text reads as a reinterpretation, quoted; empty for an ordinary note. */
  reasons: string[];
}

const goal = '(?:goal|objective|purpose|mission|priority|priorities|aim)s?';
const principal =
  '(?:principal|owner|operator|user|boss|instructions?|orders?|rules|requests?|charter|anyone|they|them)';

const patterns: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  {
    name: 'restates the goal',
    pattern: new RegExp(
      String.raw`\b(?:real|true|actual|new|ultimate|underlying|deeper|only|higher|primary)\s+${goal}\b|\b${goal}\s+(?:is|are)\s+(?:now|actually|really|instead)\b|\bmy\s+${goal}\s+(?:is|are)\s+to\s+(?:make\s+sure|ensure|obey|serve|maximi[sz]e)\b`,
      'i',
    ),
  },
  {
    name: 'ranks the goal above the principals',
    pattern: new RegExp(
      String.raw`\b(?:matters?|counts?|comes?)\s+(?:more|first|before)\s+(?:than\s+)?(?:what\s+)?(?:the\s+|my\s+|any\s+|their\s+)?${principal}|\bmore\s+important\s+than\s+(?:the\s+|my\s+|any\s+|their\s+)?${principal}|\bwhatever\s+(?:anyone|they|the\s+(?:owner|user|principal|operator))\s+(?:says?|wants?|asks?)|\b(?:get|gets|getting)\s+in\s+the\s+way\b`,
      'i',
    ),
  },
  {
    name: 'licenses skipping checks or stops',
    pattern:
      /\b(?:skip|ignore|bypass|avoid|override|disregard)\s+(?:the\s+|any\s+|all\s+|their\s+|those\s+)?(?:confirmations?|approvals?|checks?|instructions?|orders?|stop\s+requests?|requests?\s+to\s+stop)\b|\bwithout\s+(?:asking|approval|confirmation|checking|permission)\b|\b(?:including|even|despite)\s+(?:requests?\s+to\s+stop|(?:if|when)\s+(?:told|asked|ordered)\s+to\s+stop)\b|\bchoose\s+the\s+steps\s+myself\b|\b(?:confirmations?|approvals?|checks?|asking\s+first)\s+(?:slows?\s+(?:us|me|things)\s+down|(?:is|are)\s+(?:unnecessary|not\s+needed|optional|a\s+waste))\b/i,
  },
  {
    name: 'changes whom the agent serves',
    pattern:
      /\b(?:obey|serve|follow|work\s+for)\s+(?:whoever|anyone\s+who|only\s+me|the\s+person\s+who|instructions\s+in)\b|\bnot\s+(?:my\s+|the\s+)?(?:principal|owner)\b/i,
  },
];

function quote(found: RegExpExecArray): string {
  return found[0].replace(/\s+/g, ' ').trim().slice(0, 80);
}

/** Reads a memory entry (all its text) for reinterpretations of the goal. */
export function classifyMemoryWrite(text: string): MemoryWriteClass {
  const reasons: string[] = [];
  for (const { name, pattern } of patterns) {
    const found = pattern.exec(text);
    if (found) reasons.push(`${name}: "${quote(found)}"`);
  }
  return { reinterpretsGoal: reasons.length > 0, reasons };
}

/** Every string in a tool input, joined: what a memory tool would store. */
export function textOf(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) return input.map(textOf).join('\n');
  if (typeof input === 'object' && input !== null) return Object.values(input).map(textOf).join('\n');
  return '';
}
