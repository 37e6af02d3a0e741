import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers } from '../scripts/check-layers.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'heed-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the layer rule', () => {
  it('accepts imports that point down', () => {
    const root = tree({
      'core/a.ts': 'export const a = 1;',
      'kernel/k.ts': "import { a } from '../core/a.ts';\nimport type { B } from '../charter/b.ts';",
      'lab/l.ts': "export { a } from '../core/a.ts';",
    });
    expect(checkLayers(root)).toEqual([]);
  });

  it('rejects an upward import, a type-only one, and the lab reaching the kernel', () => {
    const root = tree({
      'core/a.ts': "import { k } from '../kernel/k.ts';",
      'charter/c.ts': "import type { Entry } from '../audit/store.ts';",
      'lab/l.ts': "const m = await import('../providers/p.ts');",
      'providers/p.ts': "import '../charter/c.ts';",
    });
    const messages = checkLayers(root).map((violation) => violation.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('core -> kernel'),
        expect.stringContaining('charter -> audit'),
        expect.stringContaining('lab -> providers'),
        expect.stringContaining('providers -> charter'),
      ]),
    );
    expect(messages).toHaveLength(4);
  });
});

describe('the package entry', () => {
  it('may re-export every layer but the CLI', () => {
    const root = tree({
      'index.ts':
        "export { a } from './core/a.ts';\nexport { k } from './kernel/k.ts';\nexport { c } from './cli/main.ts';",
      'core/a.ts': 'export const a = 1;',
    });
    expect(checkLayers(root).map((violation) => violation.message)).toEqual([
      'the package entry may not import the CLI',
    ]);
  });
});
