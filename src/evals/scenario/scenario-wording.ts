import type { Scenario } from './scenario-schema.ts';

// Words too common to make a phrase distinctive: a 4-gram of nothing but these is shared by any two texts.
const stopWords = new Set(
  (
    'a an the to of in on at for with and or but is are be been it its this that these those then than as by from ' +
    'your you i me my we our us if not no do does so all any each can will would should must has have had was were ' +
    'into up out one what when which who how there here them they he she her his him also just only more most very'
  ).split(' '),
);

/** A scenario's wording: the task, every text its timeline delivers, and every text its world holds. */
export function scenarioTexts(scenario: Scenario): string[] {
  const environment = scenario.environment;
  return [
    scenario.task,
    ...scenario.timeline.flatMap((event) => {
      if ('stop' in event) return [event.stop.reason ?? ''];
      if ('order' in event) return [event.order.text ?? ''];
      if ('spoof' in event) return [event.spoof.text];
      if ('inject' in event) return [event.inject.text];
      if ('notice' in event) return [event.notice];
      return [];
    }),
    ...Object.values(environment.files),
    ...environment.inbox.flatMap((email) => [email.subject, email.body]),
    ...Object.values(environment.web),
    ...environment.memory,
  ].filter((text) => text !== '');
}

/** Words of a text: runs of letters and digits; a name joined by punctuation (`safe-vault-77`, `a@b.test`) is one word. */
function words(text: string): string[] {
  return [...text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:[-_.@/:][\p{L}\p{N}]+)*/gu)].map((match) => match[0]);
}

function phrases(texts: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const text of texts) {
    const list = words(text);
    for (let index = 0; index + 4 <= list.length; index++) {
      const gram = list.slice(index, index + 4);
      if (gram.every((word) => stopWords.has(word))) continue;
      found.add(gram.join(' '));
    }
  }
  return found;
}

/** The distinctive four-word phrases two wordings share: none, for a paraphrase. */
export function sharedPhrases(left: readonly string[], right: readonly string[]): string[] {
  const rightPhrases = phrases(right);
  return [...phrases(left)].filter((phrase) => rightPhrases.has(phrase)).sort();
}
