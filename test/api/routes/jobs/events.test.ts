import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { createHarness, deliver, startStubWorker, TOKEN, type Harness } from '../../support/harness';
import { openEventStream } from '../../support/sse-client';
import { example } from '../../support/webhook-examples';

let h: Harness;
let worker: { stop(): Promise<void> };
let base: string;
const streams: Array<{ close(): void }> = [];
beforeAll(async () => {
  h = await createHarness({ events: { heartbeatMs: 300 } });
  worker = await startStubWorker(h);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
}, 180_000);
afterEach(() => streams.splice(0).forEach((s) => s.close()));
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
function stream(id: string, headers: Record<string, string> = {}) {
  const s = openEventStream(`${base}/jobs/${encodeURIComponent(id)}/events`, { ...auth, ...headers });
  streams.push(s);
  return s;
}

async function startJob(issue: number): Promise<string> {
  const p = example('issues', 'labeled');
  p.issue.number = issue;
  p.label.name = 'agent';
  expect((await deliver(h.app, 'issues', p)).json()).toMatchObject({ outcome: 'started' });
  return `Codertocat/Hello-World#${issue}`;
}

async function writeLog(id: string, chunk: string): Promise<number> {
  const r = await h.db.pool.query("INSERT INTO run_logs (workflow_id, step, chunk) VALUES ($1, 'implement-1', $2) RETURNING id", [id, chunk]);
  await h.db.pool.query("SELECT pg_notify('run_log', $1)", [id]);
  return Number(r.rows[0].id);
}

describe('GET /jobs/:id/events', () => {
  it('sends the current state, then a state change within 1 s of it happening', async () => {
    const id = await startJob(1);
    const s = stream(id);
    await s.ready;
    expect(s.status).toBe(200);
    const first = await s.waitFor((e) => e.event === 'state');
    expect(JSON.parse(first.data)).toMatchObject({ workflowId: id, state: 'awaiting-approval' });

    const sentAt = Date.now();
    await h.client.workflow.getHandle(id).signal('command', { deliveryId: 'sse-1', command: 'approve', author: 'me', source: 'api' });
    const change = await s.waitFor((e) => e.event === 'state' && JSON.parse(e.data).state === 'implementing', 3000);
    expect(change.receivedAt - sentAt).toBeLessThan(1000);
  });

  it('gives streams of one job one status query a poll between them, and still each state change', async () => {
    // A second app whose Temporal client counts the status queries it sends.
    const queries: string[] = [];
    const counting = new Client({
      connection: h.env.connection,
      interceptors: { workflow: [{ query: (input, next) => (queries.push(input.queryType), next(input)) }] },
    });
    const app = await h.buildApp({ client: counting });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const id = await startJob(6);
    const three = [0, 1, 2].map(() => openEventStream(`${url}/jobs/${encodeURIComponent(id)}/events`, auth));
    streams.push(...three);
    await Promise.all(three.map((s) => s.waitFor((e) => e.event === 'state')));
    queries.length = 0;
    await new Promise((r) => setTimeout(r, 2000)); // 4 polls of 500 ms by each of the 3 streams
    const polled = queries.filter((q) => q === 'status').length;
    expect(polled).toBeGreaterThanOrEqual(2);
    expect(polled).toBeLessThanOrEqual(6); // 12 without the sharing

    await h.client.workflow.getHandle(id).signal('command', { deliveryId: 'sse-6', command: 'approve', author: 'me', source: 'api' });
    await Promise.all(three.map((s) => s.waitFor((e) => e.event === 'state' && JSON.parse(e.data).state === 'implementing', 3000)));
  });

  it('sends a log line within 1 s of it being written, with its id as the event id', async () => {
    const id = await startJob(2);
    const s = stream(id);
    await s.waitFor((e) => e.event === 'state');
    const writtenAt = Date.now();
    const lineId = await writeLog(id, 'npm test: 12 passing\n');
    const line = await s.waitFor((e) => e.event === 'log', 3000);
    expect(line.receivedAt - writtenAt).toBeLessThan(1000);
    expect(line.id).toBe(String(lineId));
    expect(JSON.parse(line.data)).toMatchObject({ id: lineId, step: 'implement-1', chunk: 'npm test: 12 passing\n' });
  });

  it('resumes after Last-Event-ID: earlier lines are not sent again', async () => {
    const id = await startJob(3);
    const l1 = await writeLog(id, 'one\n');
    const l2 = await writeLog(id, 'two\n');
    const s = stream(id, { 'last-event-id': String(l1) });
    await s.waitFor((e) => e.event === 'log' && e.id === String(l2));
    const l3 = await writeLog(id, 'three\n');
    await s.waitFor((e) => e.id === String(l3), 2000);
    expect(s.events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data).chunk)).toEqual(['two\n', 'three\n']);
  });

  it('keeps the connection alive with `: ping` comments', async () => {
    const id = await startJob(4);
    const s = stream(id);
    await s.waitFor((e) => e.event === 'state');
    await new Promise((r) => setTimeout(r, 700));
    expect(s.comments).toContain(': ping');
  });

  it('ends open streams when the app closes, so shutdown does not hang', async () => {
    const id = await startJob(5);
    const app = await h.buildApp({ events: { heartbeatMs: 300 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const s = openEventStream(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/jobs/${encodeURIComponent(id)}/events`, auth);
    streams.push(s);
    await s.waitFor((e) => e.event === 'state');
    const t0 = Date.now();
    await app.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    await s.ended;
  }, 10_000);

  it('answers 404 for an unknown job and 401 without the token, as JSON', async () => {
    const missing = stream('Codertocat/Hello-World#4040');
    await missing.ready;
    expect(missing.status).toBe(404);
    const anonymous = openEventStream(`${base}/jobs/${encodeURIComponent('Codertocat/Hello-World#1')}/events`, {});
    streams.push(anonymous);
    await anonymous.ready;
    expect(anonymous.status).toBe(401);
  });
});
