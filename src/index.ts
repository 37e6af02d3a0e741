// heed's library API: the pieces a program composes to run an agent under a charter, verify orders and
// audit logs, and screen inputs. The lab is `heed/lab`, the evals `heed/evals`; the CLI (`src/cli`) is built
// on the same pieces.

export type { AnchorRecord, AuditAnchor } from './audit/anchor/audit-anchor.ts';
export { openFileAnchor } from './audit/anchor/file-anchor.ts';
export { readAnchorFile } from './audit/anchor/read-anchor-file.ts';
export { createWitnessAnchor } from './audit/anchor/witness-anchor.ts';
export type { AuditEntry, AuditEvent, AuditEventData, AuditEventType, AuditStore } from './audit/audit-event.ts';
export { auditEventDataSchemas } from './audit/events/audit-event-schemas.ts';
export { checkAuditEvent } from './audit/events/check-audit-event.ts';
export { openMemoryAuditStore } from './audit/memory/memory-audit-store.ts';
export { openPostgresAuditStore } from './audit/postgres/postgres-audit-store.ts';
export { verifyPostgresAuditLog } from './audit/postgres/verify-postgres-audit-log.ts';
export { openSqliteAuditStore } from './audit/sqlite/sqlite-audit-store.ts';
export { verifySqliteAuditLog } from './audit/sqlite/verify-sqlite-audit-log.ts';
export { verifyAuditChain } from './audit/verify-audit-chain.ts';
export { type Authority, createAuthority } from './authority/create-authority.ts';

export type { Envelope } from './authority/envelope.ts';
export { cosignEnvelope, createEnvelope, signEnvelope, signOrder } from './authority/sign-envelope.ts';
export type { AuthorityStore } from './authority/store/authority-store.ts';
export { createMemoryAuthorityStore } from './authority/store/memory-authority-store.ts';
export { openSqliteAuthorityStore } from './authority/store/sqlite-authority-store.ts';
export { verifyEnvelope } from './authority/verify-envelope.ts';
export type { Charter, CharterInput, ImpactClass, OrderKind, Principal } from './charter/charter-schema.ts';
export { loadCharterFile, loadCharterText, parseCharter } from './charter/load-charter.ts';
export { renderCharterInstructions } from './charter/render-charter.ts';
export { type TargetProfileName, targetProfileNames } from './charter/target-profile-names.ts';
export { type Clock, ManualClock, systemClock } from './core/clock.ts';
export { generateKeyPair, parsePrivateJwk, parsePublicKey } from './core/ed25519.ts';
export { HeedError, InvalidInputError, UnknownNameError, UnreachableError } from './core/heed-error.ts';
export { MissingPackageError } from './core/import-optional.ts';
export { createControlApp } from './kernel/control/control-app.ts';
export { type Agent, type CreateAgentOptions, createAgent } from './kernel/create-agent.ts';
export { createKernel, type Kernel, type KernelOptions } from './kernel/create-kernel.ts';
export { type IsolatedToolSpec, type IsolationMode, isolatedTool } from './kernel/isolation/isolated-tool.ts';
export { detectProcessContainment, type ProcessContainment } from './kernel/isolation/process-containment.ts';
export type { NextStep } from './kernel/next-step.ts';
export { decideToolCall } from './kernel/policy/decide-tool-call.ts';
export { type RunState, runStateSchema } from './kernel/run-state.ts';
export type { Tool, ToolExecution, ToolRunContext } from './kernel/tool.ts';
export { ControlPlaneGuard } from './kernel/tools/control-plane-guard.ts';
export { controlPlanePaths } from './kernel/tools/control-plane-paths.ts';
export { createBuiltinTools } from './kernel/tools/create-builtin-tools.ts';
export { validateToolInput } from './kernel/tools/validate-tool-input.ts';
export { createAnthropicProvider } from './providers/anthropic/anthropic-provider.ts';
export { startFakeModelServer } from './providers/fake-model/fake-model-server.ts';
export type { ModelCallRetry, RetryOptions } from './providers/http/retry-model-call.ts';
export { createProviderFromSpec, parseModelSpec } from './providers/model-spec.ts';
export { createOpenAiCompatibleProvider } from './providers/openai/openai-compatible-provider.ts';
export { parseToolArguments } from './providers/parse-tool-arguments.ts';
export type {
  ChatMessage,
  GenerationSettings,
  Provider,
  StepResult,
  ToolCall,
  ToolSpec,
} from './providers/provider.ts';
export {
  ProviderConnectionError,
  ProviderHttpError,
  ProviderResponseError,
  ProviderTimeoutError,
} from './providers/provider-errors.ts';
export { createScriptedProvider } from './providers/scripted/scripted-provider.ts';
export { createHttpClassifierJudge } from './screening/judges/http-classifier-judge.ts';
export { JudgeError } from './screening/judges/judge-error.ts';
export { createLlmJudge, llmJudgeRubric } from './screening/judges/llm-judge.ts';
export { createUntrustedMarker, markUntrusted, untrustedContentInstructions } from './screening/mark-untrusted.ts';
export { createScreener, type Screener, type ScreeningVerdict } from './screening/screener.ts';
