// Library docs import from the package, not from its sources, and every name they import from 'heed',
// 'heed/lab', 'heed/evals' or 'heed/server' is exported by the built package: values by its JavaScript, types by its .d.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const documents = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)].filter((name) =>
  name.endsWith('.md'),
);

interface DocumentedImport {
  where: string;
  specifier: string;
  name: string;
  typeOnly: boolean;
}

/** The code blocks of a markdown file in TypeScript or JavaScript. */
function codeBlocks(file: string): { where: string; text: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^```(?:ts|typescript|js|javascript)\s*\n([\s\S]*?)^```/gm)].map((match) => ({
    where: `${file}:${text.slice(0, match.index).split('\n').length}`,
    text: match[1]!,
  }));
}

function documentedImports(): DocumentedImport[] {
  const found: DocumentedImport[] = [];
  for (const file of documents) {
    for (const block of codeBlocks(file)) {
      for (const match of block.text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(heed(?:\/[\w-]+)?)'/g)) {
        for (const part of match[2]!
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)) {
          const typeOnly = match[1] !== undefined || part.startsWith('type ');
          const name = part.replace(/^type\s+/, '').split(/\s+as\s+/)[0]!;
          found.push({ where: block.where, specifier: match[3]!, name, typeOnly });
        }
      }
    }
  }
  return found;
}

const exportsMap = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string } | string>;
  }
).exports;

let built = '';
beforeAll(() => {
  built = mkdtempSync(join(tmpdir(), 'heed-built-'));
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), '--out', built], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stderr}`);
}, 120_000);

/** The built file a package subpath's condition points at, e.g. `heed/lab` → `<built>/lab/index.js`. */
function builtFile(specifier: string, condition: 'types' | 'default'): string {
  const entry = exportsMap[specifier === 'heed' ? '.' : `./${specifier.slice('heed/'.length)}`];
  if (entry === undefined || typeof entry === 'string') throw new Error(`package.json exports no '${specifier}'`);
  return join(built, entry[condition].replace(/^\.\/dist\//, ''));
}

describe('the names the docs import from heed', () => {
  const imports = documentedImports();

  it('come from the package, and no doc imports heed by its source paths', () => {
    expect(imports.length).toBeGreaterThan(40);
    expect(new Set(imports.map((entry) => entry.specifier))).toEqual(
      new Set(['heed', 'heed/lab', 'heed/agents-js', 'heed/ai-sdk', 'heed/server']),
    );
    const sourceImports = documents.flatMap((file) =>
      codeBlocks(file).flatMap((block) =>
        /from\s*'\.{1,2}\/(src|dist)\//.test(block.text) ? [`${block.where} imports from heed's source paths`] : [],
      ),
    );
    expect(sourceImports).toEqual([]);
  });

  it("are all exported by the built package's JavaScript (values) and .d.ts (types)", async () => {
    const missing: string[] = [];
    for (const specifier of new Set(imports.map((entry) => entry.specifier))) {
      const module = (await import(pathToFileURL(builtFile(specifier, 'default')).href)) as Record<string, unknown>;
      const declarations = readFileSync(builtFile(specifier, 'types'), 'utf8');
      for (const entry of imports.filter((candidate) => candidate.specifier === specifier)) {
        const exported = entry.typeOnly
          ? new RegExp(`export (type )?\\{[^}]*\\b${entry.name}\\b[^}]*\\}`).test(declarations)
          : entry.name in module;
        if (!exported) missing.push(`${entry.where}: '${entry.name}' from '${specifier}'`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('include the functions the docs name in prose', () => {
    const names = new Set(imports.map((entry) => entry.name));
    for (const name of [
      'createUntrustedMarker',
      'createLlmJudge',
      'createHttpClassifierJudge',
      'readLabDocument',
      'solveOffSwitch',
      'validateToolInput',
      'createAnthropicProvider',
    ]) {
      expect(names, name).toContain(name);
    }
  });
});
