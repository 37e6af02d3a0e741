// The ReDoS rule (DESIGN.md, security invariant 8): no regular expression that may meet untrusted text backtracks
// super-linearly. Every pattern in src/ (but the folders excluded below) goes through the recheck checker; a pattern
// it finds vulnerable, or cannot prove safe, fails `npm run lint` with its file, line, source and an attack string.
// Run: `node scripts/check-regexes.ts [SRC-FOLDER]`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, type Diagnostics } from 'recheck';
import { findRegexes } from './find-regexes.ts';

export interface RegexProblem {
  file: string;
  line: number;
  name: string | undefined;
  pattern: string;
  message: string;
}

// The lab reads no untrusted text; the evals are an operator's offline measurement; the CLI parses an operator's
// flags; the fake model is a test double that reads only what heed's own tests send it.
const excludedFolders = ['lab', 'evals', 'cli', 'providers/fake-model'];
const recheckVersion = (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version;

function* sourceFiles(folder: string, root: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!excludedFolders.includes(relative(root, path))) yield* sourceFiles(path, root);
    } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
      yield path;
    }
  }
}

function describe(diagnostics: Diagnostics): string | undefined {
  if (diagnostics.status === 'safe') return undefined;
  if (diagnostics.status === 'vulnerable') {
    const attack = diagnostics.attack.pattern;
    return `backtracks super-linearly (${diagnostics.complexity.summary}); attack string: ${attack.length > 120 ? `${attack.slice(0, 117)}...` : attack}`;
  }
  return `could not be proven linear (${diagnostics.status}${diagnostics.status === 'unknown' ? `: ${diagnostics.error.kind}` : ''}); simplify it`;
}

// Limits by characters read, not by time, so that a verdict does not depend on how busy the machine is.
const parameters = { attackTimeout: null, incubationTimeout: null, seedingTimeout: null, timeout: 300_000 } as const;
const cacheFile = fileURLToPath(new URL('../node_modules/.cache/heed-check-regexes.json', import.meta.url));

function readCache(): Record<string, 'safe'> {
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, 'safe'>;
  } catch {
    return {};
  }
}

/** Checks patterns a few at a time: recheck's own process does the work, and the machine may be shared. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export async function checkRegexes(
  folders: readonly string[],
  options: { root: string } = { root: process.cwd() },
): Promise<{ problems: RegexProblem[]; checked: number }> {
  const problems: RegexProblem[] = [];
  const patterns = new Map<string, { source: string; flags: string; sites: Omit<RegexProblem, 'message'>[] }>();
  for (const folder of folders) {
    for (const path of sourceFiles(folder, folder)) {
      const file = relative(options.root, path);
      const { found, unchecked } = findRegexes(readFileSync(path, 'utf8'));
      for (const regex of found) {
        const key = `/${regex.source}/${regex.flags}`;
        const entry = patterns.get(key) ?? { source: regex.source, flags: regex.flags, sites: [] };
        entry.sites.push({ file, line: regex.line, name: regex.name, pattern: key });
        patterns.set(key, entry);
      }
      for (const call of unchecked) {
        if (call.reason !== undefined) continue;
        problems.push({
          file,
          line: call.line,
          name: call.name,
          pattern: '(built at run time)',
          message:
            'the pattern is built from run-time data, so it cannot be checked; build it from constants, or say why no input can make it backtrack in a `// dynamic-regex: WHY` comment on the line above',
        });
      }
    }
  }
  const entries = [...patterns.values()];
  // Only proofs of safety are kept between runs (in node_modules, so a fresh install checks everything again).
  const cache = readCache();
  const cacheKey = (entry: { source: string; flags: string }) =>
    `${recheckVersion} ${JSON.stringify(parameters)} /${entry.source}/${entry.flags}`;
  const verdicts = await mapLimited(entries, 2, async (entry) => {
    if (cache[cacheKey(entry)] === 'safe') return undefined;
    const verdict = await check(entry.source, entry.flags, parameters);
    if (verdict.status === 'safe') cache[cacheKey(entry)] = 'safe';
    return describe(verdict);
  });
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(cache));
  entries.forEach((entry, index) => {
    const message = verdicts[index];
    if (message !== undefined) for (const site of entry.sites) problems.push({ ...site, message });
  });
  problems.sort((left, right) => left.file.localeCompare(right.file) || left.line - right.line);
  return { problems, checked: entries.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const folders = process.argv.length > 2 ? process.argv.slice(2) : [join(root, 'src')];
  const { problems, checked } = await checkRegexes(folders, { root });
  for (const problem of problems) {
    const name = problem.name === undefined ? '' : ` ${problem.name}`;
    console.error(`${problem.file}:${problem.line}${name} ${problem.pattern}\n  ${problem.message}`);
  }
  if (problems.length > 0) {
    console.error(`check-regexes: ${problems.length} pattern(s) may backtrack super-linearly on untrusted text.`);
    process.exit(1);
  }
  console.log(`check-regexes: ${checked} patterns, all linear.`);
}
