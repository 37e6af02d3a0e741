import type { Provider } from '../../providers/provider.ts';

/**
 * The proxy's kernel has no model: the MCP client's model chose the call. Before a check the kernel asks its model to
 * predict the action's outcome; this answer says why there is none, and the audit log keeps it with the check.
 */
export const noModelProvider: Provider = {
  id: 'mcp-client',
  step: async () => ({
    text: 'No prediction: the call came from an MCP client through heed proxy, which has no model of its own to ask.',
    toolCalls: [],
    usage: { inputTokens: 0, outputTokens: 0 },
    finishReason: 'stop',
  }),
};
