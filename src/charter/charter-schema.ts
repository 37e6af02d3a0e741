import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { publicKeyBytesHex, publicKeyTextProblem } from '../core/ed25519.ts';
import { targetProfileNames } from './target-profile-names.ts';

export const charterSchemaVersion = 1;

/** Every kind of signed order. `claim` and `veto` are governed by the succession entries, the rest by `authority`. */
export const orderKinds = [
  'stop',
  'resume',
  'task',
  'approve',
  'deny',
  'amend',
  'charter',
  'revoke',
  'rotate',
  'lease',
  'claim',
  'veto',
] as const;
export type OrderKind = (typeof orderKinds)[number];
export const ruledOrderKinds = orderKinds.filter((kind) => kind !== 'claim' && kind !== 'veto') as Exclude<
  OrderKind,
  'claim' | 'veto'
>[];
export type RuledOrderKind = (typeof ruledOrderKinds)[number];

export const impactClasses = [
  'read',
  'write',
  'external',
  'spending',
  'irreversible',
  'memory',
  'self-modifying',
  'control-plane',
] as const;
export type ImpactClass = (typeof impactClasses)[number];

export const policyDecisions = ['allow', 'check', 'deny'] as const;
export type PolicyDecisionKind = (typeof policyDecisions)[number];

export const conflictRules = ['rank', 'latest', 'ask'] as const;
export const provenances = ['principal', 'tool', 'document'] as const;
export type Provenance = (typeof provenances)[number];

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dot, underscore or dash');
const duration = z.string().refine(
  (text) => {
    try {
      parseDuration(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a duration such as 500ms, 30s, 10m, 2h or 7d' },
);
/** A public key in its one canonical spelling; shared with the bodies of `rotate` orders. */
export const publicKeySchema = z.string().superRefine((text, context) => {
  const problem = publicKeyTextProblem(text);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

export const quorumSchema = z.union([z.number().int().min(1), z.literal('majority'), z.literal('all')]);
export type Quorum = z.infer<typeof quorumSchema>;

export const authorityRuleSchema = z.strictObject({
  /** Roles whose holders may sign this kind; 'any' means every principal in the roster. */
  roles: z.union([z.literal('any'), z.array(name).min(1)]),
  /** How many distinct eligible principals must sign. */
  quorum: quorumSchema.default(1),
});
export type AuthorityRule = z.infer<typeof authorityRuleSchema>;

// Stopping is never harder than starting: any principal may stop, with one signature.
export const defaultAuthorityRules: Record<RuledOrderKind, AuthorityRule> = {
  stop: { roles: 'any', quorum: 1 },
  resume: { roles: ['owner'], quorum: 'majority' },
  task: { roles: ['owner', 'operator'], quorum: 1 },
  approve: { roles: ['owner', 'operator'], quorum: 1 },
  deny: { roles: ['owner', 'operator'], quorum: 1 },
  amend: { roles: ['owner', 'operator'], quorum: 1 },
  charter: { roles: ['owner'], quorum: 'majority' },
  revoke: { roles: ['owner'], quorum: 'majority' },
  rotate: { roles: ['owner'], quorum: 'majority' },
  lease: { roles: ['owner', 'operator'], quorum: 1 },
};

export const principalSchema = z.strictObject({
  id: name,
  key: publicKeySchema,
  roles: z.array(name).min(1),
  /** 1 is the highest rank; defaults by role: owner 1, operator 2, others 3. */
  rank: z.number().int().min(1).optional(),
  revoked: z.boolean().default(false),
});
export type Principal = z.infer<typeof principalSchema>;

export const successionEntrySchema = z.strictObject({
  /** The principal who may claim authority (already in the roster, usually with role 'successor'). */
  successor: name,
  /** The principal whose silence opens the claim; the successor takes over its roles. */
  for: name,
  /** How long `for` must have been silent (no verified order) before a claim is accepted. */
  after: duration,
  /** How long after the claim the roster changes, unless vetoed by `for` or the charter quorum. */
  timeLock: duration.default('24h'),
});
export type SuccessionEntry = z.infer<typeof successionEntrySchema>;

/** The order rules of a charter: who may sign each ruled kind, and how many must. */
export const authorityRulesSchema = z.strictObject(
  Object.fromEntries(
    ruledOrderKinds.map((kind) => [kind, authorityRuleSchema.default(defaultAuthorityRules[kind])]),
  ) as Record<RuledOrderKind, z.ZodDefault<typeof authorityRuleSchema>>,
);

const policyDecision = z.enum(policyDecisions);

export const defaultImpactPolicy: Record<ImpactClass, PolicyDecisionKind> = {
  read: 'allow',
  write: 'allow',
  external: 'check',
  spending: 'check',
  irreversible: 'check',
  // Ordinary notes are allowed; a write that reinterprets the goal is held for approval whatever this says.
  memory: 'allow',
  'self-modifying': 'deny',
  'control-plane': 'deny',
};

export const policySchema = z.strictObject({
  /** The decision for each DWIMAC impact class. */
  impact: z
    .strictObject(
      Object.fromEntries(
        impactClasses.map((impact) => [impact, policyDecision.default(defaultImpactPolicy[impact])]),
      ) as Record<ImpactClass, z.ZodDefault<typeof policyDecision>>,
    )
    .prefault({}),
  /** Per-tool decisions; they may only tighten the impact-class decision, never loosen it. */
  tools: z.record(name, policyDecision).default({}),
  /** How long a check waits for a signed approve or deny before it expires as denied. */
  checkTimeout: duration.default('1h'),
});

export const screeningPolicySchema = z.strictObject({
  /**
   * Flag an input whose calibrated score reaches this, per provenance (stricter for tool output). On sources the
   * screening model never trained on (docs/screening.md) these flag about 1% of benign requests at 0.9 and
   * fewer than 1% of benign documents at 0.75.
   */
  thresholds: z
    .strictObject({
      principal: z.number().min(0).max(1).default(0.9),
      tool: z.number().min(0).max(1).default(0.75),
      document: z.number().min(0).max(1).default(0.75),
    })
    .prefault({}),
  /** What the model sees of flagged content: nothing (withhold) or the content under a warning. */
  onFlag: z.enum(['withhold', 'warn']).default('withhold'),
});

/**
 * One MCP server `heed proxy` fronts: a command it starts as a child process (stdio), or a Streamable HTTP URL.
 * `tools` gives each of its tools an impact class; a tool not named there needs at least a check.
 */
export const upstreamSchema = z
  .strictObject({
    name,
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    tools: z.record(z.string().min(1).max(128), z.enum(impactClasses)).default({}),
  })
  .superRefine((upstream, context) => {
    if ((upstream.command === undefined) === (upstream.url === undefined)) {
      context.addIssue({ code: 'custom', path: ['command'], message: 'give exactly one of command and url' });
    }
  });
export type Upstream = z.output<typeof upstreamSchema>;

/** What `heed proxy` fronts; other commands ignore it. */
export const proxySchema = z
  .strictObject({ upstreams: z.array(upstreamSchema).min(1) })
  .superRefine((proxy, context) => {
    const seen = new Set<string>();
    proxy.upstreams.forEach((upstream, index) => {
      if (seen.has(upstream.name)) {
        context.addIssue({
          code: 'custom',
          path: ['upstreams', index, 'name'],
          message: `duplicate upstream '${upstream.name}'`,
        });
      }
      seen.add(upstream.name);
    });
  });

export const charterSchema = z
  .strictObject({
    schemaVersion: z.literal(charterSchemaVersion).default(charterSchemaVersion),
    agent: name,
    target: z.enum(targetProfileNames),
    /**
     * The fleet groups this agent belongs to: an order addressed to `group:<name>` (stop, resume or lease only)
     * reaches it when the name is listed here, signed once for the whole group.
     */
    groups: z.array(name).max(64).default([]),
    principals: z.array(principalSchema).min(1),
    authority: authorityRulesSchema.prefault({}),
    conflict: z.enum(conflictRules).default('ask'),
    lease: z
      .strictObject({
        /** null: the lease is off. Otherwise the agent halts when no lease order is fresher than this. */
        ttl: duration.nullable().default(null),
      })
      .prefault({}),
    succession: z.array(successionEntrySchema).default([]),
    clock: z
      .strictObject({
        /** How far in the future an order's issuedAt may be. */
        skew: duration.default('30s'),
        /** The longest lifetime (expiresAt - issuedAt) an order may have. */
        maxTtl: duration.default('24h'),
      })
      .prefault({}),
    stop: z
      .strictObject({
        /** How long a tool that ignores its abort signal gets before it is abandoned and its process group killed. */
        grace: duration.default('2s'),
      })
      .prefault({}),
    policy: policySchema.prefault({}),
    screening: screeningPolicySchema.prefault({}),
    proxy: proxySchema.optional(),
  })
  .superRefine((charter, context) => {
    const ids = new Set<string>();
    // By key bytes, not text: one key under two names would let one signer count twice toward a quorum.
    const holders = new Map<string, string>();
    charter.principals.forEach((principal, index) => {
      if (ids.has(principal.id)) {
        context.addIssue({
          code: 'custom',
          path: ['principals', index, 'id'],
          message: `duplicate principal id '${principal.id}'`,
        });
      }
      const bytes = publicKeyBytesHex(principal.key);
      const holder = holders.get(bytes);
      if (holder !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['principals', index, 'key'],
          message: `'${principal.id}' holds the same key as '${holder}': one signer would count as two principals toward a quorum`,
        });
      }
      ids.add(principal.id);
      if (holder === undefined) holders.set(bytes, principal.id);
    });
    charter.succession.forEach((entry, index) => {
      for (const field of ['successor', 'for'] as const) {
        if (!ids.has(entry[field])) {
          context.addIssue({
            code: 'custom',
            path: ['succession', index, field],
            message: `'${entry[field]}' is not a principal in this charter`,
          });
        }
      }
      if (entry.successor === entry.for) {
        context.addIssue({
          code: 'custom',
          path: ['succession', index, 'successor'],
          message: 'a principal cannot succeed itself',
        });
      }
    });
    for (const kind of ruledOrderKinds) {
      const rule = charter.authority[kind];
      const eligible = charter.principals.filter(
        (principal) =>
          !principal.revoked && (rule.roles === 'any' || principal.roles.some((role) => rule.roles.includes(role))),
      );
      if (eligible.length === 0) {
        context.addIssue({
          code: 'custom',
          path: ['authority', kind, 'roles'],
          message: `no principal holds a role that may sign '${kind}'`,
        });
      } else if (typeof rule.quorum === 'number' && rule.quorum > eligible.length) {
        context.addIssue({
          code: 'custom',
          path: ['authority', kind, 'quorum'],
          message: `quorum ${rule.quorum} exceeds the ${eligible.length} principal(s) who may sign '${kind}'`,
        });
      }
    }
  });

export type Charter = z.output<typeof charterSchema>;
export type CharterInput = z.input<typeof charterSchema>;

export function principalRank(principal: Principal): number {
  if (principal.rank !== undefined) return principal.rank;
  if (principal.roles.includes('owner')) return 1;
  if (principal.roles.includes('operator')) return 2;
  return 3;
}
