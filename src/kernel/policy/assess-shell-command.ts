import type { ActionAssessment, Source } from '../tool.ts';
import { anyPath, type ShellClassification, type ShellContext, shellImpacts } from './shell-effects.ts';

/** What a classified command does, as the kernel's policy and taint read it (shared with the evals' shell). */
export function assessShellCommand(classification: ShellClassification, context: ShellContext): ActionAssessment {
  const file = (path: string): Source => `file:${path}`;
  const effects = classification.effects;
  return {
    impacts: shellImpacts(classification, context),
    unclassified: classification.unclassified,
    // What a command fetches from a link comes from that link.
    reads: effects.flatMap((effect): Source[] =>
      effect.kind === 'read'
        ? [file(effect.path)]
        : effect.kind === 'network' && /^[a-z][a-z0-9+.-]*:\/\//i.test(effect.target)
          ? [`url:${effect.target}`]
          : [],
    ),
    writes: effects
      .filter((effect) => effect.kind === 'write' || effect.kind === 'overwrite')
      .map((effect) => file(effect.path)),
    targets: effects.flatMap((effect) =>
      effect.kind === 'delete' || effect.kind === 'overwrite'
        ? [effect.path]
        : effect.kind === 'network' && effect.target !== anyPath
          ? [effect.target]
          : [],
    ),
    effects,
  };
}
