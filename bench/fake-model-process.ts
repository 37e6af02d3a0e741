import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** `heed fake-model` in its own process, as a user runs it, so its work does not share the client's thread. */
export async function startFakeModelProcess(latencyMs: number) {
  const bin = fileURLToPath(new URL('../bin/heed.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'fake-model', '--json', '--latency', String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
  const { url } = JSON.parse(line.split('\n')[0]!) as { url: string };
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
