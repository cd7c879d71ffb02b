import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_OPTIONS, createHarness, deliver, type Harness } from '../support/harness';
import { example } from '../support/webhook-examples';

let h: Harness;
let workerMetrics: Server;
let workerMetricsUrl: string;
beforeAll(async () => {
  h = await createHarness();
  workerMetrics = createServer((_req, res) => res.end('# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available 99\n'));
  await new Promise<void>((r) => workerMetrics.listen(0, '127.0.0.1', r));
  workerMetricsUrl = `http://127.0.0.1:${(workerMetrics.address() as AddressInfo).port}/metrics`;
}, 120_000);
afterAll(async () => {
  workerMetrics?.close();
  await h?.close();
});

describe('GET /metrics', () => {
  it('counts webhooks by outcome, ack latency and workflow starts, in Prometheus text', async () => {
    const p = example('issues', 'labeled');
    p.label.name = 'agent';
    await deliver(h.app, 'issues', p);
    await deliver(h.app, 'issues', example('issues', 'labeled'));
    await deliver(h.app, 'issues', p, { secret: 'wrong-secret' });
    // Unauthenticated: its event header must not become a label (one new series per request otherwise).
    const headers = { 'content-type': 'application/json', 'x-github-event': 'made-up-event-123', 'x-github-delivery': 'x-1', 'x-hub-signature-256': 'sha256=00' };
    await h.app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: '{}' });
    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).not.toContain('made-up-event-123');
    expect(res.body).toContain('issueflow_webhooks_total{event="unknown",outcome="rejected-invalid_signature"} 1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('issueflow_webhooks_total{event="issues",outcome="started"} 1');
    expect(res.body).toContain('issueflow_webhooks_total{event="issues",outcome="ignored"} 1');
    expect(res.body).toContain('issueflow_webhooks_total{event="issues",outcome="rejected-invalid_signature"} 1');
    expect(res.body).toMatch(/issueflow_webhook_ack_seconds_count\{outcome="started"\} 1/);
    expect(res.body).toContain('issueflow_workflow_starts_total{result="started"} 1');
  });

  it("appends the Temporal worker's metrics when TEMPORAL_METRICS_URL is set, and still answers when it is down", async () => {
    const app = await h.buildApp({ api: { ...API_OPTIONS, temporalMetricsUrl: workerMetricsUrl } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain('issueflow_webhooks_total');
    expect(res.body).toContain('temporal_worker_task_slots_available 99');
    const down = await h.buildApp({ api: { ...API_OPTIONS, temporalMetricsUrl: 'http://127.0.0.1:1/metrics' } });
    const res2 = await down.inject({ method: 'GET', url: '/metrics' });
    expect(res2.statusCode).toBe(200);
    expect(res2.body).toContain('# temporal worker metrics unavailable');
  });
});

describe('OpenAPI', () => {
  it('documents every route with its responses and the one error shape, and serves /docs', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/webhooks/github', '/jobs', '/jobs/{id}', '/jobs/{id}/signals/{name}', '/jobs/{id}/logs', '/jobs/{id}/events', '/admin/pause', '/admin/resume', '/metrics']),
    );
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses?: Record<string, unknown>; security?: unknown }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect([path, method, Object.keys(op.responses ?? {}).length > 0]).toEqual([path, method, true]);
        if (path.startsWith('/jobs') || path.startsWith('/admin')) {
          expect(op.security).toEqual([{ bearerAuth: [] }]);
          expect(Object.keys(op.responses!)).toEqual(expect.arrayContaining(['401', '503']));
        }
      }
    }
    const err = doc.paths['/jobs/{id}'].get.responses['404'].content['application/json'].schema;
    expect(err.properties.error.required).toEqual(['code', 'message']);
    expect(doc.paths['/jobs/{id}/signals/{name}'].post.requestBody).toBeDefined();
    const ui = await h.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with the shared error shape', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('/nope') } });
  });
});
