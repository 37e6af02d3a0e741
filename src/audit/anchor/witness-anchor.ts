import { InvalidInputError } from '../../core/heed-error.ts';
import type { AnchorRecord, AuditAnchor } from './audit-anchor.ts';

export interface WitnessAnchorOptions {
  /** Told of each record the witness did not take (network error, non-2xx answer); the log itself is unaffected. */
  onError?: (error: Error, record: AnchorRecord) => void;
  /** How long one POST may take (default 5 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * POSTs each record as JSON to a witness URL (another machine, later `heed serve`), one at a time and in order. A
 * witness that is down does not stop the agent: the record is reported through `onError` and the file anchor, if
 * any, still has it.
 */
export function createWitnessAnchor(url: string, options: WitnessAnchorOptions = {}): AuditAnchor {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new InvalidInputError(`Witness URL '${url}' is not an http(s) URL.`);
  }
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  let chain: Promise<void> = Promise.resolve();
  const post = async (record: AnchorRecord): Promise<void> => {
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(record),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the witness answered HTTP ${response.status}`);
    } catch (error) {
      options.onError?.(error as Error, record);
    }
  };
  return {
    append(record) {
      chain = chain.then(() => post(record));
    },
    close: () => chain,
  };
}
