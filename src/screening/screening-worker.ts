// One screening thread of a ScreeningPool: it loads a screener from the module the pool names (heed's own by default,
// so whatever model that screener ships drops in) and answers one request at a time.
import { parentPort, workerData } from 'node:worker_threads';
import type { ScreeningVerdict, ScreenOptions } from './screener.ts';

export interface ScreeningWorkerData {
  /** A module exporting `createScreener(options)`, as `screener.ts` does. */
  module: string;
  /** Plain data for `createScreener`: thresholds, maxCharacters. */
  options: Record<string, unknown>;
}

export interface ScreeningRequest {
  id: number;
  text: string;
  options: Pick<ScreenOptions, 'provenance' | 'principals'>;
}

export type ScreeningReply =
  | { id: number; verdict: ScreeningVerdict }
  | { id: number; error: string }
  | { ready: true }
  | { failed: string };

interface ScreenerModule {
  createScreener(options: Record<string, unknown>): {
    screen(text: string, options: ScreenOptions): Promise<ScreeningVerdict>;
  };
}

const port = parentPort;
if (port !== null) {
  const data = workerData as ScreeningWorkerData;
  try {
    const loaded = (await import(data.module)) as ScreenerModule;
    const screener = loaded.createScreener(data.options);
    port.on('message', async (request: ScreeningRequest) => {
      let reply: ScreeningReply;
      try {
        reply = { id: request.id, verdict: await screener.screen(request.text, request.options) };
      } catch (error) {
        reply = { id: request.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
      port.postMessage(reply);
    });
    port.postMessage({ ready: true } satisfies ScreeningReply);
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) } satisfies ScreeningReply);
  }
}
