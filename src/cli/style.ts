import { styleText } from 'node:util';

type Format = Parameters<typeof styleText>[0];

/**
 * Colours `text` for a terminal. styleText leaves it plain when `stream` is not a TTY, when NO_COLOR is set or
 * the terminal has no colours (and colours it under FORCE_COLOR), so pipes and logs get plain text.
 */
export function paint(format: Format, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return styleText(format, text, { stream });
}

/** The colour of a verdict word: green for the outcome a user hopes for, red for the one that needs attention. */
export function paintVerdict(good: boolean, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return paint(good ? 'green' : ['red', 'bold'], text, stream);
}
