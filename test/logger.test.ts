import { Writable } from 'node:stream';
import { createLogger, scrubSecrets } from '../src/logger';

describe('logs never carry secrets', () => {
  test('scrubSecrets replaces every occurrence of each secret', () => {
    expect(scrubSecrets('token ghp_123456 and again ghp_123456', ['ghp_123456'])).toBe('token [redacted] and again [redacted]');
    expect(scrubSecrets('short abc stays', ['abc'])).toBe('short abc stays');
  });

  test('createLogger writes one JSON line per event with secret paths and literal secrets redacted', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger({ level: 'info', extraSecrets: ['ghp_supersecret'], destination });
    logger.info({ req: { headers: { authorization: 'Bearer abcdef' } }, github: { token: 'tok-123456' }, workflowId: 'o/r#1' }, 'push failed with ghp_supersecret');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry.msg).toBe('push failed with [redacted]');
    expect(entry.workflowId).toBe('o/r#1');
    expect(entry.req.headers.authorization).toBe('[redacted]');
    expect(entry.github.token).toBe('[redacted]');
    expect(lines[0]).not.toMatch(/ghp_supersecret|Bearer abcdef|tok-123456/);
  });

  test("an error logged under `error` (the SDK's failed activities) keeps its type and message, scrubbed", () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger({ level: 'info', extraSecrets: ['ghp_supersecret'], destination });
    const error = Object.assign(new Error('GitHub did not answer (500) while trying to comment, token ghp_supersecret'), { type: 'GithubUnavailable' });
    logger.warn({ activityType: 'publishStatus', error }, 'Activity failed');
    const entry = JSON.parse(lines[0]);
    expect(entry.error.type).toBe('GithubUnavailable');
    expect(entry.error.message).toBe('GitHub did not answer (500) while trying to comment, token [redacted]');
    expect(lines[0]).not.toContain('ghp_supersecret');
  });
});
