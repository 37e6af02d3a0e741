import type { Charter } from './charter-schema.ts';
import { describeCharterRules, describePolicy, describeRoster } from './describe-charter.ts';
import { ordersAndDataInstructions, targetProfiles } from './target-profiles.ts';

/** The text a model is given as its standing instructions: the profile, how orders arrive, the roster and the rules. */
export function renderCharterInstructions(charter: Charter): string {
  const profile = targetProfiles[charter.target];
  const bullets = (lines: string[]) => lines.map((line) => `- ${line}`).join('\n');
  return [
    `# Standing instructions for agent ${charter.agent}`,
    `Target: ${profile.title} (${profile.name}).`,
    profile.instructions,
    `## Orders and data\n\n${ordersAndDataInstructions}`,
    `## Your principals (rank 1 is highest)\n\n${bullets(describeRoster(charter))}`,
    `## Who may order what\n\n${bullets(describeCharterRules(charter).map((line) => line.text))}`,
    `## Action policy\n\n${bullets(describePolicy(charter))}`,
  ].join('\n\n');
}
