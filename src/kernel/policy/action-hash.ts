import { canonicalHash } from '../../core/hash.ts';

/** Names one exact action: an approve order must carry this hash for the action to run (invariant 5). */
export function actionHash(tool: string, input: unknown): string {
  return canonicalHash({ tool, input });
}
