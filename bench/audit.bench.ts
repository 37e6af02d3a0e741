// audit.append_per_s (batched, chained, sqlite) against an unbatched baseline, and audit.verify_1m_s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventInput, AuditStore } from '../src/audit/audit-event.ts';
import { openSqliteAuditStore } from '../src/audit/sqlite/sqlite-audit-store.ts';
import { verifySqliteAuditLog } from '../src/audit/sqlite/verify-sqlite-audit-log.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import type { Bench } from './run.ts';

const signingKey = generateKeyPair().privateKey;

// An event the kernel writes, fitting its schema, of about the size the earlier bench event had.
function event(index: number): AuditEventInput {
  return {
    agent: 'bench-agent',
    type: 'tool-call-end',
    data: { call: `tool-${index}`, name: 'shell', outcome: 'ok', characters: index },
  };
}

/** Appends `count` events, `concurrency` at a time (one transaction per tick), and returns wall and CPU seconds. */
async function appendMany(store: AuditStore, count: number, concurrency: number) {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  for (let done = 0; done < count; done += concurrency) {
    if (concurrency === 1) {
      await store.append(event(done));
      continue;
    }
    const batch: Promise<unknown>[] = [];
    for (let index = 0; index < concurrency; index++) batch.push(store.append(event(done + index)));
    await Promise.all(batch);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - wallStart) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

const bench: Bench = async (report) => {
  const folder = mkdtempSync(join(tmpdir(), 'heed-audit-bench-'));
  try {
    const appendPath = join(folder, 'append.db');
    const store = openSqliteAuditStore({ path: appendPath, agent: 'bench-agent', signingKey });
    await appendMany(store, 20_000, 1000); // warm-up
    const batched = await appendMany(store, 300_000, 1000);
    const unbatched = await appendMany(store, 20_000, 1);
    await store.close();
    report({
      name: 'audit.append_per_s',
      value: Math.round(300_000 / batched.wall),
      unit: 'appends/s',
      perCpuSecond: Math.round(300_000 / batched.cpu),
      batch: 1000,
      synchronous: 'normal',
      checkpointEvery: 1000,
      target: 100_000,
    });
    report({
      name: 'audit.append_unbatched_per_s',
      value: Math.round(20_000 / unbatched.wall),
      unit: 'appends/s',
      perCpuSecond: Math.round(20_000 / unbatched.cpu),
      batch: 1,
      baselineFor: 'audit.append_per_s',
    });

    const verifyPath = join(folder, 'verify.db');
    const filled = openSqliteAuditStore({ path: verifyPath, agent: 'bench-agent', signingKey });
    await appendMany(filled, 1_000_000, 1000);
    await filled.close();
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const verdict = verifySqliteAuditLog(verifyPath, { chainOnly: true });
    const cpu = process.cpuUsage(cpuStart);
    const wall = (performance.now() - wallStart) / 1000;
    if (!verdict.ok || verdict.entries < 1_000_000) throw new Error(`verify failed: ${JSON.stringify(verdict)}`);
    report({
      name: 'audit.verify_1m_s',
      value: Number(wall.toFixed(3)),
      unit: 's',
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
      entries: verdict.entries,
      target: 5,
    });
    // What `heed audit verify` adds: every event parsed and checked against its type's schema.
    const eventsStart = performance.now();
    const checked = verifySqliteAuditLog(verifyPath, { chainOnly: true, checkEvents: true });
    if (!checked.ok) throw new Error(`verify failed: ${JSON.stringify(checked)}`);
    report({
      name: 'audit.verify_1m_with_event_check_s',
      value: Number(((performance.now() - eventsStart) / 1000).toFixed(3)),
      unit: 's',
      baselineFor: 'audit.verify_1m_s',
    });
    const fullStart = performance.now();
    const full = verifySqliteAuditLog(verifyPath);
    if (!full.ok) throw new Error(`verify failed: ${JSON.stringify(full)}`);
    report({
      name: 'audit.verify_1m_with_integrity_check_s',
      value: Number(((performance.now() - fullStart) / 1000).toFixed(3)),
      unit: 's',
      baselineFor: 'audit.verify_1m_s',
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
