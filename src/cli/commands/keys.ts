import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { privateKeySuffix, publicKeySuffix } from '../../authority/order-files.ts';
import { generateKeyPair } from '../../core/ed25519.ts';
import { InvalidInputError } from '../../core/heed-error.ts';

const principalName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description("make principals' Ed25519 keys");
  keys
    .command('new')
    .description(
      `write DIR/NAME${privateKeySuffix} (private, mode 0600) and DIR/NAME${publicKeySuffix}; print the key a charter lists`,
    )
    .requiredOption('--principal <name>', 'the principal id the key is for')
    .requiredOption('--out <dir>', 'the folder to write the key files to')
    .option('--force', 'overwrite existing key files')
    .option('--json', 'print {principal, key, privateKeyFile, publicKeyFile}')
    .action((options: { principal: string; out: string; force?: boolean; json?: boolean }) => {
      if (!principalName.test(options.principal)) {
        throw new InvalidInputError(
          `Invalid --principal '${options.principal}': must be 1-64 letters, digits, dot, underscore or dash.`,
        );
      }
      const privateKeyFile = join(options.out, `${options.principal}${privateKeySuffix}`);
      const publicKeyFile = join(options.out, `${options.principal}${publicKeySuffix}`);
      if (!options.force) {
        for (const file of [privateKeyFile, publicKeyFile]) {
          if (existsSync(file)) throw new InvalidInputError(`${file} already exists; pass --force to replace it.`);
        }
      }
      const pair = generateKeyPair();
      try {
        mkdirSync(options.out, { recursive: true, mode: 0o700 });
        writeFileSync(privateKeyFile, `${JSON.stringify(pair.privateJwk)}\n`, { mode: 0o600 });
        chmodSync(privateKeyFile, 0o600);
        writeFileSync(publicKeyFile, `${JSON.stringify(pair.publicJwk)}\n`, { mode: 0o644 });
      } catch (error) {
        throw new InvalidInputError(`Cannot write keys to ${options.out}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const key = pair.publicKeyText;
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ principal: options.principal, key, privateKeyFile, publicKeyFile })}\n`
          : `${key}\n`,
      );
    });
}
