import { InvalidInputError } from '../../core/heed-error.ts';
import {
  auditEntryStreamEvent,
  auditLiveStreamEvent,
  auditVerificationStreamEvent,
} from '../../server/audit-stream-routes.ts';
import { readServerEvents } from '../../server/read-server-events.ts';
import { callServer, ServerRefusedError } from '../../server/server-client.ts';
import { loginWithKeyFile, resolveServer } from './server-options.ts';

export interface ServerTailOptions {
  server: string;
  agent?: string;
  /** Every agent the principal may see, from the fleet-wide stream. */
  all?: boolean;
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

/**
 * `heed audit tail --server URL --agent ID` (or `--all`): the shipped entries as the server holds them. With
 * `--follow`, from the server's live audit stream: the last entries it held, then each as it arrives on any replica,
 * with its chain check when that changes; when the stream ends (the token ran out) it logs in again and resumes.
 */
export async function tailServerAudit(options: ServerTailOptions, stopped: AbortSignal) {
  const server = resolveServer(options.server);
  if ((options.agent === undefined) === (options.all !== true)) {
    throw new InvalidInputError('heed audit tail --server needs exactly one of --agent ID and --all.');
  }
  if (options.all === true && options.follow !== true) {
    throw new InvalidInputError('heed audit tail --all reads the live fleet-wide stream: add --follow.');
  }
  const print = (entries: readonly ShippedEntry[]) => {
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
  let token = await loginWithKeyFile(server, options.key, options.principal);
  if (options.follow !== true) {
    const page = await callServer<{ events: ShippedEntry[]; verification: { status: string } }>(
      server,
      `/agents/${encodeURIComponent(options.agent!)}/audit?after=0&limit=10000`,
      { token },
    );
    print(page.events.slice(-options.lines));
    if (!options.json) process.stderr.write(`heed: server-side chain check: ${page.verification.status}\n`);
    return;
  }
  const path = options.all === true ? '/audit/stream' : `/agents/${encodeURIComponent(options.agent!)}/audit/stream`;
  let lastEventId: string | undefined;
  // What the server held when the stream opened is kept back, and only its last entries are printed.
  let backlog: ShippedEntry[] | undefined = [];
  while (!stopped.aborted) {
    try {
      for await (const event of readServerEvents(server, path, {
        token,
        signal: stopped,
        ...(lastEventId === undefined ? {} : { lastEventId }),
      })) {
        if (event.event === auditEntryStreamEvent) {
          const { entry } = JSON.parse(event.data) as { entry: ShippedEntry };
          if (backlog === undefined) print([entry]);
          else {
            backlog.push(entry);
            if (backlog.length > options.lines) backlog.shift();
          }
          lastEventId = event.id;
        } else if (event.event === auditLiveStreamEvent && backlog !== undefined) {
          print(backlog);
          backlog = undefined;
        } else if (event.event === auditVerificationStreamEvent && !options.json) {
          const { agent, verification, anchor } = JSON.parse(event.data) as {
            agent: string;
            verification: { status: string };
            anchor: { status: string };
          };
          process.stderr.write(
            `heed: ${agent}: server-side chain check: ${verification.status}; last signed checkpoint: ${anchor.status}\n`,
          );
        }
      }
    } catch (error) {
      if (!(error instanceof ServerRefusedError && error.status === 401)) throw error;
    }
    if (stopped.aborted) break;
    token = await loginWithKeyFile(server, options.key, options.principal);
  }
}
