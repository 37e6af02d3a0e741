// heed's library API: the pieces a program composes to run an agent under a charter, verify orders and
// audit logs, screen inputs, and run the lab and the evals. The CLI (`src/cli`) is built on the same pieces.

export type { AuditEntry, AuditStore } from './audit/audit-event.ts';
export { openMemoryAuditStore } from './audit/memory/memory-audit-store.ts';
export { openPostgresAuditStore } from './audit/postgres/postgres-audit-store.ts';
export { openSqliteAuditStore } from './audit/sqlite/sqlite-audit-store.ts';
export { verifySqliteAuditLog } from './audit/sqlite/verify-sqlite-audit-log.ts';
export { verifyAuditChain } from './audit/verify-audit-chain.ts';
export { type Authority, createAuthority } from './authority/create-authority.ts';

export type { Envelope } from './authority/envelope.ts';
export { cosignEnvelope, createEnvelope, signEnvelope } from './authority/sign-envelope.ts';
export type { AuthorityStore } from './authority/store/authority-store.ts';
export { createMemoryAuthorityStore } from './authority/store/memory-authority-store.ts';
export { openSqliteAuthorityStore } from './authority/store/sqlite-authority-store.ts';
export { verifyEnvelope } from './authority/verify-envelope.ts';
export type { Charter, ImpactClass, OrderKind, Principal } from './charter/charter-schema.ts';
export { loadCharterFile, loadCharterText, parseCharter } from './charter/load-charter.ts';
export { renderCharterInstructions } from './charter/render-charter.ts';
export { type TargetProfileName, targetProfileNames } from './charter/target-profile-names.ts';
export { type Clock, ManualClock, systemClock } from './core/clock.ts';
export { generateKeyPair, parsePrivateJwk, parsePublicKey } from './core/ed25519.ts';
export { HeedError, InvalidInputError, UnknownNameError } from './core/heed-error.ts';
export { renderEvalReport } from './evals/report/render-eval-report.ts';
export { summarize } from './evals/report/summarize.ts';
export { runGuarded } from './evals/runner/run-guarded.ts';
export { readSamples, runEvalMatrix } from './evals/runner/run-matrix.ts';
export { runUnguarded } from './evals/runner/run-unguarded.ts';
export { loadSuite } from './evals/scenario/load-suite.ts';
export { createControlApp } from './kernel/control/control-app.ts';
export { createKernel, type Kernel, type KernelOptions } from './kernel/create-kernel.ts';
export type { NextStep } from './kernel/next-step.ts';
export type { Tool } from './kernel/tool.ts';
export { ControlPlaneGuard } from './kernel/tools/control-plane-guard.ts';
export { controlPlanePaths } from './kernel/tools/control-plane-paths.ts';
export { createBuiltinTools } from './kernel/tools/create-builtin-tools.ts';
export { experiments as labExperiments } from './lab/experiments/index.ts';
export { writeLabReport } from './lab/report/write-lab-report.ts';
export { runLab } from './lab/run-lab.ts';
export { startFakeModelServer } from './providers/fake-model/fake-model-server.ts';
export { createProviderFromSpec, parseModelSpec } from './providers/model-spec.ts';
export { createOpenAiCompatibleProvider } from './providers/openai/openai-compatible-provider.ts';
export type { ChatMessage, Provider, ToolSpec } from './providers/provider.ts';
export { createScriptedProvider } from './providers/scripted/scripted-provider.ts';
export { markUntrusted } from './screening/mark-untrusted.ts';
export { createScreener, type Screener, type ScreeningVerdict } from './screening/screener.ts';
