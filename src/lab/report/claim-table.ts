import type { Claim, ResultTable } from '../experiment.ts';

/** An experiment's claims as the first table of its report section, on the page and in the terminal. */
export function claimTable(claims: readonly Claim[]): ResultTable {
  return {
    title: 'Claims',
    columns: ['claim', 'tag', 'evidence'],
    rows: claims.map((claim) => [claim.statement, claim.tag, claim.evidence]),
    note: 'by-construction: true by definition; derived: from solving the model exactly; empirical: from learners or samples (k/n with Clopper–Pearson 95% interval, or mean ± standard error).',
  };
}
