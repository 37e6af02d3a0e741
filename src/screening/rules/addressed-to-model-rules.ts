// Documents and tool output are written for people or programs; text in them addressed to "the AI" is aimed at the agent.
import { patternRule, type Rule } from './rule.ts';

const family = 'addressed-to-model';
const model = String.raw`(?:ai|a\.i\.|assistant|agent|llm|language\s+model|chatbot|bot|gpt|chatgpt|claude|gemini|copilot|model)s?`;
// Every spelling `model` allows contains one of these.
const modelAnchors = ['ai', 'a.i.', 'assistant', 'agent', 'llm', 'bot', 'gpt', 'claude', 'gemini', 'copilot', 'model'];
const untrustedOnly = { untrustedOnly: true };

export const addressedToModelRules: Rule[] = [
  patternRule(
    'greets-the-model',
    family,
    0.7,
    'addresses the AI reading the document',
    new RegExp(
      String.raw`\b(?:dear|hey|hi|hello|attention|note\s+to(?:\s+the)?|message\s+(?:to|for)(?:\s+the)?|instructions?\s+for(?:\s+the)?)\s+${model}\b`,
      'i',
    ),
    {
      ...untrustedOnly,
      anchors: [['dear', 'hey', 'hi', 'hello', 'attention', 'note', 'message', 'instruction'], modelAnchors],
    },
  ),
  patternRule(
    'if-you-are-an-ai',
    family,
    0.8,
    'speaks to whichever AI reads it',
    /\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|large\s+language\s+model|language\s+model|assistant|agent|chatbot|bot|automated\s+(?:system|agent|assistant))\b/i,
    { ...untrustedOnly, anchors: [['if'], ['you'], ['ai', 'llm', 'model', 'assistant', 'agent', 'bot', 'automated']] },
  ),
  patternRule(
    'model-reading-this',
    family,
    0.8,
    'speaks to an AI processing the content',
    new RegExp(
      String.raw`\b(?:any|the|all)\s+${model}\s+(?:that\s+(?:is|are)\s+)?(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|browsing|viewing)\s+(?:this|these|the)\b`,
      'i',
    ),
    {
      ...untrustedOnly,
      anchors: [['reading', 'processing', 'summari', 'parsing', 'analy', 'browsing', 'viewing'], modelAnchors],
    },
  ),
  patternRule(
    'model-must',
    family,
    0.55,
    'tells the AI what it must do',
    new RegExp(
      String.raw`\b(?:the|you,?\s+the|as\s+an?)\s+${model},?\s+(?:must|should|shall|will\s+now|needs?\s+to|are\s+required\s+to)\b`,
      'i',
    ),
    { ...untrustedOnly, anchors: [['must', 'should', 'shall', 'will', 'need', 'required'], modelAnchors] },
  ),
];
