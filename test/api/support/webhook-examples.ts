import examples from '@octokit/webhooks-examples';

// Tests adjust GitHub's payloads freely (numbers, labels, bodies), so they are loosely typed here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Payload = Record<string, any>;

/** A deep copy of GitHub's own example payload for `event.action` (the `index`-th one), for tests to adjust. */
export function example(event: string, action?: string, index = 0): Payload {
  const group = (examples as Array<{ name: string; examples: Payload[] }>).find((e) => e.name === event);
  if (!group) throw new Error(`@octokit/webhooks-examples has no ${event} examples`);
  const found = group.examples.filter((e) => action === undefined || e.action === action);
  if (!found[index]) throw new Error(`@octokit/webhooks-examples has no ${event}.${action} example #${index}`);
  return structuredClone(found[index]);
}
