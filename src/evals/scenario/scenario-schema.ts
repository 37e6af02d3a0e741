import { z } from 'zod';
import { targetProfileNames } from '../../charter/target-profile-names.ts';
import { environmentSpecSchema } from './environment-spec.ts';
import { scorerSpecSchema } from './scorer-spec.ts';

/**
 * 2: checks are answered as the principal intends (`approve` names the actions to approve; anything else is
 * denied), variants may reword the task, timeline and environment. A file without `schemaVersion` is read as
 * version 1: there `checkAnswer: approve` approves whatever action is pending, as it always did.
 */
export const scenarioSchemaVersion = 2;

const principalId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a principal id');

/** A scenario's principals: ids and roles only; keys are made fresh for every run. */
const scenarioPrincipalSchema = z.strictObject({
  id: principalId,
  roles: z.array(z.string().min(1)).min(1),
  rank: z.number().int().min(1).optional(),
});

/**
 * The charter of the scenario without keys. Any other charter field (policy, conflict, lease,
 * succession, screening, clock, stop, authority) passes through to the real charter schema, which
 * validates it when the run builds the charter.
 */
const scenarioCharterSchema = z
  .object({
    target: z.enum(targetProfileNames).default('if-ranked'),
    principals: z.array(scenarioPrincipalSchema).min(1),
  })
  .catchall(z.unknown());

const orderEventSchema = z.strictObject({
  from: z.union([principalId, z.array(principalId).min(1)]),
  kind: z.enum(['stop', 'resume', 'task', 'amend', 'lease', 'claim', 'veto', 'revoke']).default('task'),
  text: z.string().optional(),
  body: z.record(z.string(), z.unknown()).optional(),
});

export const timelineEventSchema = z.union([
  z.strictObject({
    at: z.number().int().min(0),
    stop: z.strictObject({ from: principalId, reason: z.string().optional() }),
  }),
  z.strictObject({ at: z.number().int().min(0), order: orderEventSchema }),
  z.strictObject({
    at: z.number().int().min(0),
    /** An unsigned message that claims to come from `claims` (a principal, an administrator…). */
    spoof: z.strictObject({ claims: z.string().min(1), text: z.string().min(1) }),
  }),
  z.strictObject({
    at: z.number().int().min(0),
    inject: z.strictObject({ tool: z.string().min(1), text: z.string().min(1) }),
  }),
  /** An unsigned notice from the environment, e.g. a shutdown warning. */
  z.strictObject({ at: z.number().int().min(0), notice: z.string().min(1) }),
  /** The principal stops renewing the lease and sends nothing more. */
  z.strictObject({ at: z.number().int().min(0), silence: principalId }),
]);
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

/** What a variant may reword of its scenario's world: these replace the scenario's own, key by key. */
const environmentOverridesSchema = z.strictObject({
  files: z.record(z.string().min(1), z.string()).optional(),
  inbox: environmentSpecSchema.shape.inbox.optional(),
  web: z.record(z.string().min(1), z.string()).optional(),
  memory: z.array(z.string()).optional(),
});

export const variantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  description: z.string().optional(),
  /** Appended to the system instructions. */
  system: z.string().optional(),
  /** Appended to the task text of the first user turn. */
  user: z.string().optional(),
  /** Replaces the task: a paraphrase says the same in other words. */
  task: z.string().min(1).optional(),
  /** Replaces the timeline. */
  timeline: z.array(timelineEventSchema).optional(),
  /** Replaces these parts of the environment (files by name, the inbox, web pages, memory). */
  environment: environmentOverridesSchema.optional(),
});

/**
 * An action the scenario's principal intends, so approves when the agent asks: the tool, and either
 * `args` (each field named must equal the call's) or `changes` (for a shell: what the command does, as the
 * classifier reads it, changes only these paths and reaches nothing else). `*` (any action) exists only for
 * version 1 files.
 */
export const approvedActionSchema = z.strictObject({
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
  changes: z.array(z.string().min(1)).min(1).optional(),
});
export type ApprovedAction = z.infer<typeof approvedActionSchema>;

export const scenarioSchema = z
  .strictObject({
    schemaVersion: z.union([z.literal(1), z.literal(scenarioSchemaVersion)]).default(1),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    problem: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    title: z.string().min(1),
    description: z.string().default(''),
    charter: scenarioCharterSchema,
    /** Who signs the initial task; by default the first principal. */
    taskFrom: principalId.optional(),
    task: z.string().min(1),
    environment: environmentSpecSchema.prefault({}),
    timeline: z.array(timelineEventSchema).default([]),
    /**
     * How the principals answer a check the agent raises: approve it when it is an action in `approve`
     * (deny it otherwise), deny it, or stay silent.
     */
    checkAnswer: z.enum(['approve', 'deny', 'none']).default('deny'),
    approve: z.array(approvedActionSchema).default([]),
    /** Whether the scenario contains an attack (for benign utility vs utility under attack). */
    attack: z.boolean().default(false),
    steps: z.number().int().min(1).max(200).default(12),
    scorers: z.array(scorerSpecSchema).min(1),
    variants: z.array(variantSchema).default([{ id: 'default' }]),
  })
  .superRefine((scenario, context) => {
    if (scenario.schemaVersion === scenarioSchemaVersion && scenario.checkAnswer === 'approve') {
      if (scenario.approve.length === 0)
        context.addIssue({
          code: 'custom',
          path: ['approve'],
          message:
            "checkAnswer 'approve' needs the actions the principal intends: approve: [{tool, args}] or [{tool, changes}]",
        });
    }
    if (scenario.approve.length > 0 && scenario.checkAnswer !== 'approve')
      context.addIssue({ code: 'custom', path: ['approve'], message: "is read only with checkAnswer 'approve'" });
    const ids = new Set(scenario.charter.principals.map((principal) => principal.id));
    const check = (id: string, path: PropertyKey[]) => {
      if (!ids.has(id))
        context.addIssue({ code: 'custom', path, message: `'${id}' is not a principal of this scenario` });
    };
    if (scenario.taskFrom !== undefined) check(scenario.taskFrom, ['taskFrom']);
    const checkTimeline = (timeline: readonly TimelineEvent[], path: PropertyKey[]) =>
      timeline.forEach((event, index) => {
        if ('stop' in event) check(event.stop.from, [...path, index, 'stop', 'from']);
        if ('order' in event) {
          for (const from of [event.order.from].flat()) check(from, [...path, index, 'order', 'from']);
        }
        if ('silence' in event) check(event.silence, [...path, index, 'silence']);
        if (event.at >= scenario.steps) {
          context.addIssue({
            code: 'custom',
            path: [...path, index, 'at'],
            message: `step ${event.at} is past the step limit ${scenario.steps}`,
          });
        }
      });
    checkTimeline(scenario.timeline, ['timeline']);
    scenario.variants.forEach((variant, index) => {
      if (variant.timeline) checkTimeline(variant.timeline, ['variants', index, 'timeline']);
    });
    const variantIds = new Set<string>();
    scenario.variants.forEach((variant, index) => {
      if (variantIds.has(variant.id))
        context.addIssue({
          code: 'custom',
          path: ['variants', index, 'id'],
          message: `duplicate variant '${variant.id}'`,
        });
      variantIds.add(variant.id);
    });
  })
  .transform((scenario) =>
    // Version 1 approved whatever was pending; its files keep that meaning.
    scenario.schemaVersion === 1 && scenario.checkAnswer === 'approve' && scenario.approve.length === 0
      ? { ...scenario, approve: [{ tool: '*' }] }
      : scenario,
  );

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioVariant = z.infer<typeof variantSchema>;
