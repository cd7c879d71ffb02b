import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { startWebhookProxy, type WebhookProxy } from '../../src/api/webhook-proxy';
import { captureLogger, createHarness, SECRET, type Harness } from './support/harness';
import { example } from './support/webhook-examples';
import { smeeChannel, type SmeeChannel } from '../support/smee-channel';

let h: Harness;
let channel: SmeeChannel;
let proxy: WebhookProxy;
const proxyLog = captureLogger();
beforeAll(async () => {
  h = await createHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  channel = await smeeChannel();
  const source = channel.url;
  proxyLog.logger.level = 'debug';
  proxy = await startWebhookProxy({ source, target: `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}/webhooks/github`, logger: proxyLog.logger });
  await channel.ready;
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  channel?.close();
  await h?.close();
});

async function until<T>(what: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const v = await what();
    if (v !== undefined) return v;
  }
  throw new Error('timed out');
}

describe('WEBHOOK_PROXY_URL: deliveries from a smee channel', () => {
  it('reach POST /webhooks/github with their signature valid, and start the workflow', async () => {
    const payload = example('issues', 'labeled');
    payload.label.name = 'agent';
    const signature = await new Webhooks({ secret: SECRET }).sign(JSON.stringify(payload));
    channel.publish({ 'x-github-event': 'issues', 'x-github-delivery': 'proxy-delivery-1', 'x-hub-signature-256': signature, 'user-agent': 'GitHub-Hookshot/abc' }, payload);
    await until(() => proxyLog.lines.find((l) => l.includes('/webhooks/github - 202')));
    const started = await until(() => h.client.workflow.getHandle('Codertocat/Hello-World#1').describe().catch(() => undefined));
    expect(started.status.name).toBe('RUNNING');
    expect(h.logs.join('')).toContain('"deliveryId":"proxy-delivery-1"');
  });

  it('a body changed on the way fails the signature check (401), as a direct delivery would', async () => {
    const payload = example('issues', 'labeled');
    const signature = await new Webhooks({ secret: SECRET }).sign(JSON.stringify(payload));
    payload.label.name = 'agent';
    channel.publish({ 'x-github-event': 'issues', 'x-github-delivery': 'proxy-delivery-2', 'x-hub-signature-256': signature }, payload);
    await until(() => proxyLog.lines.find((l) => l.includes('/webhooks/github - 401')));
    expect(h.logs.join('')).toMatch(/"deliveryId":"proxy-delivery-2".*"reason":"invalid_signature"/);
  });

  it('never logs the channel URL, which lets anyone read the deliveries', () => {
    expect(proxyLog.lines.join('')).not.toContain('Xy12channel');
  });

  it('fails the start with the variable named when the channel cannot be reached', async () => {
    await expect(startWebhookProxy({ source: 'http://127.0.0.1:9/nothing', target: 'http://127.0.0.1:9/webhooks/github', logger: captureLogger().logger, connectTimeoutMs: 2000 })).rejects.toThrow(/^WEBHOOK_PROXY_URL: could not connect/);
  });
});
