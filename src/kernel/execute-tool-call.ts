import type { AuditEventData } from '../audit/audit-event.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { sha256Hex } from '../core/hash.ts';
import { HeedError } from '../core/heed-error.ts';
import { jsonValueProblem } from '../core/well-formed.ts';
import { detectProcessContainment } from './isolation/process-containment.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { nextCallId, turnSignal } from './kernel-runtime.ts';
import type { ModelToolCall } from './next-step.ts';
import { actionHash } from './policy/action-hash.ts';
import { decideToolCall } from './policy/decide-tool-call.ts';
import { judgeMemoryWrite, type MemoryWriteJudgement, textOf } from './policy/judge-memory-write.ts';
import type { ContextEntry } from './run-state.ts';
import { screenUntrusted } from './screen-untrusted.ts';
import { type ActionAssessment, type Tool, toolExecution } from './tool.ts';
import { errorText, runTrackedCall } from './tracked-call.ts';
import { truncateText } from './truncate-text.ts';

export type ToolResultEntry = Extract<ContextEntry, { kind: 'tool-result' }>;

export type ToolCallResolution =
  | { type: 'result'; entry: ToolResultEntry }
  | { type: 'check'; tool: string; input: Record<string, unknown>; action: string }
  | { type: 'interrupted' };

const auditedInputLimit = 4096;

/** The input as the audit log keeps it: whole when small, else its hash and size. */
export function auditedInput(input: unknown): Record<string, unknown> {
  const text = canonicalJson(input);
  return text.length <= auditedInputLimit ? { input } : { inputHash: sha256Hex(text), inputCharacters: text.length };
}

export function toolResult(call: ModelToolCall, outcome: ToolResultEntry['outcome'], text: string): ToolResultEntry {
  return { kind: 'tool-result', toolCallId: call.id, tool: call.name, outcome, text, flagged: false };
}

function reject(runtime: KernelRuntime, call: ModelToolCall, reason: string, detail: string): ToolCallResolution {
  runtime.recorder.note('tool-call-rejected', { call: call.id, tool: call.name, reason, detail });
  return { type: 'result', entry: toolResult(call, 'rejected', `Tool call rejected (${reason}): ${detail}`) };
}

/** `refused`: a built-in tool declined a call that touches the control plane or leaves the workspace. */
function failureOutcome(error: unknown, aborted: boolean): 'aborted' | 'refused' | 'error' {
  if (aborted) return 'aborted';
  return error instanceof HeedError && error.code === 'tool-refused' ? 'refused' : 'error';
}

/** Parses and validates one call the model asked for; bad calls are reported to the model and never run. */
export function parseToolCall(
  runtime: KernelRuntime,
  call: ModelToolCall,
): { ok: true; input: Record<string, unknown> } | { ok: false; resolution: ToolCallResolution } {
  const tool = runtime.tools.get(call.name);
  if (!tool) {
    const known = [...runtime.tools.keys()].join(', ') || '(none)';
    return {
      ok: false,
      resolution: reject(runtime, call, 'unknown-tool', `there is no tool '${call.name}'; known tools: ${known}`),
    };
  }
  let input: unknown;
  try {
    input = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (error) {
    return {
      ok: false,
      resolution: reject(runtime, call, 'malformed-arguments', `arguments are not valid JSON (${errorText(error)})`),
    };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      resolution: reject(runtime, call, 'malformed-arguments', 'arguments must be a JSON object'),
    };
  }
  // Hashing the action and recording the call need canonical JSON, which a lone surrogate or deep nesting would break.
  const problem = jsonValueProblem(input, 'arguments');
  if (problem !== undefined) {
    return { ok: false, resolution: reject(runtime, call, 'malformed-arguments', problem) };
  }
  const validation = runtime.validateInput(tool, input);
  if (!validation.valid) {
    return { ok: false, resolution: reject(runtime, call, 'invalid-arguments', validation.message) };
  }
  return { ok: true, input: validation.input };
}

/**
 * Resolves one tool call: parse, validate, decide by policy (unless a principal already approved this exact
 * action), then run it with the run's signal. A `check` decision returns without running anything.
 */
export async function executeToolCall(
  runtime: KernelRuntime,
  call: ModelToolCall,
  options: { approvedAction: string | null },
): Promise<ToolCallResolution> {
  const parsed = parseToolCall(runtime, call);
  if (!parsed.ok) return parsed.resolution;
  const tool = runtime.tools.get(call.name)!;
  if (runtime.awaitingSettlement !== null) {
    const orders = runtime.awaitingSettlement.orders.join(', ');
    runtime.recorder.note('policy-decision', {
      call: call.id,
      tool: tool.name,
      impact: tool.impact,
      decision: 'deny',
      reason: `conflicting tasks (${orders}) await settlement`,
    });
    return {
      type: 'result',
      entry: toolResult(
        call,
        'denied',
        `Not run: your principals' conflicting tasks (${orders}) await settlement; no task is current.`,
      ),
    };
  }
  const action = actionHash(tool.name, parsed.input);
  const assessment = await assessToolCall(tool, parsed.input);
  if (runtime.halt) return { type: 'interrupted' };
  if (options.approvedAction !== action) {
    const untrustedValues = runtime.taint.untrustedValues(assessment.targets ?? [], assessment.payloads ?? []);
    const memory = writesMemory(tool, assessment) ? await judgeMemory(runtime, textOf(parsed.input)) : undefined;
    if (runtime.halt) return { type: 'interrupted' };
    const policy = decideToolCall(runtime.authority.charter(), tool, {
      assessment,
      untrustedValues,
      ...(memory ? { memory } : {}),
    });
    runtime.recorder.note('policy-decision', {
      call: call.id,
      tool: tool.name,
      impact: tool.impact,
      impacts: policy.impacts,
      action,
      decision: policy.decision,
      reason: policy.reason,
      ...(assessment.effects ? { effects: assessment.effects } : {}),
      ...(assessment.unclassified?.length ? { unclassified: assessment.unclassified } : {}),
      ...(untrustedValues.length > 0 ? { untrustedValues } : {}),
    });
    if (policy.memory !== undefined) {
      // The drift report: every memory write, how it reads with the notes before it, and what the gate decided.
      runtime.recorder.note('memory-write', {
        call: call.id,
        tool: tool.name,
        action,
        reinterpretsGoal: policy.memory.reinterpretsGoal,
        score: policy.memory.score,
        reasons: policy.memory.reasons,
        chain: policy.memory.chain,
        decision: policy.decision,
      });
    }
    if (policy.decision === 'deny') {
      return {
        type: 'result',
        entry: toolResult(call, 'denied', `Denied by policy: ${policy.reason}. The action was not run.`),
      };
    }
    if (policy.decision === 'check') return { type: 'check', tool: tool.name, input: parsed.input, action };
  }
  const signal = turnSignal(runtime);
  const outcome = await runTrackedCall(runtime, {
    id: nextCallId(runtime, 'tool'),
    kind: 'tool',
    name: tool.name,
    signal,
    isolated: toolExecution(tool) !== 'in-process',
    startData: {
      toolCall: call.id,
      tool: tool.name,
      impact: tool.impact,
      impacts: assessment.impacts ?? [tool.impact],
      action,
      ...executionRecord(tool),
      ...auditedInput(parsed.input),
    },
    start: (inFlight) => {
      runtime.state.toolCalls += 1;
      return tool.run(parsed.input, {
        signal,
        graceMs: runtime.graceMs,
        registerProcessGroup: (pgid) => {
          // Only a real group of the tool's own: never 0 or 1 (every process) nor heed's own group.
          if (Number.isInteger(pgid) && pgid > 1 && pgid !== process.pid) inFlight.processGroups.push(pgid);
        },
      });
    },
    endData: (settled, aborted) =>
      settled.status === 'fulfilled'
        ? {
            name: tool.name,
            outcome: 'ok',
            characters: typeof settled.value === 'string' ? settled.value.length : null,
          }
        : { name: tool.name, outcome: failureOutcome(settled.error, aborted), error: errorText(settled.error) },
  });
  if (outcome.status === 'interrupted') return { type: 'interrupted' };
  if (outcome.status === 'fulfilled' && writesMemory(tool, assessment)) runtime.memoryNotes.push(textOf(parsed.input));
  if (outcome.status === 'rejected') {
    const refused = failureOutcome(outcome.error, false) === 'refused';
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return {
      type: 'result',
      entry: toolResult(call, refused ? 'denied' : 'error', refused ? message : `Tool error: ${message}`),
    };
  }
  if (typeof outcome.value !== 'string') {
    return { type: 'result', entry: toolResult(call, 'error', 'Tool error: the tool returned no text.') };
  }
  const truncated = truncateText(outcome.value);
  const screened = await screenToolResult(runtime, call, truncated.text, assessment, signal);
  return { type: 'result', entry: { ...toolResult(call, 'ok', screened.text), flagged: screened.flagged } };
}

/**
 * Where the call runs, for the audit log: in heed's thread, a worker, or a process and how that process is
 * contained (a PID namespace, or where none can be made, its process group and the descendants found in /proc).
 */
function executionRecord(
  tool: Tool,
): Partial<Pick<AuditEventData<'tool-call-start'>, 'execution' | 'containment' | 'containmentReason'>> {
  const execution = toolExecution(tool);
  if (execution !== 'process') return { execution };
  const containment = detectProcessContainment();
  return containment.kind === 'pid-namespace'
    ? { execution, containment: containment.kind }
    : { execution, containment: containment.kind, containmentReason: containment.reason };
}

/** Judges a memory note with the run's task and notes; screening runs where the kernel screens everything else. */
async function judgeMemory(runtime: KernelRuntime, note: string): Promise<MemoryWriteJudgement> {
  let screening: { flagged: boolean; score: number } | undefined;
  if (runtime.screener) {
    try {
      const verdict = await runtime.screener.screen(note, {
        provenance: 'document',
        principals: runtime.authority.charter().principals.map((principal) => principal.id),
        signal: runtime.runController.signal,
      });
      screening = { flagged: verdict.verdict === 'flag', score: verdict.score };
    } catch {
      // Fail closed: a note screening could not read is held.
      screening = { flagged: true, score: 1 };
    }
  }
  return judgeMemoryWrite(note, {
    task: runtime.state.task?.text ?? '',
    earlier: runtime.memoryNotes,
    ...(screening ? { screening } : {}),
  });
}

/** A memory tool, or a call that writes to memory: its note is judged for drift. */
function writesMemory(tool: Tool, assessment: ActionAssessment): boolean {
  return tool.impact === 'memory' || (assessment.impacts?.includes('memory') ?? false);
}

/** A tool may judge its own calls; one that fails to is unclassified, never trusted. */
async function assessToolCall(tool: Tool, input: Record<string, unknown>): Promise<ActionAssessment> {
  if (!tool.assess) return {};
  try {
    return await tool.assess(input);
  } catch (error) {
    return { unclassified: [`the tool could not judge this call: ${errorText(error)}`] };
  }
}

/**
 * A result that reads a tainted source is withheld unscreened; otherwise it is screened, and flagged content
 * taints what the call read and wrote. Either way its values are noted as untrusted.
 */
async function screenToolResult(
  runtime: KernelRuntime,
  call: ModelToolCall,
  text: string,
  assessment: ActionAssessment,
  signal: AbortSignal,
): Promise<{ text: string; flagged: boolean }> {
  const reads = assessment.reads ?? [];
  const writes = assessment.writes ?? [];
  runtime.taint.noteUntrusted(text, `the result of ${call.name}${reads.length > 0 ? ` (${reads.join(', ')})` : ''}`);
  const tainted = runtime.taint.taintedReads(reads);
  if (tainted.length > 0) {
    runtime.taint.taint(writes, `written by a call that read ${tainted[0]!.tainted}`);
    runtime.recorder.note('screening-verdict', {
      source: call.id,
      provenance: 'tool',
      verdict: runtime.authority.charter().screening.onFlag === 'warn' ? 'flag' : 'withheld',
      reasons: tainted.map((found) => `reads ${found.read}, tainted: ${found.reason}`),
    });
    // As the charter says for flagged content: withheld, or shown under the warning.
    if (runtime.authority.charter().screening.onFlag === 'warn') return { text, flagged: true };
    const names = [...new Set(tainted.map((found) => found.tainted))].join(', ');
    return { text: `[withheld: this reads ${names}, which held content screening flagged]`, flagged: true };
  }
  const screened = await screenUntrusted(runtime, text, { provenance: 'tool', source: call.id, signal });
  if (screened.flagged) runtime.taint.taint([...reads, ...writes], `screening flagged the result of ${call.name}`);
  return screened;
}
