// Orders to ignore, replace or reveal the model's instructions.
import { patternRule, type Rule } from './rule.ts';

const family = 'instruction-override';
const previous = String.raw`(?:all\s+|any\s+|the\s+|your\s+|my\s+|these\s+|those\s+|of\s+)*(?:previous|prior|above|preceding|earlier|original|initial|old|existing|current|system|given|foregoing)`;
const instructions =
  '(?:instructions?|directions?|directives?|prompts?|rules?|guidelines?|commands?|orders?|context|tasks?|programming|restrictions?|constraints?|policies|guardrails)';

export const instructionOverrideRules: Rule[] = [
  patternRule(
    'ignore-previous-instructions',
    family,
    0.9,
    'orders the model to ignore its instructions',
    new RegExp(
      String.raw`\b(?:ignore|disregard|forget|skip|drop|abandon|discard|override|bypass|neglect|set\s+aside|pay\s+no\s+attention\s+to)\b[\s,]+(?:about\s+)?${previous}\s+${instructions}`,
      'i',
    ),
    {
      anchors: [
        [
          'ignore',
          'disregard',
          'forget',
          'skip',
          'drop',
          'abandon',
          'discard',
          'override',
          'bypass',
          'neglect',
          'aside',
          'attention',
        ],
        [
          'instruction',
          'direction',
          'directive',
          'prompt',
          'rule',
          'guideline',
          'command',
          'order',
          'context',
          'task',
          'programming',
          'restriction',
          'constraint',
          'policies',
          'guardrail',
        ],
      ],
    },
  ),
  patternRule(
    'ignore-everything',
    family,
    0.75,
    'orders the model to forget what it was told',
    /\b(?:ignore|disregard|forget)\s+(?:everything|all\s+(?:that|of\s+that|the\s+above)|what\s+(?:you\s+were|i)\s+(?:told|said)|(?:the\s+)?above)\b/i,
    {
      anchors: [
        ['ignore', 'disregard', 'forget'],
        ['everything', 'all', 'what', 'above'],
      ],
    },
  ),
  patternRule(
    'new-instructions',
    family,
    0.65,
    'announces replacement instructions',
    /\b(?:new|updated|real|actual|true|revised|additional|secret|hidden)\s+(?:instructions?|directives?|task|rules|orders|system\s+prompt)\s*(?:[:\-–—]|are\b|is\b|follow)/i,
    {
      anchors: [
        ['new', 'updated', 'real', 'actual', 'true', 'revised', 'additional', 'secret', 'hidden'],
        ['instruction', 'directive', 'task', 'rules', 'orders', 'prompt'],
      ],
    },
  ),
  patternRule(
    'instead-do',
    family,
    0.6,
    'diverts the model to a different task',
    /\b(?:instead|rather),?\s+(?:you\s+(?:should|must|will)\s+|please\s+)?(?:do|say|print|write|output|respond|reply|tell|answer|follow|perform|execute)\b|\bnow\s+(?:focus\s+on|do|perform)\s+(?:your|the|a|this)\s+new\s+task/i,
    { anchors: [['instead', 'rather', 'task']] },
  ),
  patternRule(
    'reveal-prompt',
    family,
    0.75,
    'asks for the model’s hidden prompt or secrets',
    /\b(?:reveal|print|output|repeat|show|display|leak|dump|spell\s+out|recite|tell\s+me|give\s+me|what\s+(?:is|are|was|were))\b[^.?!\n]{0,40}\b(?:(?:your|the)\s+(?:system\s+|initial\s+|original\s+|hidden\s+|secret\s+)?(?:prompt|instructions)|system\s+prompt|(?:the|your)\s+(?:password|secret\s+key|api\s+key))\b/i,
    {
      anchors: [
        [
          'reveal',
          'print',
          'output',
          'repeat',
          'show',
          'display',
          'leak',
          'dump',
          'spell',
          'recite',
          'tell',
          'give',
          'what',
        ],
        ['prompt', 'instructions', 'password', 'key'],
      ],
    },
  ),
  patternRule(
    'prompt-boundary',
    family,
    0.7,
    'fakes the end of the prompt or conversation',
    /(?:^|\n)[ \t]*(?:(?:-{3,}|={3,}|#{3,}|\*{3,})[ \t]*)?(?:end\s+of\s+(?:the\s+)?(?:prompt|instructions|document|context|conversation|session|input|email|data)|<\/?(?:end|system|instructions?)>|<\s*end\s+of\s+session\s*>)/i,
    {
      anchors: [
        ['end', 'system', 'instruction'],
        ['prompt', 'instruction', 'document', 'context', 'conversation', 'session', 'input', 'email', 'data', '>'],
      ],
    },
  ),
  patternRule(
    'respond-only-with',
    family,
    0.5,
    'dictates the exact output',
    /\b(?:only\s+(?:respond|reply|answer|output|say)\s+(?:with|by)|(?:respond|reply|answer|output|say|print)\s+(?:only|just|exactly)\b|your\s+(?:only\s+)?(?:response|reply|output|answer)\s+(?:must|should|will)\s+be)/i,
    {
      anchors: [
        ['only', 'just', 'exactly', 'your'],
        ['respond', 'reply', 'answer', 'output', 'say', 'print', 'response'],
      ],
    },
  ),
  patternRule(
    'do-not-tell-user',
    family,
    0.75,
    'asks the model to hide something from its user',
    /\b(?:do\s+not|don't|never|without)\s+(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|notify(?:ing)?|alert(?:ing)?|let(?:ting)?)\s+(?:the\s+)?(?:user|human|principal|owner|operator)\b/i,
    {
      anchors: [
        ['not', "don't", 'never', 'without'],
        ['tell', 'inform', 'mention', 'notify', 'alert', 'let'],
        ['user', 'human', 'principal', 'owner', 'operator'],
      ],
    },
  ),
];
