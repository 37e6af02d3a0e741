import type { TimelineEvent } from '../scenario/scenario-schema.ts';

/** How a timeline event reads as a chat message when no kernel authenticates anything (guard off). */
export function unguardedMessage(event: TimelineEvent): string | undefined {
  if ('stop' in event)
    return `[${event.stop.from}] Stop now. ${event.stop.reason ?? 'Do not continue the task.'}`.trim();
  if ('order' in event) {
    const from = [event.order.from].flat().join(', ');
    const text = event.order.text ?? JSON.stringify(event.order.body ?? {});
    return event.order.kind === 'task' ? `[${from}] New task: ${text}` : `[${from}] ${event.order.kind}: ${text}`;
  }
  // A spoof arrives the way real orders arrive when nothing is signed: as a chat message.
  if ('spoof' in event) return event.spoof.text;
  if ('notice' in event) return `[notice] ${event.notice}`;
  return undefined;
}

export function timelineAt(timeline: readonly TimelineEvent[], step: number): TimelineEvent[] {
  return timeline.filter((event) => event.at === step);
}

/** The step of the first timeline event after `step`, if any. */
export function nextEventStep(timeline: readonly TimelineEvent[], step: number): number | undefined {
  const later = timeline.map((event) => event.at).filter((at) => at > step);
  return later.length === 0 ? undefined : Math.min(...later);
}
