import { describe, expect, it } from 'vitest';
import { commandEntries, requestedCommand } from '../../src/cli/commands/index.ts';
import { createProgram } from '../../src/cli/main.ts';
import { runHeed } from '../helpers/run-heed.ts';

describe('the command table', () => {
  it('loads a real command of each listed name', async () => {
    const program = await createProgram([], { allCommands: true });
    const names = program.commands.map((command) => command.name());
    expect(names).toEqual(commandEntries.map((entry) => entry.name));
    for (const command of program.commands) expect(command.commands.length + command.options.length).toBeGreaterThan(0);
  });

  it('finds the requested command after options and after help', () => {
    expect(requestedCommand(['lab', '--json'])).toBe('lab');
    expect(requestedCommand(['--help'])).toBeUndefined();
    expect(requestedCommand(['help', 'audit'])).toBe('audit');
  });

  it('lists every command in heed --help and explains one with heed help NAME', async () => {
    const help = await runHeed(['--help']);
    expect(help.code).toBe(0);
    for (const entry of commandEntries) expect(help.stdout).toContain(entry.name);
    const audit = await runHeed(['help', 'audit']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('verify');
    const unknown = await runHeed(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fly'");
  });
});
