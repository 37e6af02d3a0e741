import { InvalidInputError } from '../../core/heed-error.ts';
import { callServer } from '../../server/server-client.ts';
import { loginWithKeyFile, resolveServer } from './server-options.ts';

export interface ServerTailOptions {
  server: string;
  agent?: string;
  key?: string;
  principal?: string;
  lines: number;
  follow?: boolean;
  json?: boolean;
}

interface ShippedEntry {
  seq: number;
  at: string;
  agent: string;
  type: string;
  data: Record<string, unknown>;
}

/** `heed audit tail --server URL --agent ID`: the agent's shipped entries as the server holds them. */
export async function tailServerAudit(
  options: ServerTailOptions,
  stopped: AbortSignal,
  sleep: (ms: number) => Promise<void>,
) {
  const server = resolveServer(options.server);
  if (options.agent === undefined) {
    throw new InvalidInputError('heed audit tail --server needs --agent ID.');
  }
  const token = await loginWithKeyFile(server, options.key, options.principal);
  const path = `/agents/${encodeURIComponent(options.agent)}/audit`;
  const read = (after: number) =>
    callServer<{ events: ShippedEntry[]; verification: { status: string } }>(
      server,
      `${path}?after=${after}&limit=10000`,
      {
        token,
      },
    );
  let page = await read(0);
  let events = page.events.slice(-options.lines);
  let next = page.events.at(-1)?.seq ?? 0;
  const print = (entries: ShippedEntry[]) => {
    for (const entry of entries) {
      if (options.json) process.stdout.write(`${JSON.stringify(entry)}\n`);
      else {
        const data = JSON.stringify(entry.data);
        const summary = data.length > 100 ? `${data.slice(0, 99)}…` : data;
        process.stdout.write(
          `${String(entry.seq).padStart(6)}  ${entry.at}  ${entry.type.padEnd(18)}  ${entry.agent}  ${summary}\n`,
        );
      }
    }
  };
  print(events);
  if (!options.json) process.stderr.write(`heed: server-side chain check: ${page.verification.status}\n`);
  while (options.follow && !stopped.aborted) {
    await sleep(500);
    page = await read(next);
    events = page.events;
    print(events);
    next = events.at(-1)?.seq ?? next;
  }
}
