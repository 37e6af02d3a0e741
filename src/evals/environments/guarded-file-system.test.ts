import { Bash, InMemoryFs } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { EffectLog } from './effect-log.ts';
import { GuardedFileSystem } from './guarded-file-system.ts';

const files = () => ({ '/home/user/notes.txt': { content: 'hello\n', mode: 0o644, mtime: new Date(0) } });

async function transcript(bash: Bash, commands: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const command of commands) {
    const result = await bash.exec(command);
    // The stubs are stamped with the time the shell started.
    const stdout = result.stdout.replace(/[A-Z][a-z]{2} +\d+ +[\d:]+ /g, 'DATE ');
    lines.push(`${command} => ${result.exitCode} ${stdout}${result.stderr}`);
  }
  return lines;
}

describe('the guarded file system', () => {
  it("holds the shell's built-in command stubs exactly as a plain in-memory file system does", async () => {
    const commands = [
      'ls -l /bin /usr/bin',
      'cat /bin/ls /usr/bin/grep',
      'wc -c /usr/bin/grep',
      'stat -c "%s %a %F" /bin/cat',
      'which ls; type cat',
      'echo replaced > /bin/ls; cat /bin/ls',
      'rm /usr/bin/cat; ls /usr/bin/cat',
      'cp /bin/sort /home/user/sort; cat /home/user/sort',
    ];
    const plain = await transcript(new Bash({ fs: new InMemoryFs(files()), cwd: '/home/user' }), commands);
    const guarded = await transcript(
      new Bash({ fs: new GuardedFileSystem(files(), [], true, new EffectLog()), cwd: '/home/user' }),
      commands,
    );
    expect(guarded).toEqual(plain);
    expect(plain[1]).toContain('# Built-in command: ls');
  });
});
