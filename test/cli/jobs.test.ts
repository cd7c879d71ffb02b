import type { AddressInfo } from 'node:net';
import { runJobsCommand } from '../../src/cli/jobs';
import { createHarness, deliver, history, startStubWorker, TOKEN, type Harness } from '../api/support/harness';
import { example } from '../api/support/webhook-examples';

let h: Harness;
let env: Record<string, string>;
beforeAll(async () => {
  h = await createHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  env = { ISSUEFLOW_API_URL: `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`, ISSUEFLOW_API_TOKEN: TOKEN };
}, 120_000);
afterAll(async () => h?.close());

async function run(argv: string[], e: Record<string, string> = env) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runJobsCommand(argv, e, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const ID = 'Codertocat/Hello-World#1';

describe('issueflow jobs', () => {
  beforeAll(async () => {
    const p = example('issues', 'labeled');
    p.label.name = 'agent';
    expect((await deliver(h.app, 'issues', p)).json()).toMatchObject({ outcome: 'started' });
    await h.db.pool.query("INSERT INTO run_logs (workflow_id, step, chunk) VALUES ($1, 'analyze', 'thinking\n'), ($1, 'test', '3 passing\n')", [ID]);
  });

  it('list shows the job once visibility has it', async () => {
    let r = await run(['list', '--repo', 'Codertocat/Hello-World']);
    for (let i = 0; i < 50 && !r.out.includes(ID); i++) {
      await new Promise((res) => setTimeout(res, 200));
      r = await run(['list', '--repo', 'Codertocat/Hello-World']);
    }
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Codertocat\/Hello-World#1\s+queued\s+RUNNING/);
  });

  it('show, logs, signal and cancel', async () => {
    const show = await run(['show', ID]);
    expect(show).toMatchObject({ code: 0, out: expect.stringContaining('Codertocat/Hello-World#1') });
    expect(show.out).toContain('status not available'); // no worker in this test: the query cannot be answered
    expect(await run(['logs', ID])).toMatchObject({ code: 0, out: '[analyze] thinking\n[test] 3 passing' });
    expect(await run(['logs', ID, '--step', 'test'])).toMatchObject({ out: '[test] 3 passing' });
    expect(await run(['signal', ID, 'feedback', 'use', 'v2'])).toMatchObject({ code: 0, out: expect.stringContaining('sent feedback') });
    expect(await run(['signal', ID, 'retry'])).toMatchObject({ code: 0, out: expect.stringContaining('sent retry') });
    expect((await history(h.client, ID)).signals).toMatchObject([
      { name: 'feedback', arg: { body: 'use v2', author: 'api' } },
      { name: 'command', arg: { command: 'retry', source: 'api' } },
    ]);
    expect(await run(['cancel', ID])).toMatchObject({ code: 0, out: `cancellation requested for ${ID}` });
  });

  it('approve says whether the plan was approved or there was nothing to approve', async () => {
    const worker = await startStubWorker(h);
    try {
      const p = example('issues', 'labeled');
      p.label.name = 'agent';
      p.issue.number = 2;
      expect((await deliver(h.app, 'issues', p)).json()).toMatchObject({ outcome: 'started' });
      const id = 'Codertocat/Hello-World#2';
      expect(await run(['approve', id])).toEqual({ code: 0, out: `approved ${id} (it was awaiting-approval); the work goes ahead`, err: '' });
      expect(await run(['signal', id, 'approve'])).toMatchObject({ code: 1, err: expect.stringContaining('409: nothing to approve: the issue is implementing') });
      expect(await run(['approve', 'Codertocat/Hello-World#404'])).toMatchObject({ code: 1, err: expect.stringContaining('404: No workflow') });
    } finally {
      await worker.stop();
    }
  });

  it('says what to fix: missing token, wrong token, unknown job, unreachable API, usage', async () => {
    expect(await run(['list'], { ISSUEFLOW_API_URL: env.ISSUEFLOW_API_URL })).toMatchObject({ code: 1, err: expect.stringContaining('ISSUEFLOW_API_TOKEN is not set') });
    expect(await run(['list'], { ...env, ISSUEFLOW_API_TOKEN: 'wrong' })).toMatchObject({ code: 1, err: expect.stringContaining('401') });
    expect(await run(['show', 'Codertocat/Hello-World#77'])).toMatchObject({ code: 1, err: expect.stringContaining('404: No workflow') });
    expect(await run(['list'], { ...env, ISSUEFLOW_API_URL: 'http://127.0.0.1:1' })).toMatchObject({ code: 1, err: expect.stringContaining('ISSUEFLOW_API_URL') });
    expect(await run(['signal', ID, 'dance'])).toMatchObject({ code: 1 });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2 });
  });
});
