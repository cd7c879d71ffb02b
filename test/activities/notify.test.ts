import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { createNotifyActivities } from '../../src/activities/notify';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('end-state notifications', () => {
  let server: Server;
  let url: string;
  let status = 200;
  const received: Received[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = status;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    received.length = 0;
    status = 200;
  });

  const input = { workflowId: 'acme/tiny#7', ref: { owner: 'acme', repo: 'tiny', issueNumber: 7 }, state: 'failed' as const, summary: 'Tests kept failing' };

  test('posts the event, signed with NOTIFY_SECRET', async () => {
    await createNotifyActivities({ config: { notify: { url, secret: 'shh-notify-secret' } } }).notifyEndState({ ...input, pullRequestUrl: 'https://github.com/acme/tiny/pull/8' });
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    const expected = 'sha256=' + createHmac('sha256', 'shh-notify-secret').update(body).digest('hex');
    expect(headers['x-issueflow-signature-256']).toBe(expected);
    expect(headers['content-type']).toBe('application/json');
    const json = JSON.parse(body);
    expect(json).toMatchObject({ event: 'issueflow.ended', workflowId: 'acme/tiny#7', repo: 'acme/tiny', issueNumber: 7, state: 'failed', pullRequestUrl: 'https://github.com/acme/tiny/pull/8', summary: 'Tests kept failing' });
    expect(Date.parse(json.at)).not.toBeNaN();
    expect(body).not.toContain('shh-notify-secret');
  });

  test('does nothing when NOTIFY_URL is not set', async () => {
    await createNotifyActivities({ config: { notify: {} } }).notifyEndState(input);
    expect(received).toHaveLength(0);
  });

  test('a 500 is retryable, a 400 is not', async () => {
    const notify = createNotifyActivities({ config: { notify: { url, secret: 's3cret' } } });
    status = 500;
    const e500 = await notify.notifyEndState(input).catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(ApplicationFailure);
    expect((e500 as ApplicationFailure).nonRetryable).toBe(false);
    status = 400;
    const e400 = await notify.notifyEndState(input).catch((e: unknown) => e);
    expect((e400 as ApplicationFailure).nonRetryable).toBe(true);
    expect((e400 as ApplicationFailure).message).not.toContain('s3cret');
  });

  test('an unreachable receiver is retryable', async () => {
    const notify = createNotifyActivities({ config: { notify: { url: 'http://127.0.0.1:1/x' } } });
    const e = await notify.notifyEndState(input).catch((err: unknown) => err);
    expect((e as ApplicationFailure).nonRetryable).toBe(false);
  });
});
