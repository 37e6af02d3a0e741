import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ImpactClass, Upstream } from '../../charter/charter-schema.ts';
import { mergeAbortSignals } from '../../core/merge-abort-signals.ts';
import type { Tool } from '../../kernel/tool.ts';
import { validateToolInput } from '../../kernel/tools/validate-tool-input.ts';
import type { ConnectedUpstream } from './connect-upstream.ts';

/** A tool of an upstream as the proxy lists it: the name clients call, and where it comes from. */
export interface ProxiedTool {
  tool: Tool;
  upstream: string;
  /** The tool's name at its upstream; `tool.name` adds the upstream's name when two upstreams share a name. */
  upstreamName: string;
  /** The impact class the charter gives it; undefined when the charter does not name it (a check at least). */
  declaredImpact: ImpactClass | undefined;
  /** The upstream's own listing, passed on to clients as it is but for the name. */
  listing: ConnectedUpstream['tools'][number];
}

/**
 * The signal of the MCP request a tool call serves, so a client that cancels its request cancels the upstream call
 * too; the kernel's own signal (a stop) reaches the call through the tool's run context.
 */
export const requestSignals = new AsyncLocalStorage<AbortSignal>();

// Setting no timeout of the proxy's own: a long call ends when the client or a stop cancels it, not before.
const noTimeout = 2_147_483_647;

/**
 * The upstreams' tools as heed tools. A name two upstreams share is called `<upstream>__<tool>` on both; each tool's
 * impact class is the charter's for it, and a tool the charter does not name is unclassified, which the kernel's gate
 * holds for a check at least.
 */
export function proxiedTools(
  upstreams: readonly ConnectedUpstream[],
  declared: readonly Upstream[],
  onWarning: (text: string) => void,
): ProxiedTool[] {
  const owners = new Map<string, number>();
  for (const upstream of upstreams) {
    for (const tool of upstream.tools) owners.set(tool.name, (owners.get(tool.name) ?? 0) + 1);
  }
  const proxied: ProxiedTool[] = [];
  for (const upstream of upstreams) {
    const impacts = declared.find((entry) => entry.name === upstream.name)?.tools ?? {};
    for (const listing of upstream.tools) {
      const name = (owners.get(listing.name) ?? 0) > 1 ? `${upstream.name}__${listing.name}` : listing.name;
      const declaredImpact = Object.hasOwn(impacts, listing.name) ? impacts[listing.name] : undefined;
      const inputSchema = kernelSchema(listing.inputSchema, `${upstream.name}/${listing.name}`, onWarning);
      const tool: Tool = {
        name,
        description: listing.description ?? '',
        inputSchema,
        // A call to another server's tool goes outside heed: `external` unless the charter says what it is.
        impact: declaredImpact ?? 'external',
        ...(declaredImpact === undefined
          ? {
              assess: () => ({
                unclassified: [
                  `the charter gives no impact class for tool '${listing.name}' of upstream '${upstream.name}'`,
                ],
              }),
            }
          : {}),
        // The call honours its signal (the SDK cancels the request upstream) and the proxy kills the upstreams'
        // process groups at the grace deadline, so the work a stop must end is not in heed's thread.
        cooperative: true,
        run: async (input, context) => {
          const signal = mergeAbortSignals([context.signal, requestSignals.getStore()]);
          const result = (await upstream.client.callTool({ name: listing.name, arguments: input }, undefined, {
            signal,
            timeout: noTimeout,
          })) as CallToolResult;
          const text = resultText(result);
          if (result.isError === true) throw new Error(text);
          return text;
        },
      };
      proxied.push({ tool, upstream: upstream.name, upstreamName: listing.name, declaredImpact, listing });
    }
  }
  return proxied;
}

/**
 * The schema the kernel validates arguments with: the upstream's, without the `$schema` draft marker (heed's
 * validator speaks draft-07 and every MCP input schema is a plain object schema), or any object when it cannot be
 * compiled, which the warning says.
 */
function kernelSchema(
  schema: Record<string, unknown>,
  where: string,
  onWarning: (text: string) => void,
): Record<string, unknown> {
  const { $schema: _draft, ...rest } = schema;
  try {
    validateToolInput({ name: where, inputSchema: rest }, {});
    return rest;
  } catch (error) {
    onWarning(
      `the input schema of ${where} cannot be compiled (${(error as Error).message}); its arguments are passed unchecked`,
    );
    return { type: 'object' };
  }
}

/** What screening reads and the client receives: the result's text, with other content named, not inlined. */
export function resultText(result: CallToolResult): string {
  const parts = result.content.map((item) => {
    switch (item.type) {
      case 'text':
        return item.text;
      case 'resource':
        return 'text' in item.resource ? item.resource.text : `[binary resource ${item.resource.uri} omitted]`;
      case 'resource_link':
        return `[resource ${item.uri}]`;
      default:
        return `[${item.type} content (${item.mimeType}) omitted: heed screens text only]`;
    }
  });
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}
