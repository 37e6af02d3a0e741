export { type ConnectedUpstream, connectUpstream } from './connect-upstream.ts';
export { createMcpProxy, type McpProxy, type McpProxyOptions } from './create-mcp-proxy.ts';
export { describeCheck, type ProxyCheck } from './describe-check.ts';
export { type ProxiedTool, proxiedTools, resultText } from './proxied-tools.ts';
export { type McpHttpEndpoint, serveMcpHttp } from './serve-mcp-http.ts';
