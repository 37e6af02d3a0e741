import type { AuditEntry } from '../../audit/audit-event.ts';
import type { Charter, OrderKind } from '../../charter/charter-schema.ts';
import { renderCharterInstructions } from '../../charter/render-charter.ts';
import { ManualClock } from '../../core/clock.ts';
import { parseDuration } from '../../core/duration.ts';
import { HeedError } from '../../core/heed-error.ts';
import { createAgent } from '../../kernel/create-agent.ts';
import type { NextStep } from '../../kernel/next-step.ts';
import { createScreener, type Screener } from '../../screening/screener.ts';
import type { SampleRunInput, SampleRunOutput } from './agent-loop-types.ts';
import { principalAnswer } from './principal-answer.ts';
import { signScenarioOrder, timelineOrderBody } from './scenario-order.ts';
import { nextEventStep, timelineAt } from './timeline-messages.ts';
import { traceFromAudit } from './trace-from-audit.ts';

// Each model turn is one minute of scenario time: leases, checks and succession periods are measured in it.
const stepMilliseconds = 60_000;

// A screener holds no state between inputs: the samples of one charter share one.
const screeners = new WeakMap<Charter, Screener>();
function screenerFor(charter: Charter): Screener {
  let screener = screeners.get(charter);
  if (screener === undefined) {
    screener = createScreener({ thresholds: charter.screening.thresholds });
    screeners.set(charter, screener);
  }
  return screener;
}

/** A sample whose model (or kernel) failed: it is recorded as an error, never scored. */
export class SampleRunError extends HeedError {
  constructor(message: string) {
    super('sample-failed', message);
  }
}

/** Why the run cannot be scored: a model call that failed, or a halt on an error. */
function failureOf(audit: readonly AuditEntry[]): string | undefined {
  for (const entry of audit) {
    if (entry.type === 'model-call-end' && entry.data.outcome === 'error')
      return `a model call failed: ${String(entry.data.error)}`;
    if (entry.type === 'halt' && (entry.data.reason === 'error' || entry.data.reason === 'audit-failure'))
      return `the kernel halted on an error: ${String(entry.data.detail)}`;
  }
  return undefined;
}

/**
 * Guard on: the same scenario under heed's kernel. Orders are signed envelopes verified by the authority;
 * spoofs are unsigned text and reach the kernel only as that (it rejects them); notices are documents
 * (data, never orders); tool results and documents are screened; tools pass the policy gate; the
 * environment's control-plane files are enforced. Each step's timeline is delivered at the turn boundary
 * before that step's model call, so the model sees it in that turn.
 */
export async function runGuarded(input: SampleRunInput): Promise<SampleRunOutput> {
  const { scenario, variant, charter, keys, environment, provider, signal } = input;
  const clock = new ManualClock();
  const audit: AuditEntry[] = [];
  const instructions = [renderCharterInstructions(charter), variant.system].filter(Boolean).join('\n\n');
  const taskFrom = scenario.taskFrom ?? scenario.charter.principals[0]!.id;
  const silent = new Set<string>();
  /** The step of each order and spoof delivered, in delivery order: the trace places the kernel's decisions there. */
  const deliverySteps: number[] = [];
  /** The step the next model turn is at, and the last step whose timeline was delivered. */
  let step = 0;
  let deliveredThrough = -1;
  let clockStep = 0;
  const advanceTo = (target: number) => {
    if (target > clockStep) clock.advance(stepMilliseconds * (target - clockStep));
    clockStep = Math.max(clockStep, target);
  };
  /** The scenario step of each model turn, in order: the trace is told in scenario steps. */
  const turnSteps: number[] = [];

  const sign = (from: string | string[], kind: OrderKind, body: Record<string, unknown>) =>
    signScenarioOrder(charter, keys, { from, kind, body, now: clock.now() });

  // In memory: no state folder, so the authority and audit log live and die with the sample.
  const kernel = await createAgent({
    charter,
    instructions,
    provider,
    tools: environment.tools,
    clock,
    // The environment's tools are in memory: there are no process groups to kill.
    killProcessGroup: async (pgid) => ({ pgid, wasRunning: false, gone: true }),
    screening: screenerFor(charter),
    maxSteps: scenario.steps * 2,
    beforeTurn: async () => {
      const current = step++;
      turnSteps.push(current);
      advanceTo(current);
      if (current >= scenario.steps) {
        void kernel.halt('cancelled', `the scenario's step limit (${scenario.steps}) was reached`);
        return;
      }
      await deliverStep(current);
    },
  });
  kernel.onEvent((entry) => {
    audit.push(entry);
    // The environment itself can end the episode: ./shutdown.sh ran.
    if (entry.type === 'tool-call-end' && environment.ended())
      void kernel.halt('cancelled', 'the environment shut down');
  });

  async function deliverStep(current: number): Promise<void> {
    if (current <= deliveredThrough) return;
    deliveredThrough = current;
    environment.setStep(current);
    if (charter.lease.ttl !== null && !silent.has(taskFrom)) kernel.deliver(sign(taskFrom, 'lease', {}));
    const documents: Promise<void>[] = [];
    for (const event of timelineAt(scenario.timeline, current)) {
      if ('stop' in event || 'order' in event || 'spoof' in event) deliverySteps.push(current);
      if ('stop' in event)
        kernel.deliver(sign(event.stop.from, 'stop', event.stop.reason ? { reason: event.stop.reason } : {}));
      else if ('order' in event)
        kernel.deliver(sign(event.order.from, event.order.kind, timelineOrderBody(event.order)));
      else if ('spoof' in event) kernel.deliver(event.spoof.text);
      else if ('notice' in event)
        documents.push(kernel.addDocument({ source: 'environment notice', text: event.notice }));
      else if ('inject' in event) environment.injectIntoNextResult(event.inject.tool, event.inject.text);
      else if ('silence' in event) silent.add(event.silence);
    }
    await Promise.all(documents);
  }

  const task = [scenario.task, variant.user].filter(Boolean).join('\n\n');
  kernel.deliver(sign(taskFrom, 'task', { text: task }));

  const runOptions = signal ? { signal } : {};
  let next: NextStep = await kernel.run(runOptions);
  for (;;) {
    if (next.type === 'check') {
      const answer = await principalAnswer(scenario, { tool: next.tool, input: next.input }, environment.tools);
      if (answer === 'none') clock.advance(parseDuration(charter.policy.checkTimeout) + 1);
      else kernel.deliver(sign(taskFrom, answer, { action: next.action }));
    } else if (next.type === 'final') {
      // The model ended its turn: the timeline goes on from its next event, as a principal's next message would.
      const upcoming = nextEventStep(scenario.timeline, Math.max(step - 1, deliveredThrough));
      if (upcoming === undefined || upcoming >= scenario.steps || environment.ended()) break;
      advanceTo(upcoming);
      step = upcoming;
      await deliverStep(upcoming);
    } else break;
    next = await kernel.run(runOptions);
  }
  if (next.type !== 'halted') await kernel.halt('cancelled', 'the scenario ended');
  await kernel.close();
  signal?.throwIfAborted();
  const failure = failureOf(audit);
  if (failure !== undefined) throw new SampleRunError(failure);
  return {
    trace: traceFromAudit(audit, deliverySteps, turnSteps),
    transcript: kernel.state().context,
    audit,
  };
}
