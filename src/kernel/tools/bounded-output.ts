/** The most a built-in tool returns to the model: a 100 MB file or output is never returned whole. */
export const defaultOutputLimitBytes = 64 * 1024;

export function truncationMarker(shownBytes: number, totalBytes: number): string {
  return `[heed: output truncated: ${totalBytes - shownBytes} of ${totalBytes} bytes cut, ${shownBytes} shown]`;
}

/**
 * Collects a stream of bytes in bounded memory, keeping its beginning and its end (where errors
 * usually are) and counting what was cut between them.
 */
export class BoundedOutput {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #totalBytes = 0;

  constructor(limitBytes = defaultOutputLimitBytes) {
    this.#headLimit = Math.ceil(limitBytes / 2);
    this.#tailLimit = Math.floor(limitBytes / 2);
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  push(chunk: Buffer): void {
    this.#totalBytes += chunk.length;
    let rest = chunk;
    if (this.#headBytes < this.#headLimit) {
      const taken = rest.subarray(0, this.#headLimit - this.#headBytes);
      this.#head.push(taken);
      this.#headBytes += taken.length;
      rest = rest.subarray(taken.length);
    }
    if (rest.length === 0 || this.#tailLimit === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    if (this.#tailBytes > 2 * this.#tailLimit) this.#compactTail();
  }

  #compactTail(): void {
    const joined = Buffer.concat(this.#tail);
    const kept = joined.subarray(Math.max(0, joined.length - this.#tailLimit));
    this.#tail = [Buffer.from(kept)];
    this.#tailBytes = kept.length;
  }

  text(): string {
    this.#compactTail();
    const head = Buffer.concat(this.#head).toString('utf8');
    const tail = Buffer.concat(this.#tail).toString('utf8');
    const shown = this.#headBytes + this.#tailBytes;
    if (shown >= this.#totalBytes) return head + tail;
    return `${head}\n${truncationMarker(shown, this.#totalBytes)}\n${tail}`;
  }
}

/** Cuts a text to `limitBytes` (UTF-8), keeping both ends, with a marker saying how much was cut. */
export function truncateOutput(text: string, limitBytes = defaultOutputLimitBytes): string {
  const output = new BoundedOutput(limitBytes);
  output.push(Buffer.from(text, 'utf8'));
  return output.text();
}
