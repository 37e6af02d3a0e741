// The README's library program, run exactly as written (its `from 'heed'` pointing at this checkout) against a local
// OpenAI-compatible server: it starts an agent, stops it with a signed order and verifies the audit log.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../src/providers/fake-model/fake-model-server.ts';

let folder: string;
let fake: FakeModelServer;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'heed-library-program-'));
  fake = await startFakeModelServer({ behaviour: 'obedient', latencyMs: 50 });
});

afterAll(async () => {
  await fake.close();
  rmSync(folder, { recursive: true, force: true });
});

/** The first TypeScript block of the README's "Library" section. */
function readmeProgram(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('the README has no library program');
  return block[1]!;
}

describe("the README's library program", () => {
  it('starts an agent, stops it with a signed order and verifies its audit log', async () => {
    const program = readmeProgram();
    expect(program.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(22);
    const index = new URL('../src/index.ts', import.meta.url).href;
    writeFileSync(join(folder, 'demo.ts'), program.replace("from 'heed'", `from '${index}'`));
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['demo.ts'], {
        cwd: folder,
        env: { ...process.env, HEED_BASE_URL: fake.url, HEED_API_KEY: 'test', NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/type: 'halted',\s+reason: 'stop'/);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('true');
    // What the program left: the agent's state, its key and anchor apart from it, and an audit log that verifies.
    const anchor = readFileSync(join(folder, 'demo', 'keys', 'demo.anchor.jsonl'), 'utf8');
    expect(anchor.trim().split('\n')).toHaveLength(1);
  });
});
