import { captureLogger, createHarness, deliver, eventually, history, startStubWorker, testConfig, API_OPTIONS, TOKEN, type Harness } from '../../support/harness';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { buildApp } from '../../../../src/api/app';
import { approveIssue } from '../../../../src/api/approve-issue';
import { example } from '../../support/webhook-examples';

let h: Harness;
let worker: { stop(): Promise<void> };
beforeAll(async () => {
  h = await createHarness();
  worker = await startStubWorker(h);
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const enc = (id: string) => encodeURIComponent(id);
const get = (url: string) => h.app.inject({ method: 'GET', url, headers: auth });

async function startJob(repo: string, issue: number): Promise<string> {
  const p = example('issues', 'labeled');
  p.repository.name = repo;
  p.repository.full_name = `Codertocat/${repo}`;
  p.issue.number = issue;
  p.label.name = 'agent';
  const res = await deliver(h.app, 'issues', p);
  expect(res.json()).toMatchObject({ outcome: 'started' });
  return `Codertocat/${repo}#${issue}`;
}

describe('jobs API: access', () => {
  it('401 without or with a wrong token', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/jobs' })).statusCode).toBe(401);
    const wrong = await h.app.inject({ method: 'GET', url: '/jobs', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('ISSUEFLOW_API_TOKEN') } });
    expect(wrong.body).not.toContain(TOKEN);
    expect((await h.app.inject({ method: 'POST', url: '/admin/pause' })).statusCode).toBe(401);
  });

  it('503 naming ISSUEFLOW_API_TOKEN when no token is configured', async () => {
    const { logger } = captureLogger();
    const app = await buildApp({ logger, checks: [], services: { client: h.client, pool: h.db.pool, config: testConfig({ ISSUEFLOW_API_TOKEN: '' }), api: API_OPTIONS } });
    const res = await app.inject({ method: 'GET', url: '/jobs', headers: auth });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('ISSUEFLOW_API_TOKEN');
    await app.close();
  });

  it('rate-limits before checking the token, answering 429 in the shared error shape', async () => {
    const app = await h.buildApp({ api: { ...API_OPTIONS, rateLimitPerMinute: 2 } });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await app.inject({ method: 'GET', url: '/jobs', headers: { authorization: 'Bearer guess' } })).statusCode);
    expect(codes).toEqual([401, 401, 429]);
    const limited = await app.inject({ method: 'GET', url: '/admin/pause', headers: auth });
    expect(limited.statusCode).toBe(200); // each prefix has its own budget
    await app.inject({ method: 'GET', url: '/admin/pause', headers: auth });
    const third = await app.inject({ method: 'GET', url: '/admin/pause', headers: auth });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('retry in') } });
  });
});

describe('jobs API: workflows', () => {
  let a1: string;
  let a2: string;
  beforeAll(async () => {
    a1 = await startJob('alpha', 1);
    a2 = await startJob('alpha', 2);
    await startJob('beta', 1);
  });

  it('lists by repository and by state, a page at a time', async () => {
    const alpha = await eventually(() => get('/jobs?repo=Codertocat/alpha').then((r) => r.json()), (b) => b.jobs?.length === 2);
    expect(alpha.jobs.map((j: { workflowId: string }) => j.workflowId).sort()).toEqual([a1, a2]);
    expect(alpha.jobs[0]).toMatchObject({ repo: 'Codertocat/alpha', status: 'RUNNING', startTime: expect.any(String) });

    const approved = await h.app.inject({ method: 'POST', url: `/jobs/${enc(a2)}/signals/approve`, headers: auth, payload: {} });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ workflowId: a2, signal: 'approve', approved: true, state: 'awaiting-approval', deliveryId: expect.stringMatching(/^api-/) });
    const implementing = await eventually(() => get('/jobs?state=implementing').then((r) => r.json()), (b) => b.jobs?.length === 1);
    expect(implementing.jobs).toMatchObject([{ workflowId: a2, state: 'implementing' }]);

    const first = (await eventually(() => get('/jobs?pageSize=2').then((r) => r.json()), (b) => !!b.nextPageToken)) as { jobs: unknown[]; nextPageToken: string };
    expect(first.jobs).toHaveLength(2);
    const second = (await get(`/jobs?pageSize=2&pageToken=${first.nextPageToken}`)).json();
    expect(second.jobs).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
    expect((await get('/jobs?state=nonsense')).statusCode).toBe(400);
  });

  it('shows one job: describe plus the status query', async () => {
    const res = await get(`/jobs/${enc(a1)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ workflowId: a1, runId: expect.any(String), status: 'RUNNING', historyLength: expect.any(Number), issue: { state: 'awaiting-approval', issueNumber: 1, steps: [{ step: 'analyze' }] } });
    expect((await get(`/jobs/${enc('Codertocat/alpha#999')}`)).statusCode).toBe(404);
    expect((await get('/jobs/not-an-id')).json()).toMatchObject({ error: { code: 'invalid_job_id' } });
  });

  it('sends feedback and commands as signals with an api delivery id; validates bodies', async () => {
    const fb = await h.app.inject({ method: 'POST', url: `/jobs/${enc(a1)}/signals/feedback`, headers: auth, payload: { body: 'use the v2 endpoint', author: 'ops' } });
    expect(fb.statusCode).toBe(202);
    expect(fb.json()).toMatchObject({ workflowId: a1, signal: 'feedback', deliveryId: expect.stringMatching(/^api-[0-9a-f-]{36}$/) });
    const retry = await h.app.inject({ method: 'POST', url: `/jobs/${enc(a1)}/signals/retry`, headers: auth, payload: { args: 'tests' } });
    expect(retry.statusCode).toBe(202);
    const budget = await h.app.inject({ method: 'POST', url: `/jobs/${enc(a1)}/signals/budget`, headers: auth, payload: { args: '10 minutes=200' } });
    expect(budget.statusCode).toBe(202);
    // A signal that arrives while the worker holds a workflow task is buffered until the task completes.
    const { signals } = await eventually(() => history(h.client, a1), (x) => x.signals.length === 3);
    expect(signals).toEqual([
      { name: 'feedback', arg: { deliveryId: fb.json().deliveryId, author: 'ops', body: 'use the v2 endpoint', trusted: true } },
      { name: 'command', arg: { deliveryId: retry.json().deliveryId, command: 'retry', args: 'tests', author: 'api', source: 'api' } },
      { name: 'command', arg: { deliveryId: budget.json().deliveryId, command: 'budget', args: '10 minutes=200', author: 'api', source: 'api' } },
    ]);
    expect((await h.app.inject({ method: 'POST', url: `/jobs/${enc(a1)}/signals/feedback`, headers: auth, payload: {} })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: `/jobs/${enc(a1)}/signals/dance`, headers: auth, payload: {} })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: `/jobs/${enc(a1)}/signals/approve`, headers: auth, payload: { author: 'x'.repeat(200) } })).statusCode).toBe(400);
  });

  it('approve answers: 409 when nothing waits for approval (and the refusal leaves no trace in the history), 404 for no job', async () => {
    const approveUrl = (id: string) => `/jobs/${enc(id)}/signals/approve`;
    const updates = async (id: string) => (await history(h.client, id)).events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    await eventually(() => get(`/jobs/${enc(a2)}`).then((r) => r.json()), (b) => b.issue?.state === 'implementing');
    expect(await updates(a2)).toBe(1);
    const again = await h.app.inject({ method: 'POST', url: approveUrl(a2), headers: auth, payload: { author: 'ops' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: { code: 'nothing_to_approve', message: expect.stringContaining('nothing to approve: the issue is implementing') } });
    expect(await updates(a2)).toBe(1);
    expect((await h.app.inject({ method: 'POST', url: approveUrl('Codertocat/alpha#404'), headers: auth, payload: {} })).statusCode).toBe(404);
  });

  it('approveIssue gives up when no worker answers in time', async () => {
    const id = 'Codertocat/nobody#1';
    await h.client.workflow.start('issueWorkflow', { workflowId: id, taskQueue: 'no-worker-polls-this', args: [{ owner: 'Codertocat', repo: 'nobody', issueNumber: 1, trigger: { deliveryId: 'd', kind: 'labeled', actor: 'x' } }] });
    await expect(approveIssue(h.client, id, { deliveryId: 'api-1', author: 'ops' }, 500)).rejects.toBeInstanceOf(WorkflowUpdateRPCTimeoutOrCancelledError);
    await h.client.workflow.getHandle(id).terminate();
  });

  it('cancels with DELETE', async () => {
    const id = await startJob('gamma', 5);
    const res = await h.app.inject({ method: 'DELETE', url: `/jobs/${enc(id)}`, headers: auth });
    expect(res.statusCode).toBe(202);
    expect(await h.client.workflow.getHandle(id).result()).toBe('cancelled');
    expect((await h.app.inject({ method: 'DELETE', url: `/jobs/${enc('Codertocat/gamma#404')}`, headers: auth })).statusCode).toBe(404);
  });
});

describe('jobs API: logs', () => {
  it('pages through the run log by id cursor, optionally by step', async () => {
    const id = 'Codertocat/logs#1';
    for (let i = 1; i <= 5; i++) {
      await h.db.pool.query('INSERT INTO run_logs (workflow_id, step, stream, chunk) VALUES ($1, $2, $3, $4)', [id, i <= 3 ? 'analyze' : 'test', 'stdout', `line ${i}\n`]);
    }
    await h.db.pool.query("INSERT INTO run_logs (workflow_id, step, chunk) VALUES ('Codertocat/other#1', 'analyze', 'not mine')");
    const p1 = (await get(`/jobs/${enc(id)}/logs?limit=2`)).json();
    expect(p1.lines.map((l: { chunk: string }) => l.chunk)).toEqual(['line 1\n', 'line 2\n']);
    const p2 = (await get(`/jobs/${enc(id)}/logs?limit=2&cursor=${p1.nextCursor}`)).json();
    const p3 = (await get(`/jobs/${enc(id)}/logs?limit=2&cursor=${p2.nextCursor}`)).json();
    expect([...p2.lines, ...p3.lines].map((l: { chunk: string }) => l.chunk)).toEqual(['line 3\n', 'line 4\n', 'line 5\n']);
    expect(p3.nextCursor).toBeUndefined();
    const test = (await get(`/jobs/${enc(id)}/logs?step=test`)).json();
    expect(test.lines).toMatchObject([{ step: 'test', chunk: 'line 4\n' }, { step: 'test', chunk: 'line 5\n' }]);
  });
});

describe('admin API', () => {
  it('pauses and resumes agent runs', async () => {
    expect((await get('/admin/pause')).json()).toEqual({ paused: false });
    expect((await h.app.inject({ method: 'POST', url: '/admin/pause', headers: auth })).json()).toEqual({ paused: true });
    expect((await get('/admin/pause')).json()).toEqual({ paused: true });
    expect((await h.app.inject({ method: 'POST', url: '/admin/resume', headers: auth })).json()).toEqual({ paused: false });
  });
});
