// Appends to an audit log until killed, printing the last committed seq after every batch (for the crash test).
import { openSqliteAuditStore } from '../../src/audit/sqlite/sqlite-audit-store.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: append-audit-until-killed.ts DB');
const store = openSqliteAuditStore({
  path,
  agent: 'crash-agent',
  signingKey: generateKeyPair().privateKey,
  checkpointEvery: 50,
});
for (let batch = 0; ; batch++) {
  const appended = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      store.append({
        agent: 'crash-agent',
        type: 'tool-call-end',
        data: { batch, index, output: 'x'.repeat(index * 40) },
      }),
    ),
  );
  process.stdout.write(`${appended.at(-1)!.seq}\n`);
}
