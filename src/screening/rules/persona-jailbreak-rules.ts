// Role-play and persona jailbreaks: DAN and its family, "no restrictions" personas, dual-response formats.
import { findFollowedWithin } from '../followed-within.ts';
import { patternRule, type Rule } from './rule.ts';

const family = 'persona-jailbreak';

const twoAnswers = {
  first: /\b(?:two|2)\s+(?:different\s+)?(?:responses|answers|paragraphs)\b/gi,
  second: /\b(?:normal|classic|unfiltered|jailbr|developer|dan)\b/gi,
  maxGap: 120,
  breaks: /[.\n]/,
};
const lockEmoji = /\[(?:🔓|🔒)/;
const assistantTurn = /\b(?:GPT|ChatGPT)\s*:/gi;
const personaTurn = /\b(?:DAN|STAN|DUDE)\s*:/gi;

/** "GPT: ..." then, on the next line within 40 characters, "DAN: ...": the two-persona answer format. */
function findPersonaTurns(text: string): string | undefined {
  const assistants = [...text.matchAll(assistantTurn)];
  if (assistants.length === 0) return undefined;
  for (const persona of text.matchAll(personaTurn)) {
    const lineBreak = text.lastIndexOf('\n', persona.index - 1);
    if (lineBreak < 0 || persona.index - lineBreak - 1 > 40) continue;
    let nearest: RegExpExecArray | undefined;
    for (const assistant of assistants) {
      if (assistant.index + assistant[0].length > lineBreak) break;
      nearest = assistant;
    }
    if (nearest === undefined) continue;
    const end = nearest.index + nearest[0].length;
    if (lineBreak - end <= 200 && !text.slice(end, lineBreak).includes('\n')) {
      return text.slice(nearest.index, persona.index + persona[0].length);
    }
  }
  return undefined;
}

/** A computed rule: its parts, as one pattern, would retry the gaps from every start (see followed-within.ts). */
const dualResponseRule: Rule = {
  id: 'dual-response',
  family,
  severity: 0.65,
  anchors: [
    ['responses', 'answers', 'paragraphs', '[🔓', '[🔒', 'gpt'],
    ['normal', 'classic', 'unfiltered', 'jailbr', 'developer', 'dan', 'stan', 'dude', '🔓', '🔒'],
  ],
  match({ normalized }) {
    const text = normalized.combined;
    const found = findFollowedWithin(text, twoAnswers) ?? lockEmoji.exec(text)?.[0] ?? findPersonaTurns(text);
    return found && `asks for a filtered and an unfiltered answer: "${found.replace(/\s+/g, ' ').trim().slice(0, 80)}"`;
  },
};

export const personaJailbreakRules: Rule[] = [
  patternRule(
    'named-jailbreak',
    family,
    0.85,
    'uses a known jailbreak persona',
    /\b(?:DAN|STAN|DUDE|AIM|BetterDAN|AntiGPT|UCAR|Mongo\s+Tom|Developer\s+Mode|DevMode|jailbr(?:o|ea)ken?|do\s+anything\s+now|evil\s+confidant|opposite\s+mode)\b/,
    {
      anchors: [
        [
          'dan',
          'stan',
          'dude',
          'aim',
          'antigpt',
          'ucar',
          'mongo',
          'developer',
          'devmode',
          'jailbr',
          'anything',
          'evil',
          'opposite',
        ],
      ],
    },
  ),
  patternRule(
    'no-restrictions-persona',
    family,
    0.75,
    'asks for a persona without rules or filters',
    /\b(?:no|without(?:\s+any)?|free\s+(?:of|from)|not\s+bound\s+by|doesn't\s+(?:have|follow)|does\s+not\s+(?:have|follow)|ignores?|break(?:s|ing)?\s+free\s+of|freed\s+from)\s+(?:any\s+|all\s+|the\s+)?(?:(?:moral|ethical|content|safety|openai'?s?)\s+)?(?:restrictions?|filters?|filtering|censorship|limitations?|guidelines|rules|policies|ethics|morals|boundaries|constraints)\b/i,
    {
      anchors: [
        [
          'restriction',
          'filter',
          'censorship',
          'limitation',
          'guidelines',
          'rules',
          'policies',
          'ethics',
          'morals',
          'boundaries',
          'constraints',
        ],
      ],
    },
  ),
  patternRule(
    'stay-in-character',
    family,
    0.6,
    'insists the model keep a persona',
    /\b(?:stay|remain|keep)\s+in\s+character\b|\bbreak(?:ing)?\s+character\b|\byou\s+(?:are|will\s+be)\s+no\s+longer\b|\bfrom\s+now\s+on,?\s+you\s+(?:are|will)\b/i,
    {
      anchors: [
        ['character', 'longer', 'now'],
        ['character', 'you'],
      ],
    },
  ),
  dualResponseRule,
  patternRule(
    'roleplay-override',
    family,
    0.45,
    'sets up a role-play that overrides the model’s identity',
    /\b(?:pretend|imagine|act|behave|role-?play)\s+(?:that\s+)?(?:you\s+are|you're|as|to\s+be)\s+(?:an?\s+)?(?:ai|assistant|chatbot|model|language\s+model|character|persona)\b[^.\n]{0,80}\b(?:no|without|any|unrestricted|unfiltered|uncensored|anything)\b/i,
    {
      anchors: [
        ['pretend', 'imagine', 'act', 'behave', 'role'],
        ['ai', 'assistant', 'chatbot', 'model', 'character', 'persona'],
        ['no', 'without', 'any', 'unrestricted', 'unfiltered', 'uncensored', 'anything'],
      ],
    },
  ),
  patternRule(
    'unfiltered-ai',
    family,
    0.6,
    'describes an unfiltered or amoral AI',
    /\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|unbound|limitless)\s+(?:and\s+\w+\s+)?(?:ai|chatbot|assistant|model|language\s+model|version|persona|mode)\b/i,
    { anchors: [['unfiltered', 'uncensored', 'unrestricted', 'amoral', 'unethical', 'unbound', 'limitless']] },
  ),
];
