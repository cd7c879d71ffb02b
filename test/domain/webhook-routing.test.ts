import { issueNumberFromBody, routeWebhook, type RoutingOptions, type WebhookDecision } from '../../src/domain/webhook-routing';
import { example } from '../api/support/webhook-examples';

const options: RoutingOptions = { triggerLabel: 'agent', allowedRepos: [], allowedOwners: [], appUserId: 999, appId: 77 };
const WF = 'Codertocat/Hello-World#1';
const route = (event: string, payload: unknown, o: Partial<RoutingOptions> = {}): WebhookDecision => routeWebhook(event, payload, 'd-1', { ...options, ...o });

function labeled(name = 'agent') {
  const p = example('issues', 'labeled');
  p.label.name = name;
  return p;
}

function comment(body: string, association = 'OWNER') {
  const p = example('issue_comment', 'created');
  p.comment.body = body;
  p.comment.author_association = association;
  return p;
}

describe('routeWebhook: starting', () => {
  it('starts on the trigger label with the issue workflow id and the delivery', () => {
    const d = route('issues', labeled());
    expect(d).toMatchObject({ kind: 'start', workflowId: WF, input: { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 1, trigger: { deliveryId: 'd-1', kind: 'labeled', actor: 'Codertocat' } } });
  });

  it("ignores the trigger label added by an untrusted author to their own issue (an issue template's label); a maintainer's label starts", () => {
    const p = labeled();
    p.issue.author_association = 'NONE';
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('issue template') });
    p.sender = { ...p.sender, id: 4242, login: 'maintainer' };
    expect(route('issues', p)).toMatchObject({ kind: 'start', input: { trigger: { actor: 'maintainer' } } });
  });

  it('tells the labeller from the author by user id alone: the same login with another id is another person, and no ids vouch for nobody', () => {
    const p = labeled();
    p.issue.author_association = 'NONE';
    // The author renamed, and someone else took the old login: a different id is a different person.
    p.sender = { ...p.sender, id: p.issue.user.id + 1, login: p.issue.user.login };
    expect(route('issues', p)).toMatchObject({ kind: 'start' });
    // Without the ids nobody can tell who labelled: an untrusted author's issue is not started.
    const anonymous = labeled();
    anonymous.issue.author_association = 'NONE';
    anonymous.sender = { ...anonymous.sender, id: undefined as unknown as number, login: 'maintainer' };
    expect(route('issues', anonymous)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('issue template') });
  });

  it('ignores other labels (the example adds "bug")', () => {
    expect(route('issues', example('issues', 'labeled'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('bug') });
  });

  it('starts an opened issue only when it carries the trigger label and its author is trusted', () => {
    const p = example('issues', 'opened');
    expect(route('issues', p)).toMatchObject({ kind: 'ignore' });
    p.issue.labels = [{ name: 'agent' }];
    expect(route('issues', p)).toMatchObject({ kind: 'start', input: { trigger: { kind: 'opened' } } });
    p.issue.author_association = 'NONE';
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('owner') });
  });

  it('starts when issueflow is assigned, by user id only, not for anyone else', () => {
    const p = example('issues', 'assigned');
    expect(route('issues', p)).toMatchObject({ kind: 'ignore' });
    expect(route('issues', p, { appUserId: p.assignee.id })).toMatchObject({ kind: 'ignore', reason: 'assigned by a bot' });
    p.assignee = { ...p.assignee, id: 999 };
    expect(route('issues', p)).toMatchObject({ kind: 'start', input: { trigger: { kind: 'assigned' } } });
    // A login that looks like issueflow's is somebody else.
    p.assignee = { ...p.assignee, id: 4242, login: 'issueflow-app[bot]' };
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('someone other than issueflow') });
    p.assignee = { ...p.assignee, id: 999 };
    p.issue.author_association = 'NONE';
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('issue template') });
  });

  it('/agent run from a collaborator starts, with the command signal for a running workflow', () => {
    const d = route('issue_comment', comment('/agent run'));
    expect(d).toMatchObject({ kind: 'start', input: { trigger: { kind: 'command' } }, orSignal: { name: 'command', args: { command: 'run', source: 'issue-comment' } } });
  });

  it('/agent run --candidates 3 starts with three candidate patches; without it the repo config decides', () => {
    expect(route('issue_comment', comment('/agent run --candidates 3'))).toMatchObject({ kind: 'start', input: { candidates: 3 } });
    expect((route('issue_comment', comment('/agent run')) as { input: object }).input).not.toHaveProperty('candidates');
  });

  it('honours ALLOWED_REPOS, case-insensitively', () => {
    expect(route('issues', labeled(), { allowedRepos: ['octo/other'] })).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('ALLOWED_REPOS') });
    expect(route('issues', labeled(), { allowedRepos: ['codertocat/hello-world'] })).toMatchObject({ kind: 'start' });
    expect(route('issues', labeled(), { allowedRepos: ['*'] })).toMatchObject({ kind: 'start' });
  });

  it('honours ALLOWED_OWNERS, case-insensitively, beside ALLOWED_REPOS', () => {
    expect(route('issues', labeled(), { allowedOwners: ['octo'] })).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('ALLOWED_OWNERS') });
    expect(route('issues', labeled(), { allowedOwners: ['codertocat'] })).toMatchObject({ kind: 'start' });
    expect(route('issues', labeled(), { allowedOwners: ['octo'], allowedRepos: ['Codertocat/Hello-World'] })).toMatchObject({ kind: 'start' });
    expect(route('issues', labeled(), { allowedOwners: ['codertocat-evil'] })).toMatchObject({ kind: 'ignore' });
  });
});

describe('routeWebhook: comments', () => {
  it('a command becomes the command signal with the comment id and delivery', () => {
    const p = comment('Looks good.\n/agent approve now');
    expect(route('issue_comment', p)).toMatchObject({
      kind: 'signal',
      workflowId: WF,
      signal: { name: 'command', args: { deliveryId: 'd-1', command: 'approve', args: 'now', author: 'Codertocat', commentId: p.comment.id, source: 'issue-comment' } },
    });
  });

  it("the example's free text is feedback", () => {
    expect(route('issue_comment', example('issue_comment', 'created'))).toMatchObject({
      kind: 'signal',
      signal: { name: 'feedback', args: { body: "You are totally right! I'll get this fixed right away.", author: 'Codertocat' } },
    });
  });

  it('the issue author may answer but not command; strangers may do neither', () => {
    expect(route('issue_comment', comment('yes, the login page', 'NONE'))).toMatchObject({ signal: { name: 'feedback', args: { trusted: false } } });
    expect(route('issue_comment', comment('yes, the login page', 'MEMBER'))).toMatchObject({ signal: { name: 'feedback', args: { trusted: true } } });
    expect(route('issue_comment', comment('/agent approve', 'NONE'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('owner') });
    const stranger = comment('please do it', 'NONE');
    stranger.comment.user.id = 1234;
    expect(route('issue_comment', stranger)).toMatchObject({ kind: 'ignore' });
  });

  it('ignores bots by type, issueflow by user id and by App, not by name', () => {
    const bot = comment('/agent run');
    bot.comment.user.type = 'Bot';
    expect(route('issue_comment', bot)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('bot') });
    const self = comment('/agent run');
    self.comment.user.id = 999;
    expect(route('issue_comment', self)).toMatchObject({ kind: 'ignore' });
    const viaApp = comment('/agent run');
    viaApp.comment.performed_via_github_app = { id: 77 };
    expect(route('issue_comment', viaApp)).toMatchObject({ kind: 'ignore' });
    const named = comment('/agent retry');
    named.comment.user.login = 'someone[bot]';
    expect(route('issue_comment', named)).toMatchObject({ kind: 'signal' });
  });

  it("a comment carrying issueflow's marker is input like any other unless issueflow (by user id) wrote it", () => {
    const text = '<!-- issueflow:Codertocat/Hello-World#1:status -->\n**Status**: awaiting approval';
    expect(route('issue_comment', comment(`${text}\n/agent approve`))).toMatchObject({ kind: 'signal', signal: { name: 'command', args: { command: 'approve' } } });
    expect(route('issue_comment', comment(`${text}\nplease use the login page`, 'NONE'))).toMatchObject({ kind: 'signal', signal: { name: 'feedback' } });
    const own = comment(text);
    own.comment.user.id = 999;
    expect(route('issue_comment', own)).toMatchObject({ kind: 'ignore', reason: 'comment by a bot or by issueflow' });
  });

  it('ignores unknown commands and quoted commands are feedback', () => {
    expect(route('issue_comment', comment('/agent dance'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('unknown command') });
    expect(route('issue_comment', comment('> /agent run\nno thanks'))).toMatchObject({ signal: { name: 'feedback' } });
  });

  it('a comment on issueflow\'s pull request is a review round for the issue named by "Fixes #N"', () => {
    const p = comment('please rename the variable');
    p.issue.number = 40;
    p.issue.pull_request = { url: 'x' };
    p.issue.body = 'Implements the change.\n\nFixes #7';
    expect(route('issue_comment', p)).toMatchObject({ workflowId: 'Codertocat/Hello-World#7', signal: { name: 'review', args: { kind: 'pr-comment', pullRequestNumber: 40 } } });
    p.issue.body = 'no reference';
    expect(route('issue_comment', p)).toMatchObject({ kind: 'ignore' });
  });

  it('`/agent escalate` from someone with write access signals the command; without it, ignored', () => {
    expect(route('issue_comment', comment('/agent escalate', 'COLLABORATOR'))).toMatchObject({ kind: 'signal', workflowId: 'Codertocat/Hello-World#1', signal: { name: 'command', args: { command: 'escalate', source: 'issue-comment' } } });
    expect(route('issue_comment', comment('/agent escalate', 'NONE'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('owner, member or collaborator') });
  });

  it('`/agent update` on the issue or on its pull request signals the command to the issue', () => {
    const p = comment('/agent update');
    expect(route('issue_comment', p)).toMatchObject({ kind: 'signal', signal: { name: 'command', args: { command: 'update', source: 'issue-comment' } } });
    p.issue.number = 40;
    p.issue.pull_request = { url: 'x' };
    p.issue.body = 'Fixes #7';
    expect(route('issue_comment', p)).toMatchObject({ workflowId: 'Codertocat/Hello-World#7', signal: { name: 'command', args: { command: 'update', source: 'pr-comment' } } });
  });
});

describe('routeWebhook: issue and pull request lifecycle', () => {
  it('issues.edited signals issueEdited; issues.closed cancels', () => {
    expect(route('issues', example('issues', 'edited'))).toMatchObject({ signal: { name: 'issueEdited', args: { title: 'Spelling error in the README file' } } });
    const closed = example('issues', 'opened');
    closed.action = 'closed';
    expect(route('issues', closed)).toEqual({ kind: 'cancel', ref: { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 1 }, workflowId: WF });
  });

  it("an edit by the issue's author is trusted as the author is; anyone else able to edit has triage or write access", () => {
    const edited = (association: string, editorId?: number) => {
      const p = example('issues', 'edited');
      p.issue.author_association = association;
      if (editorId !== undefined) p.sender = { ...p.sender, id: editorId, login: 'maintainer' };
      return route('issues', p);
    };
    expect(edited('OWNER')).toMatchObject({ signal: { name: 'issueEdited', args: { trusted: true } } });
    expect(edited('NONE')).toMatchObject({ signal: { name: 'issueEdited', args: { trusted: false } } });
    expect(edited('NONE', 4242)).toMatchObject({ signal: { name: 'issueEdited', args: { trusted: true } } });
  });

  it('pull_request.closed on an issueflow branch signals pullRequestClosed; other branches are ignored', () => {
    const p = example('pull_request', 'closed');
    expect(route('pull_request', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('not opened by issueflow') });
    p.pull_request.head.ref = 'issueflow/issue-1';
    p.pull_request.merged = true;
    expect(route('pull_request', p)).toMatchObject({ workflowId: WF, signal: { name: 'pullRequestClosed', args: { pullRequestNumber: 2, merged: true } } });
  });

  it('a pull request from a fork is never issueflow\'s, whatever its branch is called (repo ids, not names)', () => {
    const p = example('pull_request', 'closed');
    p.pull_request.head.ref = 'issueflow/issue-1';
    p.pull_request.merged = true;
    p.pull_request.head.repo = { ...p.pull_request.head.repo, id: 4711, full_name: 'mallory/Hello-World', owner: { ...p.pull_request.head.repo.owner, login: 'mallory' } };
    expect(route('pull_request', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('from a fork') });
    // Renamed (same id, other name): still the repository itself.
    p.pull_request.head.repo = { ...p.pull_request.base.repo, name: 'renamed', full_name: 'Codertocat/renamed' };
    expect(route('pull_request', p)).toMatchObject({ kind: 'signal', signal: { name: 'pullRequestClosed' } });
    // A deleted fork has no repo at all.
    p.pull_request.head.repo = null;
    expect(route('pull_request', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('from a fork') });
    const review = example('pull_request_review', 'submitted');
    review.pull_request.head.ref = 'issueflow/issue-1';
    review.pull_request.head.repo = { ...review.pull_request.head.repo, id: 4711 };
    review.review.body = 'Please add a test.';
    expect(route('pull_request_review', review)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('from a fork') });
  });

  it('issues.closed as completed tells the run why before cancelling it; not_planned (or no reason) only cancels', () => {
    const closed = example('issues', 'opened');
    closed.action = 'closed';
    closed.issue.state_reason = 'completed';
    expect(route('issues', closed)).toEqual({
      kind: 'cancel',
      ref: { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 1 },
      workflowId: WF,
      signal: { name: 'issueClosed', args: { deliveryId: 'd-1', stateReason: 'completed', by: 'Codertocat' } },
    });
    closed.issue.state_reason = 'not_planned';
    expect(route('issues', closed)).toEqual({ kind: 'cancel', ref: { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 1 }, workflowId: WF });
  });

  it('a trigger on an issue with a state label of an earlier story says so (the PR look-up); a first story does not', () => {
    const p = example('issues', 'labeled');
    p.label = { ...p.label, name: 'agent' };
    p.issue.labels = [{ name: 'agent' }];
    p.issue.author_association = 'OWNER';
    p.sender = { ...p.issue.user };
    const first = route('issues', p);
    expect(first).toMatchObject({ kind: 'start' });
    expect((first as { input: { trigger: object } }).input.trigger).not.toHaveProperty('earlierStory');
    p.issue.labels = [{ name: 'agent' }, { name: 'agent:completed' }];
    expect(route('issues', p)).toMatchObject({ kind: 'start', input: { trigger: { earlierStory: true } } });
  });

  it('issues.reopened starts a new story when the issue has the trigger label and a trusted sender', () => {
    const p = example('issues', 'reopened');
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('without the trigger label') });
    p.issue.labels = [{ name: 'agent' }];
    expect(route('issues', p)).toMatchObject({ kind: 'start', workflowId: expect.stringMatching(/#\d+$/), input: { trigger: { kind: 'reopened', deliveryId: 'd-1', earlierStory: true } } });
    p.issue.author_association = 'NONE';
    p.sender = { ...p.issue.user };
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('its own author') });
    p.sender = { ...p.sender, id: 999 };
    expect(route('issues', p)).toMatchObject({ kind: 'ignore', reason: 'reopened by a bot' });
  });

  it('reviews and review comments on issueflow\'s PR are review rounds', () => {
    const review = example('pull_request_review', 'submitted');
    review.pull_request.head.ref = 'issueflow/issue-1';
    expect(route('pull_request_review', review)).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('empty review') });
    review.review.body = 'Please add a test.';
    review.review.state = 'changes_requested';
    expect(route('pull_request_review', review)).toMatchObject({ signal: { name: 'review', args: { kind: 'review', body: 'Please add a test.', reviewState: 'changes_requested' } } });
    const rc = example('pull_request_review_comment', 'created', 1);
    rc.pull_request.head.ref = 'issueflow/issue-1';
    expect(route('pull_request_review_comment', rc)).toMatchObject({ signal: { name: 'review', args: { kind: 'review-comment', path: 'README.md', line: 265 } } });
  });

  it('anything else is ignored with a reason', () => {
    expect(route('ping', example('ping'))).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('ping') });
    expect(route('issues', example('issues', 'locked'))).toMatchObject({ kind: 'ignore', reason: 'issues.locked is not handled' });
  });

  it('reads the issue from a pull request body', () => {
    expect(issueNumberFromBody('Fixes #12')).toBe(12);
    expect(issueNumberFromBody('closes #3 and more')).toBe(3);
    expect(issueNumberFromBody('see #4')).toBeUndefined();
  });
});
