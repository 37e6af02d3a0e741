// The unit of leave-one-source-out evaluation: a source family is one origin of rows (a repository, or several
// that share one style, such as the documentation sites). A constructed row touches every family it was built
// from, and templated rows (a wrapper from one place around a goal from another) form a family of their own.

/** Repositories that are one source: documentation sections selected the same way. */
const familyOfRepository: Record<string, string> = {
  'trpc/trpc': 'documentation sites',
  'openai/openai-agents-js': 'documentation sites',
  'langchain-ai/langgraphjs': 'documentation sites',
  'UKGovernmentBEIS/inspect_ai': 'documentation sites',
};

export const templatedFamily = 'templated authority spoofs';

function repositoryOf(part: string): string | undefined {
  const colon = part.indexOf(':');
  return colon < 0 ? undefined : part.slice(0, colon).trim();
}

function familyOf(repository: string): string {
  return familyOfRepository[repository] ?? repository;
}

/** Every family a row's text came from (a constructed row names two files, perhaps in two repositories). */
export function sourceFamilies(source: string): string[] {
  const repositories = source
    .split(' + ')
    .map(repositoryOf)
    .filter((repository): repository is string => repository !== undefined);
  const families = [...new Set(repositories.map(familyOf))];
  return families.length === 0 ? [source] : families;
}

/**
 * The family a row is evaluated under. Constructed rows whose two parts come from one repository whose own rows
 * are documents with inserted attacks (BIPIA) stay with it; other constructed rows are templated.
 */
export function primarySourceFamily(source: string, kind: string): string {
  if (source.includes(' + ') && kind !== 'indirect_injection') return templatedFamily;
  return sourceFamilies(source)[0]!;
}
