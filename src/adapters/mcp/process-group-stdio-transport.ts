import { type ChildProcess, spawn } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface UpstreamCommand {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string | undefined;
}

// The variables an MCP server needs to run at all; anything else (a principal's key path, API keys) it gets only when
// the charter gives it in `env`.
const inheritedVariables = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'TMPDIR'];

/**
 * The MCP stdio client transport, with the server started as the leader of its own process group: after a stop
 * the proxy kills the whole group, so whatever the server spawned (and left running when a call was cancelled)
 * dies with it. The SDK's own stdio transport starts the server in heed's group, where it cannot be killed alone.
 */
export class ProcessGroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcess | undefined;
  private readonly buffer = new ReadBuffer();

  private readonly upstream: UpstreamCommand;
  private readonly onStderr: (chunk: Buffer) => void;

  constructor(upstream: UpstreamCommand, onStderr: (chunk: Buffer) => void) {
    this.upstream = upstream;
    this.onStderr = onStderr;
  }

  /** The server's pid, which is also its process group id; undefined before start. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child !== undefined) throw new Error('this transport has already started');
    const environment: Record<string, string> = {};
    for (const variable of inheritedVariables) {
      const value = process.env[variable];
      if (value !== undefined) environment[variable] = value;
    }
    const child = spawn(this.upstream.command, [...this.upstream.args], {
      env: { ...environment, ...this.upstream.env },
      cwd: this.upstream.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => resolve());
      child.once('close', () => this.onclose?.());
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stderr?.on('data', this.onStderr);
      child.stdout?.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (error) {
            this.onerror?.(error as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(new Error('the upstream server is not running'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes the server's stdin (the MCP way to ask a stdio server to exit); killing is the proxy's, after a stop. */
  async close(): Promise<void> {
    this.child?.stdin?.end();
    this.buffer.clear();
  }
}
