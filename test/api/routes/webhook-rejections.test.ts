import { connect, type AddressInfo } from 'node:net';
import { API_BODY_LIMIT, buildApp } from '../../../src/api/app';
import { createHarness, deliver, newDeliveryId, SECRET, TOKEN, testConfig, API_OPTIONS, captureLogger, type Harness } from '../support/harness';
import { example } from '../support/webhook-examples';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 120_000);
afterAll(async () => h?.close());

const payload = () => {
  const p = example('issues', 'labeled');
  p.label.name = 'agent';
  return p;
};

/** Nothing was recorded and no workflow was started. */
async function expectNothingDone() {
  expect((await h.db.pool.query('SELECT count(*)::int AS n FROM webhook_deliveries')).rows[0].n).toBe(0);
  expect((await h.client.workflow.count()).count).toBe(0);
}

/** The rejection was logged with its delivery id and reason; the secret and the body never were. */
function expectLogged(deliveryId: string, reason: string) {
  const line = h.logs.find((l) => l.includes(deliveryId) && l.includes('webhook rejected'));
  expect(line && JSON.parse(line)).toMatchObject({ deliveryId, reason });
  const all = h.logs.join('\n');
  expect(all).not.toContain(SECRET);
  expect(all).not.toContain('Codertocat/Hello-World/issues/1/labels'); // a string of the payload
}

describe('POST /webhooks/github: rejections', () => {
  afterEach(expectNothingDone);

  it('401 for a wrong signature', async () => {
    const deliveryId = newDeliveryId();
    const res = await deliver(h.app, 'issues', payload(), { deliveryId, secret: 'not-the-secret' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'invalid_signature', message: expect.stringContaining('GITHUB_WEBHOOK_SECRET') } });
    expectLogged(deliveryId, 'invalid_signature');
  });

  it('401 for a missing signature', async () => {
    const deliveryId = newDeliveryId();
    const res = await deliver(h.app, 'issues', payload(), { deliveryId, headers: { 'x-hub-signature-256': undefined } });
    expect(res.statusCode).toBe(401);
    expectLogged(deliveryId, 'missing_signature');
  });

  it('401 for a body changed after signing', async () => {
    const body = JSON.stringify(payload());
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': newDeliveryId(), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      payload: body,
    });
    expect(res.statusCode).toBe(401);
  });

  it('400 without X-GitHub-Event or X-GitHub-Delivery', async () => {
    const deliveryId = newDeliveryId();
    const noEvent = await deliver(h.app, 'issues', payload(), { deliveryId, headers: { 'x-github-event': undefined } });
    expect(noEvent.statusCode).toBe(400);
    expect(noEvent.json()).toMatchObject({ error: { code: 'missing_event' } });
    expectLogged(deliveryId, 'missing_event');
    const noDelivery = await deliver(h.app, 'issues', payload(), { headers: { 'x-github-delivery': undefined } });
    expect(noDelivery.statusCode).toBe(400);
    expect(noDelivery.json()).toMatchObject({ error: { code: 'missing_delivery' } });
  });

  it('415 for a form-encoded body (JSON only)', async () => {
    const deliveryId = newDeliveryId();
    const res = await deliver(h.app, 'issues', undefined, { deliveryId, raw: `payload=${encodeURIComponent(JSON.stringify(payload()))}`, contentType: 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    expectLogged(deliveryId, 'FST_ERR_CTP_INVALID_MEDIA_TYPE');
  });

  it('400 for malformed JSON, even correctly signed', async () => {
    const deliveryId = newDeliveryId();
    const res = await deliver(h.app, 'issues', undefined, { deliveryId, raw: '{"action": "labeled",' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'malformed_json' } });
    expectLogged(deliveryId, 'malformed_json');
  });

  it('413 for a body over 25 MB', async () => {
    const deliveryId = newDeliveryId();
    const big = JSON.stringify({ ...payload(), padding: 'x'.repeat(25 * 1024 * 1024) });
    const res = await deliver(h.app, 'issues', undefined, { deliveryId, raw: big });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'body_too_large' } });
    expectLogged(deliveryId, 'FST_ERR_CTP_BODY_TOO_LARGE');
  });

  it('413 from the declared Content-Length alone, before the body is read; other routes take at most 1 MiB', async () => {
    const server = await h.buildApp();
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = server.server.address() as AddressInfo;
      const deliveryId = newDeliveryId();
      // Announce 26 MB, send 2 bytes and keep the socket open: the answer cannot have waited for the body.
      const head = await rawRequest(port, [
        'POST /webhooks/github HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        'X-GitHub-Event: issues',
        `X-GitHub-Delivery: ${deliveryId}`,
        `X-Hub-Signature-256: sha256=${'0'.repeat(64)}`,
        `Content-Length: ${26 * 1024 * 1024}`,
      ]);
      expect(head).toMatch(/^HTTP\/1\.1 413 /);
      expect(head).toContain('body_too_large');
      expectLogged(deliveryId, 'FST_ERR_CTP_BODY_TOO_LARGE');

      const jobs = await server.inject({ method: 'POST', url: '/jobs/a%2Fb%231/signals/feedback', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, payload: JSON.stringify({ body: 'x'.repeat(API_BODY_LIMIT) }) });
      expect(jobs.statusCode).toBe(413);
      expect(jobs.json()).toMatchObject({ error: { code: 'body_too_large' } });
    } finally {
      await server.close();
    }
  });

  it('the route exists only when webhooks are enabled', async () => {
    const { logger } = captureLogger();
    const off = await buildApp({ logger, checks: [], services: { client: h.client, pool: h.db.pool, config: testConfig({ GITHUB_WEBHOOK_SECRET: '', ISSUEFLOW_WEBHOOKS: 'off' }), api: API_OPTIONS } });
    const res = await deliver(off, 'issues', payload());
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    await off.close();
  });
});

/** Sends a request head and the first bytes of a body, then waits for the response head (or fails after 10 s). */
function rawRequest(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s; received: ${received}`));
    }, 10_000);
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n{"`));
    socket.on('data', (d) => {
      received += d;
      if (received.includes('\r\n\r\n') && received.includes('}')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
  });
}
