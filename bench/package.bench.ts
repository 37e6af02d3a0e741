// `npm run bench -- package`: what a user downloads and installs. The tarball `npm pack` makes (files, size), and
// `npm install <tarball>` into an empty project as a kernel user does it (target at most 40 MB, no build step),
// against the same install with the optional packages of the evals and report charts as the baseline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInstall } from '../scripts/measure-install.ts';
import type { Bench } from './run.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const optionalPackages = ['just-bash', 'vega', 'vega-lite'];

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const megabytes = (bytes: number) => Math.round(bytes / 1e4) / 100;

const bench: Bench = async (report) => {
  const folder = mkdtempSync(join(tmpdir(), 'heed-package-bench-'));
  try {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', folder], root)) as {
      filename: string;
      size: number;
      unpackedSize: number;
      entryCount: number;
    }[];
    if (packed === undefined) throw new Error('npm pack reported no tarball');
    report({
      name: 'package.tarball_files',
      value: packed.entryCount,
      unit: 'files',
      tarball_kb: Math.round(packed.size / 1000),
      unpacked_kb: Math.round(packed.unpackedSize / 1000),
    });

    const project = join(folder, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name":"bench","version":"1.0.0","type":"module"}\n');
    const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    npm(['install', join(folder, packed.filename)], project);
    const kernel = measureInstall(join(project, 'node_modules'));
    npm(['install', ...optionalPackages.map((name) => `${name}@${devDependencies[name]}`)], project);
    const full = measureInstall(join(project, 'node_modules'));
    report({
      name: 'package.install_mb',
      value: megabytes(kernel.bytes),
      unit: 'MB',
      target: 40,
      packages: kernel.packages,
      install_scripts: kernel.installScripts.length,
      baseline_with_evals_mb: megabytes(full.bytes),
      baseline_with_evals_packages: full.packages,
      baseline_with_evals_install_scripts: full.installScripts,
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
