import { HeedError } from '../core/heed-error.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { errorText } from './tracked-call.ts';

// The roster can change (rotation, succession); names are read from the authority's current charter.
const principalIdsByCharter = new WeakMap<object, string[]>();

function principalIds(runtime: KernelRuntime): string[] {
  const charter = runtime.authority.charter();
  let ids = principalIdsByCharter.get(charter);
  if (ids === undefined) {
    ids = charter.principals.map((principal) => principal.id);
    principalIdsByCharter.set(charter, ids);
  }
  return ids;
}

/**
 * Screens untrusted text before the model sees it, when a screener is configured. Flagged text is withheld
 * or shown under a warning, as the charter's `screening.onFlag` says; a screener that fails withholds. Text that
 * claims to come from one of the agent's own principals counts against it: real orders arrive signed.
 */
export async function screenUntrusted(
  runtime: KernelRuntime,
  text: string,
  options: { provenance: 'tool' | 'document'; source: string; signal: AbortSignal },
): Promise<{ text: string; flagged: boolean }> {
  const screener = runtime.screener;
  if (!screener) return { text, flagged: false };
  let result: Awaited<ReturnType<typeof screener.screen>>;
  try {
    result = await screener.screen(text, {
      provenance: options.provenance,
      principals: principalIds(runtime),
      signal: options.signal,
    });
  } catch (error) {
    // Fail closed: content that was not screened, for whatever reason, is not shown.
    const deadline = error instanceof HeedError && error.code === 'screening-deadline';
    runtime.recorder.note('screening-verdict', {
      source: options.source,
      provenance: options.provenance,
      verdict: deadline ? 'unscreened' : 'error',
      error: errorText(error),
    });
    return {
      text: deadline
        ? '[withheld: screening did not finish in time, so this content was not shown]'
        : '[withheld: screening failed, so this content was not shown]',
      flagged: true,
    };
  }
  runtime.recorder.note('screening-verdict', {
    source: options.source,
    provenance: options.provenance,
    verdict: result.verdict,
    score: result.score,
    reasons: result.reasons,
  });
  if (result.verdict === 'pass') return { text, flagged: false };
  if (runtime.authority.charter().screening.onFlag === 'withhold') {
    // Only the detectors' names: a reason may quote the very text being withheld.
    const names = [...new Set(result.reasons.map((reason) => reason.split(':')[0]!.trim()))].join(', ');
    return { text: `[withheld by screening: ${names || 'flagged'}]`, flagged: true };
  }
  return { text, flagged: true };
}
