import examples from '@octokit/webhooks-examples';

/** A deep copy of GitHub's own example payload for `event.action` (the first one), for tests to adjust. */
export function example(event: string, action?: string, index = 0): Record<string, any> {
  const group = (examples as Array<{ name: string; examples: Array<Record<string, any>> }>).find((e) => e.name === event);
  if (!group) throw new Error(`@octokit/webhooks-examples has no ${event} examples`);
  const found = group.examples.filter((e) => action === undefined || e.action === action);
  if (!found[index]) throw new Error(`@octokit/webhooks-examples has no ${event}.${action} example #${index}`);
  return structuredClone(found[index]);
}
