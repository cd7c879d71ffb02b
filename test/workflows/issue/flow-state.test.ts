import { DEFAULT_REPO_CONFIG, repoConfigSchema } from '../../../src/domain/repo-config';
import { newFlowData } from '../../../src/workflows/issue/flow-data';
import { FlowState } from '../../../src/workflows/issue/flow-state';

const ref = { owner: 'acme', repo: 'app', issueNumber: 7 };
const fresh = () => new FlowState(ref, 'acme/app#7', newFlowData(ref, 'acme/app#7', DEFAULT_REPO_CONFIG, 'first'));
const said = (body: string) => ({ author: 'alice', trusted: true, body, at: '2026-01-01T00:00:00Z' });

test('a reply is plan feedback while a plan waits for approval, else an answer; each counts as pending feedback', () => {
  const state = fresh();
  state.hearFeedback(said('the button is blue'));
  state.waitForPeople('awaiting-approval', 'Approve the plan');
  state.hearFeedback(said('use red instead'));
  expect(state.data.conversation.map((e) => e.kind)).toEqual(['answer', 'plan-feedback']);
  expect(state.data.pending.feedback).toBe(2);
  expect(state.data.status.pendingQuestion).toBe('Approve the plan');
  state.clearPending();
  expect(state.data.pending.feedback).toBe(0);
});

test('take* consumes what a wait acts on, once', () => {
  const state = fresh();
  state.hearReview(said('rename it'));
  state.askResume();
  expect([state.takeReviews(), state.takeResume()]).toEqual([true, true]);
  expect([state.takeReviews(), state.takeResume(), state.takeUpdate()]).toEqual([false, false, false]);
  state.askHandOver('bob');
  expect([state.takeHandOver(), state.takeHandOver()]).toEqual(['bob', undefined]);
});

test('a delivery id counts once', () => {
  const state = fresh();
  expect([state.firstDelivery('first'), state.firstDelivery('d2'), state.firstDelivery('d2')]).toEqual([false, true, false]);
});

test('an untrusted edit after intake waits for approval; the approval clears only the edit it was asked for', () => {
  const state = fresh();
  state.atPhase('analyze');
  state.issueEdited({ title: 'new', body: 'text', by: 'mallory', trusted: false, at: 't1' });
  const asked = state.data.untrustedEdit;
  expect(asked).toEqual({ by: 'mallory', at: 't1' });
  state.issueEdited({ title: 'newer', body: 'text', by: 'mallory', trusted: false, at: 't2' });
  state.editApproved(asked);
  expect(state.data.untrustedEdit).toEqual({ by: 'mallory', at: 't2' });
  expect(state.data.issue).toMatchObject({ title: 'newer', authorTrusted: false });
});

test('only the head pushed last has checks that count; a CI fix round forgets the re-runs', () => {
  const state = fresh();
  state.useConfig(repoConfigSchema.parse({ ci: {} }));
  state.recordCommit({ filesChanged: ['b.ts', 'a.ts'], sha: 'abc' });
  state.checksChanged('old');
  expect(state.data.pending.checks).toBeUndefined();
  state.checksChanged('abc');
  expect(state.data.pending.checks).toBe(true);
  state.ciRerun([1, 2]);
  expect(state.ciFailed('lint failed')).toBe(1);
  expect(state.data.ci).toEqual({ head: 'abc', fixAttempts: 1, failure: 'lint failed', rerun: [] });
  expect(state.data.filesChanged).toEqual(['a.ts', 'b.ts']);
});

/** Never called: tsc fails on this file if the state's data could be written from outside FlowState. */
export function writesDoNotCompile(state: FlowState): void {
  // @ts-expect-error the data is read-only outside FlowState
  state.data.pending.feedback = 1;
  // @ts-expect-error arrays too, all the way down
  state.data.conversation.push(said('x') as never);
}

describe('the agent session a round continues', () => {
  const run = (sessionId?: string) => ({ agent: 'claude-code', sessionId });
  const onHost = (host?: string) => {
    const state = fresh();
    state.workspacePrepared(host, true);
    state.keepSession(run('s1'), 0);
    return state;
  };

  test("is the last implement run's, on the same host's standing worktree", () => {
    const state = onHost('h1');
    expect(state.resumableSession()).toEqual({ agent: 'claude-code', id: 's1', host: 'h1', seen: 0 });
    state.keepSession(run('s2'), 3);
    expect(state.resumableSession()).toMatchObject({ id: 's2', seen: 3 });
    // After a wait the worktree is looked at again: the same host, not rebuilt, keeps it.
    state.worktreeMayBeGone();
    expect(state.resumableSession()).toBeUndefined();
    state.workspacePrepared('h1', false);
    expect(state.resumableSession()).toMatchObject({ id: 's2' });
  });

  test('a lost host, another host or a rebuilt worktree starts cold', () => {
    const lost = onHost('h1');
    lost.hostLost();
    lost.workspacePrepared('h1', false);
    expect(lost.resumableSession()).toBeUndefined();
    const moved = onHost('h1');
    moved.worktreeMayBeGone();
    moved.workspacePrepared('h2', false);
    expect(moved.resumableSession()).toBeUndefined();
    const rebuilt = onHost('h1');
    rebuilt.worktreeMayBeGone();
    rebuilt.workspacePrepared('h1', true);
    expect(rebuilt.resumableSession()).toBeUndefined();
  });

  test("a lost implement run's own session (from its last heartbeat) is kept for its host alone: continued, with the whole prompt, only if that worker comes back with the worktree", async () => {
    const back = onHost('h1');
    back.hostLost({ agent: 'claude-code', id: 'lost-1', costUsd: 0.5 });
    expect(back.resumableSession()).toBeUndefined();
    back.workspacePrepared('h1', false);
    expect(back.resumableSession()).toEqual({ agent: 'claude-code', id: 'lost-1', host: 'h1', costUsd: 0.5 });
    const elsewhere = onHost('h1');
    elsewhere.hostLost({ agent: 'claude-code', id: 'lost-1' });
    elsewhere.workspacePrepared('h2', false);
    expect(elsewhere.resumableSession()).toBeUndefined();
    const rebuilt = onHost('h1');
    rebuilt.hostLost({ agent: 'claude-code', id: 'lost-1' });
    rebuilt.workspacePrepared('h1', true);
    expect(rebuilt.resumableSession()).toBeUndefined();
  });

  test('a run that named no session leaves none; a new plan or an edited issue sends the whole prompt again', () => {
    const state = onHost('h1');
    state.keepSession(run(undefined), 1);
    expect(state.resumableSession()).toBeUndefined();
    state.keepSession(run('s3'), 1);
    state.recordPlan({ summary: 'again', steps: [], complexity: 'simple', questions: [] });
    expect(state.resumableSession()).toMatchObject({ id: 's3', seen: undefined });
    state.keepSession(run('s4'), 1);
    state.issueEdited({ title: 'same', body: 'same', by: 'alice', trusted: true, at: 't' });
    expect(state.resumableSession()?.seen).toBeUndefined();
  });

  test('carried state from before sessions has none, and resumes nothing', () => {
    const state = fresh();
    state.workspacePrepared(undefined, undefined);
    expect(state.data.agentSession).toBeUndefined();
    expect(state.resumableSession()).toBeUndefined();
  });
});
