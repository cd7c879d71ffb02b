import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { buildWebhookPayload, GithubStandin, sendWebhook, validateWebhookPayload, type WebhookEvent } from './index';

const REPO = 'octo/app';
const SECRET = 'webhook-secret';

describe('the stand-in emits webhooks like GitHub', () => {
  let standin: GithubStandin;
  beforeEach(async () => {
    standin = new GithubStandin();
    await standin.start();
    standin.createRepo(REPO);
  });
  afterEach(() => standin.stop());

  test('every event it emits matches GitHub\'s webhook schema and carries the stand-in\'s state', () => {
    const issue = standin.openIssue(REPO, { author: 'alice', title: 'Crash', body: 'boom', labels: ['agent'] });
    issue.assignees.push('bob');
    const comment = standin.addComment(REPO, issue.number, { author: 'carol', body: '/agent approve' });
    const pull = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', title: 'Fix crash', author: 'issueflow[bot]' });
    const cases: Array<[WebhookEvent, Record<string, unknown>]> = [
      ['issues.opened', {}],
      ['issues.labeled', { label: 'agent' }],
      ['issues.edited', { changes: { body: { from: 'old' } } }],
      ['issues.assigned', {}],
      ['issue_comment.created', { commentId: comment.id }],
      ['pull_request_review.submitted', { review: { state: 'changes_requested', body: 'Please rename', author: 'alice' } }],
      ['pull_request_review_comment.created', { review: { body: 'typo here', path: 'src/a.ts', author: 'alice' } }],
    ];
    for (const [event, extra] of cases) {
      const isPull = event.startsWith('pull_request');
      const payload = buildWebhookPayload(standin, event, { repo: REPO, number: isPull ? pull.number : issue.number, ...extra }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const [name, action] = event.split('.');
      expect([event, validateWebhookPayload(name, action, payload)]).toEqual([event, []]);
      expect(payload.repository.full_name).toBe(REPO);
      if (!isPull) expect(payload.issue).toMatchObject({ number: issue.number, title: 'Crash', user: { login: 'alice' } });
      else expect(payload.pull_request).toMatchObject({ number: pull.number, head: { ref: 'issueflow/issue-1' } });
    }
    standin.closePullRequest(REPO, pull.number, true);
    const closedPull = buildWebhookPayload(standin, 'pull_request.closed', { repo: REPO, number: pull.number }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(validateWebhookPayload('pull_request', 'closed', closedPull)).toEqual([]);
    expect(closedPull.pull_request).toMatchObject({ state: 'closed', merged: true });
    Object.assign(standin.issue(REPO, issue.number), { state: 'closed', stateReason: 'completed', closedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    const closed = buildWebhookPayload(standin, 'issues.closed', { repo: REPO, number: issue.number, sender: 'alice' });
    expect(validateWebhookPayload('issues', 'closed', closed)).toEqual([]);
    expect(closed).toMatchObject({ action: 'closed', issue: { state: 'closed', state_reason: 'completed' }, sender: { login: 'alice' } });
    Object.assign(standin.issue(REPO, issue.number), { state: 'open', stateReason: null, closedAt: null });
    expect(validateWebhookPayload('issues', 'reopened', buildWebhookPayload(standin, 'issues.reopened', { repo: REPO, number: issue.number, sender: 'alice' }))).toEqual([]);
    standin.createRepo('mallory/app', { forkOf: REPO });
    const forkPull = standin.openPullRequest(REPO, { head: 'issueflow/issue-1', headRepo: 'mallory/app', title: 'Not ours', author: 'mallory' });
    standin.closePullRequest(REPO, forkPull.number);
    const forkClosed = buildWebhookPayload(standin, 'pull_request.closed', { repo: REPO, number: forkPull.number }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(validateWebhookPayload('pull_request', 'closed', forkClosed)).toEqual([]);
    expect(forkClosed.pull_request.head).toMatchObject({ ref: 'issueflow/issue-1', label: 'mallory:issueflow/issue-1', repo: { full_name: 'mallory/app', fork: true } });
    expect(forkClosed.pull_request.head.repo.id).not.toBe(forkClosed.pull_request.base.repo.id);
    const onPull = standin.addComment(REPO, pull.number, { author: 'alice', body: 'Please also update the docs' });
    const prComment = buildWebhookPayload(standin, 'issue_comment.created', { repo: REPO, number: pull.number, commentId: onPull.id });
    expect(validateWebhookPayload('issue_comment', 'created', prComment)).toEqual([]);
    expect(prComment).toMatchObject({ issue: { number: pull.number, pull_request: { html_url: expect.stringContaining('/pull/') } } });
    expect(buildWebhookPayload(standin, 'issue_comment.created', { repo: REPO, number: issue.number, commentId: comment.id })).toMatchObject({ comment: { body: '/agent approve', user: { login: 'carol' } }, sender: { login: 'carol' } });
  });

  test('deliveries are POSTed with GitHub\'s headers and a valid sha256 signature', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const target = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(202).end('accepted');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const issue = standin.openIssue(REPO, { title: 'Crash' });
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/webhooks/github`;
    const result = await sendWebhook(url, standin, 'issues.opened', { repo: REPO, number: issue.number }, SECRET);
    await new Promise<void>((resolve) => target.close(() => resolve()));
    expect(result).toMatchObject({ status: 202, responseBody: 'accepted' });
    const [{ headers, body }] = received;
    expect(headers).toMatchObject({ 'x-github-event': 'issues', 'x-github-delivery': result.deliveryId, 'content-type': 'application/json' });
    expect(await new Webhooks({ secret: SECRET }).verify(body, String(headers['x-hub-signature-256']))).toBe(true);
    expect(await new Webhooks({ secret: 'other' }).verify(body, String(headers['x-hub-signature-256']))).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ action: 'opened', issue: { number: issue.number } });
  });
});
