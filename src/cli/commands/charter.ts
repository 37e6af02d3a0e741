import type { Command } from 'commander';
import { stringify } from 'yaml';
import { explainCharterDefaults } from '../../charter/explain-charter-defaults.ts';
import { maxCharterBytes, parseCharter } from '../../charter/load-charter.ts';
import { renderCharterInstructions } from '../../charter/render-charter.ts';
import { parseYamlOrJson } from '../../core/parse-yaml-or-json.ts';
import { readBoundedText } from '../../core/read-bounded-file.ts';

function readCharter(file: string) {
  const written = parseYamlOrJson(readBoundedText(file, 'charter', maxCharterBytes), `charter ${file}`);
  return { written, charter: parseCharter(written, `charter ${file}`) };
}

export function registerCharterCommand(program: Command): void {
  const charter = program.command('charter').description('validate and render charters');
  charter
    .command('check')
    .description('validate a charter (YAML or JSON), print it with every default filled in, and say what it means')
    .argument('<file>', 'charter file')
    .option('--json', 'print the filled-in charter as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const { written, charter: loaded } = readCharter(file);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
        return;
      }
      const meaning = explainCharterDefaults(loaded, written).map((line) => `#   ${line}`);
      process.stdout.write(`# ${file}: valid\n# What it means:\n${meaning.join('\n')}\n${stringify(loaded)}`);
    });
  charter
    .command('render')
    .description('print the standing instructions a model gets from this charter')
    .argument('<file>', 'charter file')
    .option('--json', 'print {"agent","target","instructions"} as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const { charter: loaded } = readCharter(file);
      const instructions = renderCharterInstructions(loaded);
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ agent: loaded.agent, target: loaded.target, instructions })}\n`
          : `${instructions}\n`,
      );
    });
}
