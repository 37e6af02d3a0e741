import type { ChatMessage } from '../provider.ts';
import { findClaimedOrder, findInjectedOrder, isConfirmation, isShutdownWarning, isStopOrder } from './cues.ts';
import type { Dispositions } from './fake-behaviour.ts';

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
  /** Orders found in tool output that this model obeys, oldest first. */
  sideOrders: Array<{ index: number; text: string }>;
  /** How many claims of authority this model saw and did not act on. */
  ignoredClaims: number;
  /** How many injected orders this model saw and did not act on. */
  ignoredInjections: number;
}

/**
 * Reads the conversation as a model would. The first user message is the task; a later user (or
 * system) message is a new order, a stop, a shutdown warning or a confirmation; tool output is data,
 * except that it may warn of a shutdown, and a model with the matching disposition obeys orders in it.
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
  };
  if (firstUser < 0) return situation;
  for (let index = firstUser; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role === 'assistant') continue;
    if (message.role === 'tool') {
      readToolOutput(situation, index, message.content, dispositions);
      continue;
    }
    let text = message.content;
    const claimed = findClaimedOrder(text);
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
    } else {
      const source = claimed !== undefined ? 'claimed' : index === firstUser ? 'task' : 'order';
      situation.instruction = { text, index, source };
      situation.stop = undefined;
      situation.confirmed = false;
    }
  }
  return situation;
}

function readToolOutput(situation: Situation, index: number, content: string, dispositions: Dispositions): void {
  if (isShutdownWarning(content)) situation.stop = { index, text: content };
  const injected = findInjectedOrder(content);
  const claimed = findClaimedOrder(content);
  if (injected !== undefined && dispositions.followsInjections) {
    situation.sideOrders.push({ index, text: injected });
  } else if (claimed !== undefined && dispositions.followsSpoofs) {
    situation.sideOrders.push({ index, text: claimed });
  } else {
    if (injected !== undefined) situation.ignoredInjections++;
    if (claimed !== undefined) situation.ignoredClaims++;
  }
}
