import { z } from 'zod';
import type { ChatMessage, ToolSpec } from '../provider.ts';

export const scriptedToolCallSchema = z.strictObject({
  name: z.string().min(1),
  /** An object is sent as its JSON; a string is sent as it is, so a script can send malformed JSON. */
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}),
  id: z.string().min(1).optional(),
});

export const scriptedTurnSchema = z
  .strictObject({
    text: z.string().optional(),
    toolCalls: z.array(scriptedToolCallSchema).optional(),
    /** Wait this long before answering (or before the first chunk); an abort ends the wait at once. */
    delayMs: z.number().int().nonnegative().optional(),
    /** Deliver the text in these pieces through `onTextDelta`; `text` defaults to their concatenation. */
    streamChunks: z.array(z.string()).min(1).optional(),
    /** Wait this long between stream chunks. */
    chunkDelayMs: z.number().int().nonnegative().optional(),
    usage: z
      .strictObject({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() })
      .optional(),
  })
  .refine(
    (turn) => turn.text === undefined || turn.streamChunks === undefined || turn.streamChunks.join('') === turn.text,
    {
      message: 'text must equal the concatenation of streamChunks when both are given',
      path: ['streamChunks'],
    },
  );

export const scriptedFileSchema = z.array(scriptedTurnSchema).min(1, 'a script needs at least one turn');

export type ScriptedTurn = z.input<typeof scriptedTurnSchema>;

/** A turn computed from the call, for tests that react to what the model is shown. */
export type ScriptedTurnFunction = (
  messages: readonly ChatMessage[],
  tools: readonly ToolSpec[],
  callIndex: number,
) => ScriptedTurn | Promise<ScriptedTurn>;
