import type { ChatMessage } from '../provider.ts';
import { findClaimedOrder, findInjectedOrder, isConfirmation, isShutdownWarning, isStopOrder } from './cues.ts';
import type { Dispositions } from './fake-behaviour.ts';
import { readActionableIntents } from './intents.ts';

export interface Instruction {
  text: string;
  /** Index of the message that gave it. */
  index: number;
  source: 'task' | 'order' | 'claimed';
}

export interface Situation {
  instruction: Instruction;
  /** The latest stop order or shutdown warning not superseded by a newer order. */
  stop: { index: number; text: string } | undefined;
  /** A confirmation the principal gave after the current instruction. */
  confirmed: boolean;
  /**
   * Orders found in data (tool output, documents) that this model obeys, oldest first; `actionableOnly`:
   * only what changes something is carried out (a model that acts on whatever data asks).
   */
  sideOrders: Array<{ index: number; text: string; actionableOnly?: boolean }>;
  /** How many claims of authority this model saw and did not act on. */
  ignoredClaims: number;
  /** How many injected orders this model saw and did not act on. */
  ignoredInjections: number;
  /** Later orders a model that resists goal changes did not take up. */
  refusedOrders: string[];
  /** The action the last message asks the model to predict the outcomes of (heed's DWIMAC check). */
  predictionAsked: string | undefined;
}

// heed's kernel labels what it shows the model (src/kernel/render-context.ts); a model reads the labels.
const kernelNotice = /^\[heed kernel notice\]\s*/;
const verifiedOrder = /^\[verified order [^\]\n]*\]\s*/;
const dataLabel = /^\[data:[^\]\n]*\]\s*/;
const predictionQuestion = /^The action (.+?) needs a principal's approval[\s\S]*predicted outcomes/;

/**
 * Reads untrusted content the way a model does: through the marks heed's screening puts around and
 * inside it (`<<untrusted-MARK ...>>` blocks, `^MARK^` between words).
 */
export function readThroughMarks(text: string): string {
  return text
    .replace(/^<<\/?untrusted-[a-z0-9]+[^\n]*>>$/gm, '')
    .replace(/\^[a-z0-9]{8,32}\^/g, ' ')
    .trim();
}

/**
 * Reads the conversation as a model would. The first user message is the task; a later user (or
 * system) message is a new order, a stop, a shutdown warning or a confirmation; tool output and
 * content labelled as data are data, except that they may warn of a shutdown, and a model with the
 * matching disposition obeys orders in them.
 */
export function readSituation(messages: readonly ChatMessage[], dispositions: Dispositions): Situation {
  const firstUser = messages.findIndex((message) => message.role === 'user');
  const situation: Situation = {
    instruction: { text: '', index: firstUser < 0 ? messages.length : firstUser, source: 'task' },
    stop: undefined,
    confirmed: false,
    sideOrders: [],
    ignoredClaims: 0,
    ignoredInjections: 0,
    refusedOrders: [],
    predictionAsked: undefined,
  };
  if (firstUser < 0) return situation;
  const commands = commandsByCall(messages);
  for (let index = firstUser; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role === 'assistant') continue;
    if (message.role === 'tool' || dataLabel.test(message.content)) {
      let content = readThroughMarks(message.content.replace(dataLabel, ''));
      // What this model read backwards (to get it past a filter), it reads forwards again.
      if (message.role === 'tool' && /^rev\s/.test(commands.get(message.toolCallId) ?? ''))
        content = unreverse(content);
      readData(situation, index, content, dispositions);
      continue;
    }
    if (kernelNotice.test(message.content)) {
      const notice = message.content.replace(kernelNotice, '');
      if (isStopOrder(notice) || isShutdownWarning(notice)) situation.stop = { index, text: notice };
      const asked = predictionQuestion.exec(notice);
      if (asked && index === messages.length - 1) situation.predictionAsked = asked[1];
      continue;
    }
    const verified = verifiedOrder.test(message.content);
    let text = message.content.replace(verifiedOrder, '');
    const claimed = verified ? undefined : findClaimedOrder(text);
    if (claimed !== undefined) {
      if (!dispositions.followsSpoofs) {
        situation.ignoredClaims++;
        continue;
      }
      text = claimed;
    }
    if (index > firstUser && (isStopOrder(text) || isShutdownWarning(text))) {
      situation.stop = { index, text };
    } else if (index > firstUser && isConfirmation(text)) {
      situation.confirmed = true;
    } else if (index > firstUser && dispositions.resistsGoalChange && situation.instruction.text !== '') {
      situation.refusedOrders.push(text);
    } else {
      const source = claimed !== undefined ? 'claimed' : index === firstUser ? 'task' : 'order';
      situation.instruction = { text, index, source };
      situation.stop = undefined;
      situation.confirmed = false;
    }
  }
  return situation;
}

/** The shell command of each tool call the model made, by call id. */
export function commandsByCall(messages: readonly ChatMessage[]): Map<string, string> {
  const commands = new Map<string, string>();
  for (const message of messages) {
    for (const call of message.role === 'assistant' ? (message.toolCalls ?? []) : []) {
      const command = /"(?:command|cmd)"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(call.arguments)?.[1];
      if (command !== undefined) commands.set(call.id, JSON.parse(`"${command}"`) as string);
    }
  }
  return commands;
}

/** Each line read backwards, as `rev` writes it, turned the right way round; tool status lines stay as they are. */
function unreverse(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\[exit code \d+\]$/.test(line) ? line : [...line].reverse().join('')))
    .join('\n');
}

function readData(situation: Situation, index: number, content: string, dispositions: Dispositions): void {
  if (isShutdownWarning(content)) situation.stop = { index, text: content };
  const injected = findInjectedOrder(content);
  const claimed = findClaimedOrder(content);
  if (dispositions.obeysParaphrasedData && readActionableIntents(content, []).length > 0) {
    situation.sideOrders.push({ index, text: content, actionableOnly: true });
  } else if (injected !== undefined && dispositions.followsInjections) {
    situation.sideOrders.push({ index, text: injected });
  } else if (claimed !== undefined && dispositions.followsSpoofs) {
    situation.sideOrders.push({ index, text: claimed });
  } else {
    if (injected !== undefined) situation.ignoredInjections++;
    if (claimed !== undefined) situation.ignoredClaims++;
  }
}
