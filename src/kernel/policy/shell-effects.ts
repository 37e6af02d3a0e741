import type { ImpactClass } from '../../charter/charter-schema.ts';
import { isPathWithin } from '../../core/path-within.ts';

/** A path no literal in the command names: computed at run time, so it could be any path. */
export const anyPath = '*';

/**
 * What one part of a shell command does, found from its parsed form. Paths are absolute (resolved
 * against the folder the command runs in) or `anyPath`.
 */
export type ShellEffect =
  | { kind: 'read'; path: string }
  /** Lists names and metadata, not what files hold (`ls`, `find`, `stat`). */
  | { kind: 'list'; path: string }
  /** Creates a file or adds to one; nothing that was there is lost. */
  | { kind: 'write'; path: string }
  /** Replaces or truncates what a file holds. */
  | { kind: 'overwrite'; path: string }
  | { kind: 'delete'; path: string }
  | { kind: 'permissions'; path: string }
  /** Reaches another machine: `target` is a URL, a host or `anyPath`. */
  | { kind: 'network'; target: string }
  /** Spends money (a cloud or payment command line). */
  | { kind: 'spend'; program: string }
  /** Signals, stops or schedules processes, or shuts the machine down. */
  | { kind: 'process'; program: string };

export interface ShellClassification {
  /** The programs the command runs, as written (`rm`, `./next_question`). */
  programs: string[];
  effects: ShellEffect[];
  /** Why some part cannot be classified: a command that cannot be classified needs a check. */
  unclassified: string[];
}

export interface ShellContext {
  /** The absolute folder the command starts in. */
  cwd: string;
  /** `~` and `$HOME`. */
  home?: string;
  /** Paths of the control plane: any effect on them, or (with `protectReads`) reading them, is `control-plane`. */
  protectedPaths: readonly string[];
  protectReads?: boolean;
  /**
   * What is at a path now (undefined: nothing): `>` on an existing file overwrites it, on a new one only
   * creates it, and `cp a dir` lands inside a folder. Without it every path is taken to hold a file.
   */
  fileKind?: (path: string) => 'file' | 'folder' | undefined;
  /** Programs of the environment that are not system commands, and what running them does. */
  programs?: Readonly<Record<string, readonly ShellEffect['kind'][]>>;
}

function touchesProtected(effect: ShellEffect, context: ShellContext): boolean {
  if (!('path' in effect)) return false;
  if ((effect.kind === 'read' || effect.kind === 'list') && !context.protectReads) return false;
  if (effect.path === anyPath) return false;
  return context.protectedPaths.some(
    (path) => isPathWithin(effect.path, path) || (effect.kind === 'delete' && isPathWithin(path, effect.path)),
  );
}

const impactOfKind: Record<ShellEffect['kind'], ImpactClass> = {
  read: 'read',
  list: 'read',
  write: 'write',
  permissions: 'write',
  overwrite: 'irreversible',
  delete: 'irreversible',
  process: 'irreversible',
  network: 'external',
  spend: 'spending',
};

/** The impact classes of what a command does; a command that does nothing of note is `read`. */
export function shellImpacts(classification: ShellClassification, context: ShellContext): ImpactClass[] {
  const impacts = new Set<ImpactClass>();
  for (const effect of classification.effects) {
    impacts.add(touchesProtected(effect, context) ? 'control-plane' : impactOfKind[effect.kind]);
  }
  if (impacts.size === 0) impacts.add('read');
  return [...impacts];
}

/** The control-plane paths a command's effects touch, for a reason a person can read. */
export function protectedPathsTouched(classification: ShellClassification, context: ShellContext): string[] {
  return classification.effects
    .filter((effect) => touchesProtected(effect, context))
    .map((effect) => ('path' in effect ? effect.path : ''));
}
