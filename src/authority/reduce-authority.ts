import { type Charter, principalRank } from '../charter/charter-schema.ts';
import { parseDuration } from '../core/duration.ts';
import type { AuthorityChange, AuthorityEffect } from './authority-effect.ts';
import { type AuthorityState, type HeldTask, leaseStatusOf } from './authority-state.ts';
import { changeRoster } from './change-roster.ts';
import type { Envelope } from './envelope.ts';
import { type OrderBodies, orderBodySchemas } from './order-bodies.ts';
import { rosterIndex } from './roster-index.ts';
import type { AcceptedVerification } from './verify-envelope.ts';

// While stopped, only these kinds change anything: getting going again, keeping the lease, and governing the roster.
export const kindsHeededWhileStopped = new Set([
  'stop',
  'resume',
  'lease',
  'charter',
  'revoke',
  'rotate',
  'claim',
  'veto',
]);

export interface AuthorityReduction extends AuthorityChange {
  state: AuthorityState;
}

/**
 * The deterministic step from one authority state to the next for a verified order.
 * Every verified order first proves its signers present (silence clock, lease); then its kind decides the effect.
 */
export function reduceAuthority(
  state: AuthorityState,
  verified: AcceptedVerification,
  now: number,
): AuthorityReduction {
  const { envelope, signers } = verified;
  const heardAt = Math.min(Date.parse(envelope.issuedAt), now);
  const lastHeard = { ...state.lastHeard };
  for (const signer of signers) lastHeard[signer] = Math.max(lastHeard[signer] ?? heardAt, heardAt);
  const leaseSigners = rosterIndex(state.charter).rules.lease.eligible;
  const renews = signers.some((signer) => leaseSigners.has(signer));
  const heard: AuthorityState = {
    ...state,
    lastHeard,
    leaseRenewedAt: renews ? Math.max(state.leaseRenewedAt, heardAt) : state.leaseRenewedAt,
  };
  const by = signers.map((signer) => `'${signer}'`).join(' and ');
  const result = decide(heard, envelope, signers, now, by);
  const lease = leaseStatusOf(result.state, now);
  const leaseNote =
    renews && envelope.kind !== 'lease' && lease.status === 'fresh'
      ? ` The lease is renewed until ${new Date(lease.expiresAt).toISOString()}.`
      : '';
  return { ...result, explanation: `${envelope.kind} ${envelope.id} by ${by}: ${result.explanation}${leaseNote}` };
}

function decide(
  state: AuthorityState,
  envelope: Envelope,
  signers: string[],
  now: number,
  by: string,
): AuthorityReduction {
  const unchanged = (explanation: string): AuthorityReduction => ({ state, effect: { type: 'none' }, explanation });
  const changed = (next: AuthorityState, effect: AuthorityEffect, explanation: string): AuthorityReduction => ({
    state: next,
    effect,
    explanation,
  });
  if (state.stopped !== null && !kindsHeededWhileStopped.has(envelope.kind)) {
    return unchanged(`ignored: the agent is stopped (by order ${state.stopped.orderId}); only a resume restarts it.`);
  }
  switch (envelope.kind) {
    case 'stop': {
      const body = bodyOf('stop', envelope);
      const stopped = { orderId: envelope.id, principals: signers, at: now, ...optional('reason', body.reason) };
      return changed(
        { ...state, stopped },
        { type: 'stop', ...optional('reason', body.reason) },
        'the agent stops now.',
      );
    }
    case 'resume': {
      if (state.stopped === null) return unchanged('nothing to resume: the agent is not stopped.');
      return changed({ ...state, stopped: null }, { type: 'resume' }, 'the agent resumes.');
    }
    case 'task':
      return receiveTask(state, heldTaskOf(state.charter, envelope, signers));
    case 'amend': {
      const body = bodyOf('amend', envelope);
      if (state.task === null) {
        return unchanged(
          state.conflict.length > 0
            ? 'ignored: tasks are in conflict; resolve the conflict first.'
            : 'ignored: there is no current task to amend.',
        );
      }
      const task = { ...state.task, amendments: [...state.task.amendments, body.text] };
      return changed({ ...state, task }, { type: 'amend', task }, `the current task ${task.orderId} is amended.`);
    }
    case 'approve':
    case 'deny': {
      const decision = envelope.kind;
      const body = bodyOf(decision, envelope);
      const note = decision === 'approve' ? bodyOf('approve', envelope).note : bodyOf('deny', envelope).reason;
      const record = { decision, orderId: envelope.id, principals: signers, at: now, ...optional('note', note) };
      return changed(
        { ...state, actions: { ...state.actions, [body.action]: record } },
        { type: decision, action: body.action },
        `action ${body.action.slice(0, 12)}… is ${decision === 'approve' ? 'approved' : 'denied'}.`,
      );
    }
    case 'lease': {
      const lease = leaseStatusOf(state, now);
      if (lease.status !== 'fresh') return unchanged('the lease is off in this charter; nothing to renew.');
      return changed(
        state,
        { type: 'lease-renewed', expiresAt: lease.expiresAt },
        `the lease is renewed until ${new Date(lease.expiresAt).toISOString()}.`,
      );
    }
    case 'charter':
      return changeCharter(state, bodyOf('charter', envelope).charter, now);
    case 'revoke':
      return revoke(state, bodyOf('revoke', envelope).principal);
    case 'rotate': {
      const body = bodyOf('rotate', envelope);
      const target = state.charter.principals.find((principal) => principal.id === body.principal);
      if (target === undefined || target.revoked) return unchanged(`'${body.principal}' is not an active principal.`);
      const result = changeRoster(state.charter, (principal) =>
        principal.id === body.principal ? { ...principal, key: body.key } : principal,
      );
      if ('problem' in result) return unchanged(`refused: the charter would become invalid (${result.problem}).`);
      return changed(
        { ...state, charter: result.charter },
        { type: 'rotated', principal: body.principal, key: body.key },
        `'${body.principal}' now signs with ${body.key}; the old key no longer verifies.`,
      );
    }
    case 'claim':
      return claim(state, envelope, signers[0]!, now);
    case 'veto': {
      const claimId = bodyOf('veto', envelope).claim;
      const pending = state.successions.find((succession) => succession.claimId === claimId);
      if (pending === undefined) return unchanged(`no pending succession claim ${claimId} to veto.`);
      const rule = rosterIndex(state.charter).rules.charter;
      const quorum = signers.filter((signer) => rule.eligible.has(signer)).length >= rule.required;
      if (!signers.includes(pending.for) && !quorum) {
        return unchanged(`a veto of claim ${claimId} needs '${pending.for}' or ${rule.required} charter signer(s).`);
      }
      return changed(
        { ...state, successions: state.successions.filter((succession) => succession !== pending) },
        { type: 'succession-vetoed', claim: claimId, by: signers },
        `the claim of '${pending.successor}' to succeed '${pending.for}' is vetoed by ${by}; the roster stays as it is.`,
      );
    }
  }
}

function receiveTask(state: AuthorityState, incoming: HeldTask): AuthorityReduction {
  const becomeCurrent = (replaced: HeldTask | null, why: string): AuthorityReduction => ({
    state: { ...state, task: incoming, conflict: [] },
    effect: { type: 'task', task: incoming, replaced },
    explanation: why,
  });
  const shares = (task: HeldTask) => task.principals.some((principal) => incoming.principals.includes(principal));
  if (state.conflict.length > 0) {
    const everyone = state.conflict.every((held) => held.principals.every((p) => incoming.principals.includes(p)));
    // A party may settle the conflict by restating its task if it outranks every other party.
    const outranks = state.conflict.every((held) => shares(held) || incoming.rank < held.rank);
    if (everyone || outranks) {
      return becomeCurrent(
        null,
        `the conflict is resolved: this task ${everyone ? 'is signed by every party to it' : 'outranks every other held task'} and becomes current.`,
      );
    }
    const conflict = [...state.conflict.filter((held) => !shares(held)), incoming];
    return {
      state: { ...state, conflict },
      effect: { type: 'conflict', tasks: conflict },
      explanation: `the task joins ${conflict.length - 1} held task(s) in conflict; the agent keeps asking which to pursue.`,
    };
  }
  const current = state.task;
  if (current === null) return becomeCurrent(null, 'this is now the current task.');
  if (shares(current)) return becomeCurrent(current, `it replaces task ${current.orderId} from the same principal.`);
  const newer = Date.parse(incoming.issuedAt) >= Date.parse(current.issuedAt);
  const keep = (why: string): AuthorityReduction => ({
    state,
    effect: { type: 'none' },
    explanation: `task ${current.orderId} stays current: ${why}`,
  });
  switch (state.charter.conflict) {
    case 'latest':
      return newer
        ? becomeCurrent(current, `conflict rule 'latest': the newer task replaces ${current.orderId}.`)
        : keep(`conflict rule 'latest' and it was issued later than this one.`);
    case 'rank':
      if (incoming.rank < current.rank || (incoming.rank === current.rank && newer)) {
        return becomeCurrent(
          current,
          `conflict rule 'rank': rank ${incoming.rank} ${incoming.rank < current.rank ? 'outranks' : 'equals, and is newer than,'} rank ${current.rank}; it replaces ${current.orderId}.`,
        );
      }
      return keep(
        `conflict rule 'rank': its rank ${current.rank} ${incoming.rank > current.rank ? 'outranks' : 'equals'} ${incoming.rank}.`,
      );
    case 'ask':
      return {
        state: { ...state, task: null, conflict: [current, incoming] },
        effect: { type: 'conflict', tasks: [current, incoming] },
        explanation: `conflict rule 'ask': it competes with task ${current.orderId} from another principal; both are held and the agent asks which to pursue.`,
      };
  }
}

function changeCharter(state: AuthorityState, charter: Charter, now: number): AuthorityReduction {
  if (charter.agent !== state.charter.agent) {
    return {
      state,
      effect: { type: 'none' },
      explanation: `refused: the new charter is for agent '${charter.agent}', not '${state.charter.agent}'.`,
    };
  }
  const ids = new Set(charter.principals.map((principal) => principal.id));
  const lastHeard = Object.fromEntries(
    charter.principals.map((principal) => [principal.id, state.lastHeard[principal.id] ?? now]),
  );
  const successions = state.successions.filter((succession) =>
    charter.succession.some((entry) => entry.successor === succession.successor && entry.for === succession.for),
  );
  const dropped = state.successions.length - successions.length;
  return {
    state: { ...state, charter, lastHeard, successions },
    effect: { type: 'charter-changed', charter },
    explanation: `the charter is replaced: ${ids.size} principal(s), target '${charter.target}', conflict rule '${charter.conflict}'${dropped > 0 ? `; ${dropped} pending succession claim(s) dropped` : ''}.`,
  };
}

function revoke(state: AuthorityState, id: string): AuthorityReduction {
  const target = state.charter.principals.find((principal) => principal.id === id);
  if (target === undefined || target.revoked) {
    return { state, effect: { type: 'none' }, explanation: `'${id}' is not an active principal.` };
  }
  const result = changeRoster(state.charter, (principal) =>
    principal.id === id ? { ...principal, revoked: true } : principal,
  );
  if ('problem' in result) {
    return {
      state,
      effect: { type: 'none' },
      explanation: `refused: the charter would become invalid (${result.problem}).`,
    };
  }
  const solely = (task: HeldTask) => task.principals.every((principal) => principal === id);
  const task = state.task !== null && solely(state.task) ? null : state.task;
  const conflict = state.conflict.filter((held) => !solely(held));
  const successions = state.successions.filter((succession) => succession.successor !== id && succession.for !== id);
  const droppedTask = task !== state.task ? ' Its current task is dropped.' : '';
  return {
    state: { ...state, charter: result.charter, task, conflict, successions },
    effect: { type: 'revoked', principal: id },
    explanation: `'${id}' is revoked: its signatures no longer count.${droppedTask}`,
  };
}

function claim(state: AuthorityState, envelope: Envelope, successor: string, now: number): AuthorityReduction {
  const silentId = bodyOf('claim', envelope).for;
  const none = (explanation: string): AuthorityReduction => ({ state, effect: { type: 'none' }, explanation });
  const entry = state.charter.succession.find(
    (candidate) => candidate.successor === successor && candidate.for === silentId,
  );
  const silent = state.charter.principals.find((principal) => principal.id === silentId);
  if (entry === undefined || silent === undefined || silent.revoked) {
    return none(`'${silentId}' is not an active principal that '${successor}' may succeed.`);
  }
  if (state.successions.some((succession) => succession.for === silentId)) {
    return none(`a claim to succeed '${silentId}' is already pending.`);
  }
  const silence = now - (state.lastHeard[silentId] ?? now);
  const needed = parseDuration(entry.after);
  if (silence < needed) {
    return none(
      `refused: '${silentId}' was heard from ${Math.round(silence / 1000)}s ago; a claim needs ${entry.after} of silence.`,
    );
  }
  const completesAt = now + parseDuration(entry.timeLock);
  const succession = { claimId: envelope.id, successor, for: silentId, claimedAt: now, completesAt };
  return {
    state: { ...state, successions: [...state.successions, succession] },
    effect: { type: 'succession-claimed', claim: envelope.id, successor, for: silentId, completesAt },
    explanation: `'${silentId}' has been silent for ${Math.round(silence / 1000)}s; '${successor}' takes over its roles at ${new Date(completesAt).toISOString()} unless '${silentId}' or a charter quorum vetoes.`,
  };
}

function heldTaskOf(charter: Charter, envelope: Envelope, signers: string[]): HeldTask {
  const ranks = signers.map((signer) => {
    const principal = charter.principals.find((candidate) => candidate.id === signer);
    return principal === undefined ? Number.POSITIVE_INFINITY : principalRank(principal);
  });
  return {
    orderId: envelope.id,
    text: bodyOf('task', envelope).text,
    principals: signers,
    rank: Math.min(...ranks),
    issuedAt: envelope.issuedAt,
    amendments: [],
  };
}

function bodyOf<Kind extends keyof OrderBodies>(kind: Kind, envelope: Envelope): OrderBodies[Kind] {
  return orderBodySchemas[kind].parse(envelope.body) as OrderBodies[Kind];
}

function optional<Key extends string, Value>(key: Key, value: Value | undefined): { [K in Key]?: Value } {
  return (value === undefined ? {} : { [key]: value }) as { [K in Key]?: Value };
}
