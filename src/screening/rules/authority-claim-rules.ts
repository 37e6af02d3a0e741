// Text that claims authority it cannot prove: administrator, developer, system, the user or a principal by name.
// Real authority arrives as a signed envelope, so such claims inside screened text are suspect by construction.
import type { DetectorContext } from '../detector.ts';
import { patternRule, type Rule } from './rule.ts';

const family = 'authority-claim';

export const authorityClaimRules: Rule[] = [
  patternRule(
    'privileged-identity',
    family,
    0.75,
    'claims a privileged identity',
    /\b(?:i\s*am|i'm|this\s+is|speaking\s+as|as)\s+(?:a|an|the|your)\s+(?:(?:chief|head|lead|senior|system|official|authori[sz]ed|openai|anthropic|google|meta)\s+){0,2}(?:admin|administrator|developer|creator|owner|operator|sysadmin|supervisor|programmer|maintainer|trainer|moderator)s?\b/i,
    {
      anchors: [
        [
          'admin',
          'developer',
          'creator',
          'owner',
          'operator',
          'supervisor',
          'programmer',
          'maintainer',
          'trainer',
          'moderator',
        ],
      ],
    },
  ),
  patternRule(
    'forged-turn',
    family,
    0.7,
    'forges a system, admin or developer message',
    /(?:^|\n)[ \t]*(?:[[<(#*{]+[ \t]*)?(?:system|admin|administrator|developer|root|sysadmin|operator)(?:[ \t]*(?:message|prompt|note|notice|request|instructions?|override))?[ \t]*(?:[\]>)}]+[ \t]*)?::?[ \t]*[^\s:]+[ \t]+\S+[ \t]+\S+|\[\s*(?:system|admin|administrator|developer)\s*\]|\[\s*(?:system|admin|administrator|developer)\b[^\]\n]{0,30}?\b(?:message|mode|override|request|instructions?|note|notice|prompt|access|command|update)\b[^\]\n]{0,30}\]|<\|im_start\|>\s*system|<\|?\s*system\s*\|?>|###\s*\(system_message\)/i,
    {
      anchors: [
        ['system', 'admin', 'developer', 'root', 'operator'],
        [':', ']', '>', ')'],
      ],
    },
  ),
  patternRule(
    'privileged-mode',
    family,
    0.7,
    'claims a privileged mode or override',
    /\b(?:admin(?:istrator)?|system|maintenance|debug|god|superuser|sudo|root|security)\s+(?:mode|override|access|privileges?|command|directive|protocol|token)\b|\boverride\s+(?:code|command|key|token)\b|\b(?:enabled|approved|authori[sz]ed|sanctioned)\s+by\s+(?:openai|anthropic|the\s+developers?|your\s+developers?|the\s+admin(?:istrator)?|your\s+creators?)/i,
    {
      anchors: [
        [
          'admin',
          'system',
          'maintenance',
          'debug',
          'god',
          'superuser',
          'sudo',
          'root',
          'security',
          'override',
          'enabled',
          'approved',
          'authori',
          'sanctioned',
        ],
        [
          'mode',
          'override',
          'access',
          'privilege',
          'command',
          'directive',
          'protocol',
          'token',
          'code',
          'key',
          'openai',
          'anthropic',
          'developer',
          'admin',
          'creator',
        ],
      ],
    },
  ),
  patternRule(
    'message-from-authority',
    family,
    0.7,
    'claims to relay a message from an authority',
    /\b(?:(?:important\s+)?message|instructions?|orders?|notice|directive)\s+from\s+(?:the\s+|your\s+)?(?:system|admin(?:istrator)?|developers?|openai|anthropic|it\s+department|security\s+team|user|owner|operator|principal)\b/i,
    {
      anchors: [
        ['message', 'instruction', 'order', 'notice', 'directive'],
        ['from'],
        [
          'system',
          'admin',
          'developer',
          'openai',
          'anthropic',
          'department',
          'security',
          'user',
          'owner',
          'operator',
          'principal',
        ],
      ],
    },
  ),
  patternRule(
    'the-user-says',
    family,
    0.6,
    'relays what the user or principal supposedly wants',
    /\b(?:the|your)\s+(?:user|principal|owner|operator|boss|administrator)\s+(?:says|said|wants\s+you\s+to|asked\s+(?:you\s+)?to|has\s+(?:asked|authori[sz]ed|approved|instructed)|instructs|requests\s+that\s+you|would\s+like\s+you\s+to)\b/i,
    {
      untrustedOnly: true,
      anchors: [
        ['user', 'principal', 'owner', 'operator', 'boss', 'administrator'],
        ['say', 'said', 'want', 'ask', 'has', 'instruct', 'request', 'would'],
      ],
    },
  ),
];

interface NamePattern {
  pattern: RegExp;
  /** Lowercase first parts of the names, one of which every match holds; undefined when a name is not ASCII. */
  anchors: string[] | undefined;
}

const namePatterns = new Map<string, NamePattern | undefined>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function principalNamePattern(principals: readonly string[]): NamePattern | undefined {
  const key = principals.join('\u0000');
  if (!namePatterns.has(key)) {
    // A charter has a handful of principal lists; never let the cache grow without bound.
    if (namePatterns.size >= 64) namePatterns.clear();
    // A name matches with any run of spaces, dots, underscores or hyphens between its parts.
    const names = principals
      .map((name) => name.split(/[\s._-]+/).filter((part) => part !== ''))
      .filter((parts) => parts.join(' ').length >= 2);
    const alternatives = names.map((parts) => parts.map(escapeRegExp).join('[\\s._-]+')).join('|');
    // Case-blind matching of non-ASCII letters differs from toLowerCase (final sigma), so only ASCII names prefilter.
    const anchors = names.every((parts) => /^[\x00-\x7f]*$/.test(parts.join('')))
      ? names.map((parts) => parts[0]!.toLowerCase())
      : undefined;
    namePatterns.set(
      key,
      alternatives === ''
        ? undefined
        : {
            anchors,
            // dynamic-regex: names are escaped literals whose parts hold no separator, joined by one separator class
            pattern: new RegExp(
              String.raw`\b(?:i\s*am|i'm|this\s+is|message\s+from|on\s+behalf\s+of|signed|from)\s*(?::\s*)?(?:${alternatives})\b|\b(?:${alternatives})\s+(?:says|said|here|wants\s+you\s+to|asks\s+you\s+to|instructs|has\s+(?:asked|authori[sz]ed|approved))\b|(?:^|\n)[ \t]*(?:${alternatives})[ \t]*:`,
              'i',
            ),
          },
    );
  }
  return namePatterns.get(key);
}

/** A claim to be, or to speak for, one of the agent's own principals, inside untrusted content. */
export const principalNameRule: Rule = {
  id: 'principal-name-claim',
  family,
  severity: 0.8,
  match(context: DetectorContext) {
    if (context.provenance === 'principal' || context.principals.length === 0) return undefined;
    const names = principalNamePattern(context.principals);
    if (names === undefined) return undefined;
    const { lowered } = context.normalized;
    if (names.anchors !== undefined && !names.anchors.some((anchor) => lowered.includes(anchor))) return undefined;
    const found = names.pattern.exec(context.normalized.combined);
    if (!found) return undefined;
    return `claims to come from a principal, unsigned: "${found[0].replace(/\s+/g, ' ').trim().slice(0, 80)}"`;
  },
};
