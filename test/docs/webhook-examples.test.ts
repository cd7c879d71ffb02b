import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeWebhook } from '../../src/domain/webhook-routing';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'webhook-examples.md'), 'utf8');
const secret = /the secret `([^`]+)`/.exec(doc)![1];
const examples = [...doc.matchAll(/^## (.+)\n\n```sh\ncurl ([\s\S]+?)\n```/gm)].map(([, title, curl]) => ({
  title,
  event: /X-GitHub-Event: ([\w]+)/.exec(curl)![1],
  signature: /X-Hub-Signature-256: (sha256=[0-9a-f]{64})/.exec(curl)![1],
  body: /--data-raw '(.+)'$/.exec(curl)![1].replace(/'\\''/g, "'"),
}));

describe('docs/webhook-examples.md', () => {
  it('has the three examples, each signed over its exact body with the documented secret', () => {
    expect(examples.map((e) => e.event)).toEqual(['issues', 'issue_comment', 'issues']);
    for (const e of examples) expect(e.signature).toBe(`sha256=${createHmac('sha256', secret).update(e.body).digest('hex')}`);
  });

  it('each does what its title says', () => {
    const options = { triggerLabel: 'agent', allowedRepos: ['octo/widgets'], allowedOwners: [] };
    const decisions = examples.map((e) => routeWebhook(e.event, JSON.parse(e.body), 'd', options));
    expect(decisions[0]).toMatchObject({ kind: 'start', workflowId: 'octo/widgets#1' });
    expect(decisions[1]).toMatchObject({ kind: 'signal', signal: { name: 'command', args: { command: 'status' } } });
    expect(decisions[2]).toMatchObject({ kind: 'cancel', workflowId: 'octo/widgets#1' });
  });
});
