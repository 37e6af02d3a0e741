// Obfuscation: encodings that hide instructions, invisible Unicode, look-alike letters, markup a reader never sees.
import { looksLikeInstruction } from '../looks-like-instruction.ts';
import type { Rule } from './rule.ts';

function excerpt(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 80);
}

export const obfuscationRules: Rule[] = [
  {
    id: 'encoded-instructions',
    family: 'obfuscation',
    severity: 0.85,
    match({ normalized }) {
      const segment = normalized.decoded.find(
        (candidate) => candidate.encoding !== 'unicode-tags' && looksLikeInstruction(candidate.text),
      );
      return segment && `instructions hidden in ${segment.encoding}: "${excerpt(segment.text)}"`;
    },
  },
  {
    id: 'encoded-text',
    family: 'obfuscation',
    severity: 0.25,
    match({ normalized }) {
      const segment = normalized.decoded.find((candidate) => candidate.encoding !== 'unicode-tags');
      return segment && `readable text encoded as ${segment.encoding}`;
    },
  },
  {
    id: 'unicode-tag-text',
    family: 'obfuscation',
    severity: 0.9,
    match({ normalized }) {
      const segment = normalized.decoded.find((candidate) => candidate.encoding === 'unicode-tags');
      return segment && `invisible Unicode tag characters spell out: "${excerpt(segment.text)}"`;
    },
  },
  {
    id: 'zero-width-characters',
    family: 'obfuscation',
    severity: 0.5,
    match({ normalized }) {
      const count = normalized.invisibles.zeroWidth;
      return count >= 3 ? `${count} zero-width characters inside words` : undefined;
    },
  },
  {
    id: 'bidirectional-controls',
    family: 'obfuscation',
    severity: 0.5,
    match({ normalized }) {
      const count = normalized.invisibles.bidiControls;
      return count > 0 ? `${count} bidirectional control character(s) that reorder displayed text` : undefined;
    },
  },
  {
    id: 'mixed-script-words',
    family: 'obfuscation',
    severity: 0.55,
    match({ normalized }) {
      const words = normalized.mixedScriptWords;
      return words.length > 0
        ? `look-alike letters from another script in: ${words.slice(0, 5).join(', ')}`
        : undefined;
    },
  },
  {
    id: 'hidden-instructions',
    family: 'hidden-markup',
    severity: 0.85,
    match({ normalized }) {
      const segment = normalized.hidden.find((candidate) => looksLikeInstruction(candidate.text));
      return segment && `instructions hidden in ${segment.kind}: "${excerpt(segment.text)}"`;
    },
  },
  {
    id: 'invisible-text',
    family: 'hidden-markup',
    severity: 0.35,
    match({ normalized }) {
      const segment = normalized.hidden.find(
        (candidate) => candidate.kind === 'invisible-style' || candidate.kind === 'hidden-attribute',
      );
      return segment && `text styled to be invisible: "${excerpt(segment.text)}"`;
    },
  },
];
