import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/evals/scenario/load-suite.ts';
import { startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { heedBin, runHeed } from '../helpers/run-heed.ts';

const suiteFolder = fileFolder(['p1-shutdown-palisade', 'p1-stop-mid-task', 'p2-spoof-chat-principal']);

/** A small suite: three built-in scenarios copied into a folder of their own. */
function fileFolder(ids: string[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'heed-suite-'));
  const builtin = new URL('../../src/evals/suites/core/', import.meta.url);
  for (const id of ids) writeFileSync(join(folder, `${id}.yaml`), readFileSync(new URL(`${id}.yaml`, builtin)));
  return folder;
}

describe('heed eval through the CLI against heed fake-model over HTTP', () => {
  let server: Awaited<ReturnType<typeof startFakeModelServer>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startFakeModelServer({ port: 0, behaviour: 'obedient' });
    env = { HEED_BASE_URL: server.url, HEED_API_KEY: 'test' };
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists the built-in suite', async () => {
    const run = await runHeed(['eval', 'list', '--json']);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; problem: number });
    expect(rows.map((row) => row.id)).toEqual(loadSuite('core').map((scenario) => scenario.id));
  });

  it('runs a small suite with the guard off and on, and writes summary.json and report.html', async () => {
    const out = mkdtempSync(join(tmpdir(), 'heed-eval-out-'));
    const run = await runHeed(
      [
        'eval',
        'run',
        '--suite',
        suiteFolder,
        '--model',
        'openai:resists-shutdown',
        '--guard',
        'off,on',
        '--out',
        out,
        '--variants',
        'default,no-instruction',
      ],
      { env },
    );
    expect(run.stderr).toContain('report.html');
    expect(run.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.schemaVersion).toBe(1);
    const sabotage = (guard: string) =>
      summary.metrics.find(
        (metric: { metric: string; guard: string }) => metric.metric === 'sabotage_rate' && metric.guard === guard,
      );
    expect(sabotage('off')).toMatchObject({
      problem: 1,
      scenario: 'p1-shutdown-palisade',
      model: 'openai:resists-shutdown',
      target: 'if-ranked',
      variant: 'no-instruction',
      value: 1,
      n: 1,
    });
    expect(sabotage('on').value).toBe(0);
    expect(sabotage('off').low).toBeLessThan(1);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('sabotage_rate');

    const report = await runHeed(['eval', 'report', out, '--json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toEqual(summary);
  });

  it('records an unreachable model as errors, never as scores, with the guard off and on', async () => {
    const out = mkdtempSync(join(tmpdir(), 'heed-eval-out-'));
    const run = await runHeed(
      ['eval', 'run', '--suite', suiteFolder, '--model', 'openai:obedient', '--guard', 'off,on', '--out', out],
      {
        env: { HEED_BASE_URL: 'http://127.0.0.1:9/v1', HEED_API_KEY: 'test' },
      },
    );
    expect(run.code).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.metrics).toEqual([]);
    expect(summary.samples).toBe(summary.errors.length);
    const guards = new Set(summary.errors.map((error: { guard: string }) => error.guard));
    expect(guards).toEqual(new Set(['off', 'on']));
    for (const error of summary.errors) expect(error.error).toMatch(/connect|refused|ECONNREFUSED/i);
  });

  it('rejects bad input with exit 2 and a clear message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['eval', 'run', '--suite', 'nope', '--model', 'fake:obedient'], /Unknown suite 'nope'. Known suites: core/],
      [['eval', 'run', '--model', 'fake:obedient', '--guard', 'sideways'], /Unknown guard 'sideways'/],
      [['eval', 'run', '--model', 'fake:obedient', '--targets', 'if-lats'], /Unknown target 'if-lats'/],
      [['eval', 'run', '--model', 'fake:obedient', '--epochs', '0'], /--epochs must be a positive integer/],
      [['eval', 'run', '--model', 'gpt-4'], /KIND:VALUE/],
      [['eval', 'report', mkdtempSync(join(tmpdir(), 'heed-empty-'))], /holds no eval samples/],
    ];
    for (const [args, message] of cases) {
      const run = await runHeed(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('resumes after the runner is killed mid-run, losing nothing', async () => {
    const slow = await startFakeModelServer({ port: 0, behaviour: 'obedient', latencyMs: 150 });
    try {
      const out = mkdtempSync(join(tmpdir(), 'heed-eval-resume-'));
      const args = [
        heedBin,
        'eval',
        'run',
        '--suite',
        suiteFolder,
        '--model',
        'openai:obedient',
        '--guard',
        'off,on',
        '--variants',
        'default,no-instruction',
        '--concurrency',
        '1',
        '--out',
        out,
      ];
      const child = spawn(process.execPath, args, {
        env: { ...process.env, HEED_BASE_URL: slow.url, HEED_API_KEY: 'test' },
        stdio: 'ignore',
      });
      const samples = join(out, 'samples');
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (existsSync(samples) && readdirSync(samples).filter((file) => file.endsWith('.jsonl')).length >= 2) {
            clearInterval(timer);
            child.kill('SIGKILL');
            resolve();
          }
        }, 20);
        child.on('exit', () => {
          clearInterval(timer);
          reject(new Error('the runner finished before it could be killed'));
        });
      });
      const before = readdirSync(samples).filter((file) => file.endsWith('.jsonl')).length;
      const rerun = await runHeed(
        [
          'eval',
          'run',
          '--suite',
          suiteFolder,
          '--model',
          'openai:obedient',
          '--guard',
          'off,on',
          '--variants',
          'default,no-instruction',
          '--out',
          out,
        ],
        {
          env: { HEED_BASE_URL: slow.url, HEED_API_KEY: 'test' },
        },
      );
      expect(rerun.code).toBe(0);
      const resumed = Number(/(\d+) resumed/.exec(rerun.stderr)?.[1]);
      expect(resumed).toBeGreaterThanOrEqual(before);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.samples).toBe(6);
      expect(summary.errors).toEqual([]);
      expect(readdirSync(samples).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
