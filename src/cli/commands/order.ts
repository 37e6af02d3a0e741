import type { Command } from 'commander';
import { advanceAuthority } from '../../authority/advance-authority.ts';
import { type Envelope, maxEnvelopeBytes } from '../../authority/envelope.ts';
import {
  loadEnvelopeFile,
  loadPrivateKeyFile,
  principalOfKeyFile,
  writeFileAtomically,
} from '../../authority/order-files.ts';
import { checkCharterAgreement, replayAuthority } from '../../authority/restore-authority.ts';
import { cosignEnvelope, createEnvelope, signEnvelope } from '../../authority/sign-envelope.ts';
import { defaultStatePath } from '../../authority/store/authority-store.ts';
import { openSqliteAuthorityStore } from '../../authority/store/sqlite-authority-store.ts';
import { verifyEnvelope } from '../../authority/verify-envelope.ts';
import { type Charter, type OrderKind, orderKinds } from '../../charter/charter-schema.ts';
import { loadCharterFile } from '../../charter/load-charter.ts';
import { parseDuration } from '../../core/duration.ts';
import { InvalidInputError, UnknownNameError } from '../../core/heed-error.ts';
import { exitCodes } from '../exit-codes.ts';
import { parseTime } from '../parse-time.ts';
import { paintVerdict } from '../style.ts';

export function registerOrderCommand(program: Command): void {
  const order = program.command('order').description('sign, co-sign and verify orders (signed envelopes)');
  order
    .command('sign')
    .description('sign an order and print its envelope (JSON)')
    .requiredOption('--key <file>', 'the private key file (NAME.key.jwk)')
    .option('--principal <id>', "the signer's principal id (default: the key file's name before .key.jwk)")
    .requiredOption('--agent <id>', 'the agent the order is for')
    .requiredOption('--kind <kind>', `the order kind: ${orderKinds.join(', ')}`)
    .option('--body <json>', 'the order\'s body as JSON, e.g. \'{"text":"..."}\'', '{}')
    .option('--ttl <duration>', 'how long the order stays valid', '10m')
    .option('--at <iso>', 'the issue time (default: now)')
    .option('--id <id>', 'the envelope id (default: a fresh UUID)')
    .option('--out <file>', 'write the envelope to this file instead of printing it')
    .action(
      (options: {
        key: string;
        principal?: string;
        agent: string;
        kind: string;
        body: string;
        ttl: string;
        at?: string;
        id?: string;
        out?: string;
      }) => {
        if (!(orderKinds as readonly string[]).includes(options.kind)) {
          throw new UnknownNameError('order kind', options.kind, orderKinds);
        }
        const privateKey = loadPrivateKeyFile(options.key);
        const principal = signerName(options.key, options.principal);
        const unsigned = createEnvelope({
          agent: options.agent,
          kind: options.kind as OrderKind,
          body: parseJsonOption(options.body, '--body'),
          ttlMs: parseDuration(options.ttl, '--ttl'),
          now: options.at === undefined ? Date.now() : parseTime(options.at, '--at'),
          ...(options.id === undefined ? {} : { id: options.id }),
        });
        output(signEnvelope(unsigned, { principal, privateKey }), options.out);
      },
    );
  order
    .command('cosign')
    .description(
      'add your signature to an envelope toward a quorum: a file (printed, or rewritten with --in-place), or with --server a pending order on the control plane (fetched, signed here, posted)',
    )
    .argument('<envelope>', 'the envelope file; with --server, the pending order id (heed order pending)')
    .requiredOption('--key <file>', 'the private key file (NAME.key.jwk)')
    .option('--principal <id>', "the co-signer's principal id (default: from the key file's name)")
    .option('--in-place', 'rewrite the envelope file instead of printing')
    .option('--server <url>', 'co-sign a pending order on this control plane (heed serve)')
    .option('--json', 'with --server: print the answer as JSON')
    .action(
      async (
        target: string,
        options: { key: string; principal?: string; inPlace?: boolean; server?: string; json?: boolean },
      ) => {
        if (options.server !== undefined) {
          if (options.inPlace) throw new InvalidInputError('--in-place is for envelope files, not with --server.');
          const { cosignPendingOrder } = await import('./order-pending.ts');
          await cosignPendingOrder(target, {
            server: options.server,
            key: options.key,
            ...(options.principal === undefined ? {} : { principal: options.principal }),
            ...(options.json === undefined ? {} : { json: options.json }),
          });
          return;
        }
        const envelope = loadEnvelopeFile(target);
        const privateKey = loadPrivateKeyFile(options.key);
        const principal = signerName(options.key, options.principal);
        output(cosignEnvelope(envelope, { principal, privateKey }), options.inPlace ? target : undefined);
      },
    );
  order
    .command('verify')
    .description(
      'verify envelopes against a charter, as the agent holds it in the state store (after revocations, rotations and charter orders): prints accepted or rejected: <reason> per envelope',
    )
    .argument('<envelopes...>', 'envelope files')
    .requiredOption('--charter <file>', 'the charter (YAML or JSON)')
    .option('--state <db>', 'the state store that remembers accepted ids (replay protection)', defaultStatePath)
    .option('--at <iso>', 'verify as of this time (default: now)')
    .option('--json', 'print {"id","accepted","reason","detail"} per line')
    .action((files: string[], options: { charter: string; state: string; at?: string; json?: boolean }) => {
      // Read and check everything before opening the store, so bad input leaves the store untouched.
      const charter = loadCharterFile(options.charter);
      const now = options.at === undefined ? Date.now() : parseTime(options.at, '--at');
      const envelopes = files.map((file) => loadEnvelopeFile(file));
      const store = openSqliteAuthorityStore(options.state);
      let allAccepted = true;
      try {
        const current = heldCharter(store, charter, now);
        envelopes.forEach((envelope, index) => {
          const verification = verifyEnvelope(envelope, { charter: current, now, isSeen: (id) => store.has(id) });
          if (verification.accepted) store.add(envelope.id, now);
          else allAccepted = false;
          const reason = verification.accepted ? null : verification.reason;
          const detail = verification.accepted ? null : verification.detail;
          const prefix = files.length > 1 ? `${files[index]}: ` : '';
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ id: envelope.id, accepted: verification.accepted, reason, detail })}\n`
              : `${prefix}${reason === null ? paintVerdict(true, 'accepted') : `${paintVerdict(false, 'rejected')}: ${reason} (${detail})`}\n`,
          );
        });
      } finally {
        store.close();
      }
      if (!allAccepted) process.exitCode = exitCodes.failure;
    });
}

/**
 * The charter the agent holds as of `now`: restored from its journal when it has run against this store, so a
 * revoked or rotated-away key is refused here as it would be by the agent. Reading only: verify records seen ids.
 */
function heldCharter(store: ReturnType<typeof openSqliteAuthorityStore>, charter: Charter, now: number): Charter {
  const stored = store.load(charter.agent);
  if (stored === undefined) return charter;
  const state = replayAuthority(stored);
  checkCharterAgreement(charter, stored, state);
  return advanceAuthority(state, now).state.charter;
}

function signerName(keyFile: string, principal: string | undefined): string {
  const name = principal ?? principalOfKeyFile(keyFile);
  if (name === undefined) {
    throw new InvalidInputError(`Cannot tell the principal from key file ${keyFile}; pass --principal.`);
  }
  return name;
}

function output(envelope: Envelope, file: string | undefined): void {
  const text = `${JSON.stringify(envelope, null, 2)}\n`;
  if (file === undefined) process.stdout.write(text);
  else writeFileAtomically(file, text);
}

function parseJsonOption(text: string, what: string): unknown {
  if (Buffer.byteLength(text) > maxEnvelopeBytes) {
    throw new InvalidInputError(`${what} is longer than ${maxEnvelopeBytes} bytes.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
