// heed and `npm test` on a Node older than package.json's "engines": one line naming the version needed and the
// fix, before anything else loads. The real old Node is the machine's own (Debian's 20) when there is one.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heedBin } from '../helpers/run-heed.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const checker = fileURLToPath(new URL('../../bin/require-node.js', import.meta.url));
const engines = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  }
).engines.node;

function problemFor(version: string): string {
  const script = `import(${JSON.stringify(checker)}).then((m) => console.log(m.nodeVersionProblem(${JSON.stringify(version)}) ?? 'ok'))`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).stdout.trim();
}

/** Every `node` on PATH older than heed needs, as `which -a node` lists them. */
function oldNodes(): { path: string; version: string }[] {
  const listed = spawnSync('/bin/sh', ['-c', 'which -a node'], { encoding: 'utf8' }).stdout.split('\n');
  const found = new Map<string, string>();
  for (const path of listed.filter(Boolean)) {
    const version = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    if (version !== '' && problemFor(version) !== 'ok') found.set(version, path);
  }
  return [...found].map(([version, path]) => ({ path, version }));
}

describe('the Node version check', () => {
  it(`follows package.json's engines (${engines}): 22.0 to 22.17 are too old`, () => {
    expect(engines).toBe('>=22.18');
    for (const version of ['18.20.0', '20.20.2', '22.0.0', '22.17.9']) {
      expect(problemFor(version)).toBe(
        `heed needs Node.js >= 22.18 (this is ${version}): install Node 24 LTS from https://nodejs.org, or in a heed checkout run \`. scripts/ensure-node.sh\` to put it on PATH.`,
      );
    }
    for (const version of ['22.18.0', '22.23.5', '23.0.0', '24.0.0', '26.1.0']) expect(problemFor(version)).toBe('ok');
  });

  const old = oldNodes();
  it.skipIf(old.length === 0).each(old)(
    'stops heed and npm test on Node $version with one line',
    ({ path, version }) => {
      for (const args of [['--help'], ['lab'], ['screen', 'hello'], ['eval', 'list']]) {
        const run = spawnSync(path, [heedBin, ...args], { encoding: 'utf8' });
        expect(run.status).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(`${problemFor(version)}\n`);
      }
      // npm runs the scripts with the old node first on PATH; pretest stops before vitest loads.
      const npm = spawnSync('npm', ['test'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${dirname(path)}${delimiter}${process.env.PATH}` },
      });
      expect(npm.status).not.toBe(0);
      expect(npm.stderr.split('\n').filter(Boolean)).toEqual([problemFor(version)]);
      expect(npm.stdout).not.toContain('vitest');
    },
  );
});
