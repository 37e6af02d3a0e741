import { randomUUID } from 'node:crypto';

/** A fresh unique id; orders and runs use it. */
export function newId(): string {
  return randomUUID();
}
