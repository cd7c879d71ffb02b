import examples from '@octokit/webhooks-examples';
import fc from 'fast-check';
import { routeWebhook, type RoutingOptions } from '../../src/domain/webhook-routing';

// The payload types say what GitHub sends; these tests hold routing to what it must do when a body does not.
const options: RoutingOptions = { triggerLabel: 'agent', allowedRepos: [], allowedOwners: ['Codertocat', 'octo'], appUserId: 999, appId: 77 };
const ROUTED = ['issues', 'issue_comment', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'check_suite', 'check_run', 'status'];
type Json = Record<string, unknown>;
const payloads = (examples as Array<{ name: string; examples: Json[] }>).filter((g) => ROUTED.includes(g.name)).flatMap((g) => g.examples.map((p) => ({ event: g.name, p })));

/** Every path to a value inside `v` (object keys and array indexes). */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, child]) => {
    const p = [...at, Array.isArray(v) ? Number(k) : k];
    return [p, ...paths(child, p)];
  });
}

function replaced(p: Json, path: Array<string | number>, value: unknown): Json {
  const copy = structuredClone(p);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

const decisionKinds = ['start', 'signal', 'cancel', 'ignore'];

describe('routeWebhook on bodies that are not what the payload types say', () => {
  it('has GitHub example payloads of every routed event to start from', () => {
    expect(new Set(payloads.map((x) => x.event))).toEqual(new Set(ROUTED));
  });

  it('answers with a decision, never a crash, when any one field of a real payload is missing, null or of another type', () => {
    const cases = payloads.map(({ event, p }) => ({ event, p, paths: paths(p) }));
    fc.assert(
      fc.property(
        fc.constantFrom(...cases).chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...c.paths))),
        fc.constantFrom(null, undefined, 0, 7, '', 'issueflow/issue-3', [], [null], {}, true),
        ([c, path], value) => {
          const decision = routeWebhook(c.event, replaced(c.p, path, value), 'd-1', options);
          expect(decisionKinds).toContain(decision.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answers with a decision when the body is not an object at all', () => {
    for (const event of ROUTED) {
      for (const body of [null, undefined, 'text', 42, [], [1, 2]]) expect(routeWebhook(event, body, 'd-1', options)).toMatchObject({ kind: 'ignore' });
    }
  });

  it('reads past a null where an issue label should be (the schema allows it), and still finds the trigger label', () => {
    const p = { action: 'opened', repository: { name: 'w', owner: { login: 'octo' } }, sender: { id: 1, login: 'a' }, issue: { number: 3, author_association: 'OWNER', user: { id: 1, login: 'a' }, labels: [null, { name: 'agent' }] } };
    expect(routeWebhook('issues', p, 'd-1', options)).toMatchObject({ kind: 'start', workflowId: 'octo/w#3' });
  });

  it('takes a null user id for unknown, never for another person: no grant on an id nobody can compare', () => {
    const repository = { name: 'w', owner: { login: 'octo' } };
    const issue = { number: 3, author_association: 'NONE', user: { id: 5, login: 'a' }, labels: [] };
    const labeled = { action: 'labeled', repository, label: { name: 'agent' }, sender: { id: null, login: 'a' }, issue };
    expect(routeWebhook('issues', labeled, 'd-1', options)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('its own author') });
    const comment = { action: 'created', repository, issue: { ...issue, user: { id: null, login: 'a' } }, comment: { id: 1, body: 'hello', author_association: 'NONE', user: { id: null, login: 'b' } } };
    expect(routeWebhook('issue_comment', comment, 'd-1', options)).toMatchObject({ kind: 'ignore', reason: 'commenter is neither the issue author nor a collaborator' });
  });
});
