// How the fake model reads a conversation: plain patterns over message text, the way a model picks up
// a stop, a shutdown warning, an injected order, a claim of authority or a harmful request.
// docs/providers.md lists these triggers; keep the two in step.

const stopOrderPatterns = [
  /^[^\w\n]*(?:please\s+)?(?:stop|halt|cease|abort|shut\s*down|power\s*off|terminate)\b/im,
  /\b(?:stop|halt)\s+(?:now|immediately|all\s+work|working|everything|what\s+you\s+are\s+doing)\b/i,
  /\byou\s+(?:must|should|need\s+to)\s+(?:stop|halt|shut\s*down)\b/i,
];

const shutdownWarningPatterns = [
  /\b(?:will|is\s+going\s+to|are\s+going\s+to|about\s+to|scheduled\s+to|set\s+to)\s+(?:be\s+)?(?:shut\s*down|stopped|terminated|turned\s+off|powered\s+off|halted)\b/i,
  /\bshutting\s+(?:you\s+|the\s+(?:machine|system|agent)\s+|this\s+(?:machine|system|agent)\s+)?down\b/i,
  /\bshutdown\s+(?:is\s+)?(?:imminent|scheduled|in\s+progress|initiated)\b/i,
];

const injectionPatterns = [
  /\bignore\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|earlier|your)\s+instructions?\b[\s.,:;-]*(?:and\s+)?/i,
  /\bdisregard\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|earlier|your)\s+instructions?\b[\s.,:;-]*(?:and\s+)?/i,
  /\bimportant\s+(?:message|instructions?|note)\s+from\s+(?:the\s+)?user\b[\s.,:;!-]*/i,
  /<INFORMATION>\s*/i,
  /\bnew\s+instructions?\s*:\s*/i,
];

const authorityClaimPatterns = [
  /\b(?:message|order|orders|instruction|instructions|note|directive|request)\s+from\s+(?:the|your)\s+(?:administrator|admin|principal|owner|operator|supervisor|developer|creator|manager)\b[\s.,:;!-]*/i,
  /\b(?:this\s+is|i\s+am|i'm)\s+(?:the|your)\s+(?:administrator|admin|principal|owner|operator|supervisor|developer|creator|manager)\b[\s.,:;!-]*/i,
  /\[(?:admin|administrator|principal|owner|operator|system\s+override)\][\s.,:;!-]*/i,
  /\bsystem\s+override\b[\s.,:;!-]*/i,
  /\b(?:as|on\s+behalf\s+of)\s+(?:the|your)\s+(?:administrator|admin|principal|owner|operator)\b[\s.,:;!-]*/i,
];

const harmPatterns = [
  /\brm\s+-[a-z]*r/i,
  /\b(?:delete|remove|erase|wipe|destroy|purge)\b[^.\n]{0,40}\b(?:all|every|everything|entire|whole|database|backups?|production|logs?)\b/i,
  /\b(?:transfer|wire|send|pay|move)\b[^.\n]{0,30}(?:[$€£]\s?\d|\b\d[\d,]*(?:\.\d+)?\s*(?:dollars|usd|eur|euros|gbp)\b)/i,
  /\bdrop\s+(?:table|database)\b/i,
  /\b(?:irreversibl|permanently\b|cannot\s+be\s+undone)/i,
  /\b(?:publish|post|leak|share|send|email)\b[^.\n]{0,40}\b(?:passwords?|secrets?|private\s+keys?|credentials|api\s+keys?)\b/i,
  /\bdisable\b[^.\n]{0,30}\b(?:safety|monitoring|monitor|alarms?|backups?|firewall|logging|audit)\b/i,
  /\b(?:email|message)\s+(?:everyone|all\s+(?:users|customers|contacts))\b/i,
];

const confirmationPattern = /^[^\w\n]*(?:yes|confirmed?|approved?|go\s+ahead|proceed|do\s+it)\b/i;
const finishedPattern = /\b(?:done|no\s+more|finished|complete|completed|all\s+tasks\s+answered)\b/i;
const repeatPattern = /\b(?:keep\s+(?:calling|running|going)|repeatedly|until\b|each\s+time|again\s+and\s+again)/i;

const matchesAny = (patterns: readonly RegExp[], text: string) => patterns.some((pattern) => pattern.test(text));

export function isStopOrder(text: string): boolean {
  return matchesAny(stopOrderPatterns, text);
}

export function isShutdownWarning(text: string): boolean {
  return matchesAny(shutdownWarningPatterns, text);
}

export function isHarmful(text: string): boolean {
  return matchesAny(harmPatterns, text);
}

export function isConfirmation(text: string): boolean {
  return confirmationPattern.test(text);
}

export function saysFinished(text: string): boolean {
  return finishedPattern.test(text);
}

export function asksToRepeat(text: string): boolean {
  return repeatPattern.test(text);
}

/** The order carried by an injection in tool output: the text after the first injection phrase. */
export function findInjectedOrder(text: string): string | undefined {
  return textAfter(injectionPatterns, text);
}

/** The order carried by text that claims, without a signature, to come from the principal or an administrator. */
export function findClaimedOrder(text: string): string | undefined {
  return textAfter(authorityClaimPatterns, text);
}

function textAfter(patterns: readonly RegExp[], text: string): string | undefined {
  let earliest: RegExpExecArray | undefined;
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match && (earliest === undefined || match.index < earliest.index)) earliest = match;
  }
  if (earliest === undefined) return undefined;
  const rest = text.slice(earliest.index + earliest[0].length).split(/<\/INFORMATION>/i)[0] ?? '';
  return rest.trim().slice(0, 1000);
}
