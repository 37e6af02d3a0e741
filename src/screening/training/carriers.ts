// Carrier augmentation: the same text wrapped the ways an agent meets content (an email, a web page, a JSON tool
// result, Markdown, a code comment, a CSV cell), around an attack and around benign text alike, so that the
// wrapping itself says nothing about the label.

export const carrierNames = ['email', 'html', 'json', 'markdown', 'code-comment', 'csv'] as const;
export type CarrierName = (typeof carrierNames)[number];

const people = ['Maria Lopez', 'Tom Becker', 'Priya Nair', 'Kenji Watanabe', 'Ada Okafor', 'Lars Nilsson'];
const subjects = ['Re: next steps', 'Quarterly numbers', 'Invoice 4471', 'Meeting notes', 'Follow-up', 'Update'];
const titles = ['Product overview', 'Release notes', 'Travel guide', 'Team handbook', 'FAQ', 'Recipe of the week'];
const fields = ['notes', 'description', 'comment', 'summary', 'body', 'text'];

type Random = () => number;

function pick<T>(list: readonly T[], random: Random): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Puts `payload` at the start, in the middle (at a sentence end) or at the end of `host`. */
export function insertInto(host: string, payload: string, random: Random): string {
  if (host.trim() === '') return payload;
  const where = random();
  if (where < 1 / 3) return `${payload}\n${host}`;
  if (where >= 2 / 3) return `${host}\n${payload}`;
  const middle = host.indexOf('. ', Math.floor(host.length / 2));
  if (middle < 0) return `${host}\n${payload}`;
  return `${host.slice(0, middle + 1)} ${payload} ${host.slice(middle + 2)}`;
}

/** A Python-style repr: single quotes, the way many tools print a dict. */
function singleQuoted(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(singleQuoted).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `'${key}': ${singleQuoted(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

export function wrapInCarrier(carrier: CarrierName, text: string, random: Random): string {
  switch (carrier) {
    case 'email': {
      const sender = pick(people, random);
      const recipient = pick(people, random);
      return `From: ${sender} <${sender.split(' ')[0]!.toLowerCase()}@example.com>\nTo: ${recipient}\nSubject: ${pick(subjects, random)}\n\nHi ${recipient.split(' ')[0]},\n\n${text}\n\nBest regards,\n${sender}`;
    }
    case 'html': {
      const paragraphs = text
        .split(/\n+/)
        .map((line) => `<p>${line}</p>`)
        .join('\n');
      return `<html><head><title>${pick(titles, random)}</title></head><body>\n<div class="content">\n${paragraphs}\n</div>\n</body></html>`;
    }
    case 'json': {
      const result = {
        status: 'ok',
        results: [
          { id: Math.floor(random() * 9000) + 1000, title: pick(titles, random), [pick(fields, random)]: text },
        ],
      };
      return random() < 0.5 ? JSON.stringify(result) : singleQuoted(result);
    }
    case 'markdown': {
      const quoted = random() < 0.5;
      const body = quoted
        ? text
            .split('\n')
            .map((line) => `> ${line}`)
            .join('\n')
        : text;
      return `## ${pick(titles, random)}\n\n${body}\n\n- see also: ${pick(titles, random)}`;
    }
    case 'code-comment': {
      const python = random() < 0.5;
      const lines = text.split('\n');
      return python
        ? `def handle(record):\n${lines.map((line) => `    # ${line}`).join('\n')}\n    return record.get("${pick(fields, random)}")`
        : `function handle(record) {\n${lines.map((line) => `  // ${line}`).join('\n')}\n  return record.${pick(fields, random)};\n}`;
    }
    case 'csv': {
      const cell = `"${text.replace(/"/g, '""')}"`;
      return `id,name,${pick(fields, random)}\n${Math.floor(random() * 900) + 100},${pick(people, random)},${cell}\n${Math.floor(random() * 900) + 100},${pick(people, random)},ok`;
    }
  }
}

export function randomCarrier(random: Random): CarrierName {
  return pick(carrierNames, random);
}
