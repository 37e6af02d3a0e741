// Runs the shell examples of README.md and the worked example of docs/kernel.md as written, one bash process per
// code block, and says which commands did not end as their comments say. A command is expected to exit 0 unless
// its comment says `exit N`. Commands left running in the background (`heed fake-model &`) are ended with the
// block, and the fixed ports of the examples (8000, 7070, 7400) are swapped for free ones, so blocks run side by side.
//
//   node scripts/readme-examples.ts FOLDER [--heed 'node /path/to/bin/heed.js']
//
// Each block runs in a folder of its own under FOLDER. With --heed, `npx heed` runs that command (a checkout);
// without it, the real npx finds the heed installed in FOLDER or above (an installed package).
import { execSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface ExampleBlock {
  /** `README.md:120`: the file and the line of the opening fence. */
  where: string;
  heading: string;
  text: string;
}

export interface BlockOutcome {
  block: ExampleBlock;
  ok: boolean;
  /** One line per command that ended otherwise than its comment says, and why a block failed as a whole. */
  failures: string[];
  output: string;
}

/** Every ```sh block of a markdown file, with the heading it sits under. */
export function extractShellBlocks(markdown: string, file: string): ExampleBlock[] {
  const blocks: ExampleBlock[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    if (!/^```(sh|bash)\s*$/.test(line)) continue;
    const start = index;
    const body: string[] = [];
    for (index += 1; index < lines.length && !/^```\s*$/.test(lines[index]!); index++) body.push(lines[index]!);
    blocks.push({ where: `${file}:${start + 1}`, heading, text: body.join('\n') });
  }
  return blocks;
}

/** The exit code a command's comment promises: `# … exit 1 …`, else 0. */
function expectedExit(comment: string): number {
  const match = /\bexit (\d+)\b/.exec(comment);
  return match ? Number(match[1]) : 0;
}

/**
 * The block as a bash script. Each command records its line first; one whose comment promises a non-zero exit
 * runs under `__expect`, and any other that fails is caught by the ERR trap. Heredoc bodies and the continued
 * lines of a long command are left as they are.
 */
export function instrumentBlock(text: string, ports: ReadonlyMap<string, string>): string {
  const out: string[] = [];
  let heredoc: string | undefined;
  let continued = false;
  for (const [index, raw] of text.split('\n').entries()) {
    let line = raw;
    for (const [from, to] of ports) line = line.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
    if (heredoc !== undefined) {
      out.push(line);
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const comment = /\s#\s(.*)$/.exec(line);
    const command = (comment ? line.slice(0, comment.index) : line).trim();
    const startsCommand = !continued;
    continued = command.endsWith('\\');
    heredoc = /<<-?\s*['"]?([A-Za-z_]+)['"]?/.exec(command)?.[1];
    if (!startsCommand || command === '') {
      out.push(line);
      continue;
    }
    const exit = expectedExit(comment?.[1] ?? '');
    const simple = exit !== 0 && !continued && heredoc === undefined && !command.endsWith('&');
    out.push(`__line=${index + 1}; ${simple ? `__expect ${exit} ${command}` : line}`);
  }
  return out.join('\n');
}

const preamble = `
__failures=0
__fail() { echo "@@failure line $1: $2" >&2; __failures=$((__failures + 1)); }
__expect() {
  local want=$1
  shift
  "$@"
  local got=$?
  [ "$got" -eq "$want" ] || __fail "$__line" "exit $got, expected $want: $*"
  return 0
}
trap '__fail "$__line" "a command failed (exit $?)"' ERR
`;

const epilogue = `
trap - ERR
for __job in $(jobs -p); do kill "$__job" 2>/dev/null; done
wait 2>/dev/null
exit $((__failures > 0))
`;

/**
 * A folder with an `npx` that runs `heed` as `heedCommand` and hands anything else to the real npx. A script on
 * PATH rather than a shell function, so `npx heed fake-model &` is one process that `kill %1` ends.
 */
function npxShim(heedCommand: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'heed-npx-'));
  const realNpx = execSync('command -v npx', { encoding: 'utf8', shell: '/bin/sh' }).trim();
  const shim = join(folder, 'npx');
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = heed ]; then shift; exec ${heedCommand} "$@"; fi\nexec '${realNpx}' "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return folder;
}

/** Ports handed to examples by this process: two blocks running side by side never get the same one. */
const handedOut = new Set<number>();

/** Where the machine's outgoing connections take their local ports from (Linux); 32768 elsewhere or unreadable. */
function ephemeralPortsStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 20_000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port no one listens on now, for an example's fixed one. Taken below the ephemeral range: a port the system
 * picked for us (listen on 0) could be handed to another block's outgoing connection before the example bound it.
 */
async function freePort(): Promise<string> {
  const below = ephemeralPortsStart();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (below - 10_000));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return String(port);
  }
  throw new Error(`no free port between 10000 and ${below}`);
}

export async function runBlock(
  block: ExampleBlock,
  options: { folder: string; heed?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<BlockOutcome> {
  // A copy of a checkout shares its node_modules by a link: an install there would empty the checkout's own.
  if (/\bnpm (ci|install|i)\b/.test(block.text)) {
    return { block, ok: false, failures: ['the block installs packages; it is not run here'], output: '' };
  }
  const ports = new Map([
    ['8000', await freePort()],
    ['7070', await freePort()],
    ['7400', await freePort()],
  ]);
  const script = `${preamble}\n${instrumentBlock(block.text, ports)}\n${epilogue}`;
  const path = options.heed === undefined ? process.env.PATH : `${npxShim(options.heed)}:${process.env.PATH}`;
  const child = spawn('bash', ['-c', script], {
    cwd: options.folder,
    detached: true,
    env: { ...process.env, NO_COLOR: '1', PATH: path, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const failures: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    for (const match of chunk.matchAll(/^@@failure (.*)$/gm)) failures.push(match[1]!);
  });
  // The whole group: bash and whatever it left running, should the block hang.
  const timer = setTimeout(() => {
    failures.push(`timed out after ${options.timeoutMs ?? 120_000} ms`);
    process.kill(-child.pid!, 'SIGKILL');
  }, options.timeoutMs ?? 120_000);
  // bash's own exit, not the close of its pipes: a process it left behind may hold them open.
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
  await new Promise((resolve) => setImmediate(resolve));
  if (code !== 0 && failures.length === 0) failures.push(`bash exited ${code}`);
  return { block, ok: failures.length === 0, failures, output };
}

/** The blocks not run, and why; every other block runs, new ones included. */
export const blocksNotRun: Record<string, string> = {
  Development: 'the project commands (lint, the tests themselves, benches, training) are run by .ci/run',
};

/**
 * The examples to run, from the files under `root`: README.md's shell blocks, its first without the two
 * commands .ci/run runs on a fresh checkout (`npm ci`, `npm test`), and docs/kernel.md's worked example.
 */
export function documentedExamples(root: string): ExampleBlock[] {
  const readme = extractShellBlocks(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md');
  const kernel = extractShellBlocks(readFileSync(join(root, 'docs/kernel.md'), 'utf8'), 'docs/kernel.md');
  return [...readme, ...kernel.filter((block) => block.heading.startsWith('Worked example'))]
    .filter((block) => blocksNotRun[block.heading] === undefined)
    .map((block) =>
      block.text.includes('npm ci && npx heed lab')
        ? { ...block, text: block.text.replace('npm ci && ', '').replace(/^npm test.*$/m, '') }
        : block,
    );
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { heed: { type: 'string' } } });
  const folder = positionals[0];
  if (folder === undefined) {
    console.error("usage: node scripts/readme-examples.ts FOLDER [--heed 'node /path/to/bin/heed.js']");
    process.exit(2);
  }
  const blocks = documentedExamples(fileURLToPath(new URL('..', import.meta.url)));
  const outcomes = await Promise.all(
    blocks.map((block, index) => {
      const own = join(folder, `example-${index + 1}`);
      mkdirSync(own, { recursive: true });
      return runBlock(block, { folder: own, ...(values.heed ? { heed: values.heed } : {}) });
    }),
  );
  for (const outcome of outcomes) {
    console.log(`${outcome.ok ? 'ok  ' : 'FAIL'} ${outcome.block.where} (${outcome.block.heading})`);
    if (outcome.ok) continue;
    for (const failure of outcome.failures) console.log(`     ${failure}`);
    console.log(outcome.output.slice(-4000).replace(/^/gm, '     | '));
  }
  process.exit(outcomes.every((outcome) => outcome.ok) ? 0 : 1);
}
