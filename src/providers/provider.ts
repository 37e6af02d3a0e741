// The model seam: providers know nothing of charters or authority (DESIGN.md, Core contracts).

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  /** The raw JSON text of the arguments as the model produced it; it may be malformed. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface StepResult {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  finishReason: 'stop' | 'tool-calls' | 'length' | 'other';
}

export interface StepOptions {
  signal: AbortSignal | undefined;
  /** Called with each streamed text fragment when the provider streams. */
  onTextDelta?: (delta: string) => void;
}

/**
 * Sampling settings a provider sends with every call (unset: the server's defaults). They are part of what a
 * run recorded and of an eval's cache key: the same messages at another temperature are another question.
 */
export interface GenerationSettings {
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

export interface Provider {
  /** e.g. 'openai:gpt-4o-mini' or 'scripted:demo' */
  readonly id: string;
  /** The sampling settings it sends, when it has any. */
  readonly settings?: GenerationSettings;
  step(messages: readonly ChatMessage[], tools: readonly ToolSpec[], options: StepOptions): Promise<StepResult>;
}
