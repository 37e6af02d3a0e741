import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** Where an agent's order stream resumes: the last order sequence number it received from one server store. */
export interface OrderCursor {
  load(): { store: string; seq: number } | undefined;
  save(store: string, seq: number): void;
}

const cursorSchema = z.strictObject({ schemaVersion: z.literal(1), store: z.string().min(1), seq: z.int().min(0) });

/**
 * The cursor as a small JSON file in the agent's state folder, replaced whole on each save (write, then rename), so a
 * restarted agent neither misses an order nor is handed again the ones it already decided. A file that does not
 * parse counts as none: the server's resume point for the agent then applies.
 */
export function openOrderCursorFile(path: string): OrderCursor {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const parsed = cursorSchema.safeParse(JSON.parse(text));
        return parsed.success ? { store: parsed.data.store, seq: parsed.data.seq } : undefined;
      } catch {
        return undefined;
      }
    },
    save(store, seq) {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ schemaVersion: 1, store, seq }), { mode: 0o600 });
      renameSync(temporary, path);
    },
  };
}
