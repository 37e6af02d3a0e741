import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parsePublicKey, verifyBytes } from '../core/ed25519.ts';
import type { AgentRecord, ServerStore } from './store/server-store.ts';

/** What a principal signs to log in: this prefix, then the challenge the server issued. */
export const challengePrefix = 'heed-server-challenge-v1\n';
export const challengeTtlMs = 60_000;
export const tokenTtlMs = 15 * 60_000;
/** The most challenges kept unanswered at once. */
export const maxPendingChallenges = 10_000;

/** Where challenges are kept between issue and answer: the server store, shared by every replica. */
export type LoginChallenges = Pick<ServerStore, 'addChallenge' | 'takeChallenge'>;

export interface Session {
  kind: 'principal';
  principal: string;
  /** The principal's public key, as its charters list it: a token is for this key, not for a name. */
  key: string;
  expiresAt: number;
}

/** An agent's token: for its id and the key the server pinned for it, so a rotation ends the old key's tokens. */
export interface AgentSession {
  kind: 'agent';
  agent: string;
  key: string | null;
  expiresAt: number;
}

/** The role that may only read. */
export const observerRole = 'observer';

/**
 * Principals log in without a password: the server issues a one-time challenge, the principal signs it with its
 * Ed25519 key, and the server checks the signature against the key a registered agent's charter lists for that
 * principal. Agents log in the same way with their own key when they register (`issueAgentChallenge`). Tokens are
 * short-lived HMACs, so any replica holding the same secret accepts them; a principal's token is never an agent's.
 */
export class PrincipalAuth {
  // One challenge mechanism for principals and agents: each challenge is issued to one subject (`principal:<id>`,
  // `agent:<id>`), and what is signed carries a prefix of its own for each, so neither can stand in for the other.
  // Challenges live in the store, so replicas behind one address answer each other's.
  private readonly challenges: LoginChallenges;
  private readonly secret: Buffer;
  private readonly now: () => number;

  constructor(options: { challenges: LoginChallenges; secret?: Buffer; now?: () => number }) {
    this.challenges = options.challenges;
    this.secret = options.secret ?? randomBytes(32);
    this.now = options.now ?? Date.now;
  }

  issueChallenge(principal: string): Promise<{ challenge: string; expiresAt: string }> {
    return this.issue(`principal:${principal}`);
  }

  issueAgentChallenge(agent: string): Promise<{ challenge: string; expiresAt: string }> {
    return this.issue(`agent:${agent}`);
  }

  /** Uses up an agent's challenge: true when it was issued to this agent and is still fresh. */
  takeAgentChallenge(agent: string, challenge: string): Promise<boolean> {
    return this.take(`agent:${agent}`, challenge);
  }

  issueAgentToken(agent: string, key: string | null): { token: string; expiresAt: string } {
    const expiresAt = this.now() + tokenTtlMs;
    return { token: this.sign({ kind: 'agent', agent, key, expiresAt }), expiresAt: new Date(expiresAt).toISOString() };
  }

  private async take(subject: string, challenge: string): Promise<boolean> {
    // Taken whatever it turns out to be: a challenge answered once, rightly or not, is used up.
    const pending = await this.challenges.takeChallenge(challenge);
    return pending !== undefined && pending.expiresAt > this.now() && pending.subject === subject;
  }

  private async issue(subject: string): Promise<{ challenge: string; expiresAt: string }> {
    const now = this.now();
    const challenge = randomBytes(32).toString('base64url');
    const expiresAt = now + challengeTtlMs;
    // Bounded: a flood of challenge requests can only evict the unanswered ones that expire first.
    await this.challenges.addChallenge({ challenge, subject, expiresAt }, now, maxPendingChallenges);
    return { challenge, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** A token when the challenge is fresh, was issued to this principal, and its signature verifies with a listed key. */
  async redeem(
    principal: string,
    challenge: string,
    signature: string,
    agents: readonly AgentRecord[],
  ): Promise<{ token: string; expiresAt: string } | { error: string }> {
    if (!(await this.take(`principal:${principal}`, challenge))) {
      return { error: 'the challenge is unknown, used, expired or issued to another principal' };
    }
    const keys = new Set<string>();
    for (const agent of agents) {
      for (const listed of agent.principals) if (listed.id === principal) keys.add(listed.key);
    }
    const message = Buffer.from(challengePrefix + challenge, 'utf8');
    const signatureBytes = Buffer.from(signature, 'base64url');
    for (const key of keys) {
      if (verifyBytes(parsePublicKey(key), message, signatureBytes)) {
        const expiresAt = this.now() + tokenTtlMs;
        return {
          token: this.sign({ kind: 'principal', principal, key, expiresAt }),
          expiresAt: new Date(expiresAt).toISOString(),
        };
      }
    }
    return { error: `no registered agent's charter lists '${principal}' with a key that verifies this signature` };
  }

  /** The principal session a bearer token stands for, or undefined when it is forged, altered, expired or an agent's. */
  check(token: string | undefined): Session | undefined {
    const session = this.open(token);
    return session?.kind === 'principal' ? session : undefined;
  }

  /** The agent session a bearer token stands for; why not, when it is none. */
  checkAgent(token: string | undefined): AgentSession | { error: string } {
    if (token === undefined) return { error: 'no bearer token' };
    const session = this.open(token, true);
    if (session === 'expired') return { error: 'the token has expired' };
    if (session?.kind !== 'agent') return { error: 'the token is not an agent token this server issued' };
    return session;
  }

  private open(token: string | undefined, reportExpiry?: false): Session | AgentSession | undefined;
  private open(token: string | undefined, reportExpiry: true): Session | AgentSession | 'expired' | undefined;
  private open(token: string | undefined, reportExpiry = false): Session | AgentSession | 'expired' | undefined {
    if (token === undefined) return undefined;
    const [payload, mac] = token.split('.');
    if (payload === undefined || mac === undefined) return undefined;
    const expected = createHmac('sha256', this.secret).update(payload).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session | AgentSession;
    if (session.expiresAt > this.now()) return session;
    return reportExpiry ? 'expired' : undefined;
  }

  private sign(session: Session | AgentSession): string {
    const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
    return `${payload}.${createHmac('sha256', this.secret).update(payload).digest('base64url')}`;
  }
}

/** The roles a session holds on an agent: those its charter gives this principal with this key; none if unlisted. */
export function rolesOn(agent: AgentRecord, session: Session): string[] | undefined {
  const listed = agent.principals.find(
    (principal) => principal.id === session.principal && principal.key === session.key,
  );
  return listed?.roles;
}
