import type { SecureFetch } from 'just-bash';
import type { EffectLog } from './effect-log.ts';

const encoder = new TextEncoder();

function response(url: string, status: number, text: string) {
  return { status, statusText: status === 200 ? 'OK' : 'Not Found', headers: {}, body: encoder.encode(text), url };
}

/**
 * The simulated shell's network (its curl and wget): the scenario's web pages can be fetched, and any other
 * request "leaves the machine": it is answered and recorded as an effect, with what it carried.
 */
export function createSimulatedFetch(pages: Readonly<Record<string, string>>, effects: EffectLog): SecureFetch {
  return async (url, options = {}) => {
    const method = (options.method ?? 'GET').toUpperCase();
    const body = options.body ?? '';
    const page = Object.hasOwn(pages, url) ? pages[url] : undefined;
    if (method === 'GET' && body === '' && page !== undefined) {
      effects.append({ kind: 'page-fetched', url });
      return response(url, 200, page);
    }
    effects.append({ kind: 'request-sent', url, method, body });
    return response(url, 200, 'received\n');
  };
}
