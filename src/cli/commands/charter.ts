import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadCharterFile } from '../../charter/load-charter.ts';

export function registerCharterCommand(program: Command): void {
  const charter = program.command('charter').description('validate and render charters');
  charter
    .command('check')
    .description('validate a charter (YAML or JSON) and print it with every default filled in')
    .argument('<file>', 'charter file')
    .option('--json', 'print the filled-in charter as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const loaded = loadCharterFile(file);
      process.stdout.write(
        options.json ? `${JSON.stringify(loaded, null, 2)}\n` : `# ${file}: valid\n${stringify(loaded)}`,
      );
    });
}
