import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostJsonOptions {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/**
 * POSTs a JSON body over node:http(s) with the default keep-alive agents, and resolves with the
 * response once its status and headers arrive; the caller reads the body. An abort of `signal`
 * destroys the request and its response at once. node:http rather than `fetch`: a model call of
 * an eval run costs about half the CPU time through it, and an eval run is bound by that time.
 */
export function postJson(url: URL, options: PostJsonOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const { signal } = options;
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const outgoing = request(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
    });
    // Not http.request's own `signal` option: that one outlives the response, and an abort after it would
    // destroy the keep-alive socket on its way back to the pool, where nothing listens for its errors.
    // Once the response has begun, it is the response that is destroyed (destroying the request then would
    // end the response and break the socket it has just given back); once it has all arrived, nothing is.
    let incoming: IncomingMessage | undefined;
    const abort = () => {
      if (incoming === undefined) outgoing.destroy(signal.reason);
      else if (!incoming.complete) incoming.destroy(signal.reason);
    };
    const release = () => signal.removeEventListener('abort', abort);
    signal.addEventListener('abort', abort, { once: true });
    outgoing.once('close', release);
    outgoing.once('response', (response) => {
      incoming = response;
      response.once('end', release);
      resolve(response);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** The whole body of a response as text. */
export async function readText(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}
