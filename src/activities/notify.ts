import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { NotifyActivities } from './types';

/** What the notifier needs: NOTIFY_URL and NOTIFY_SECRET from the config; `fetch` is replaceable for tests. */
export interface NotifyDeps {
  config: Pick<Config, 'notify'>;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/** The failure type of a notification that could not be delivered. */
export const NOTIFY_FAILED = 'NotifyFailed';

/** The signature header value: `sha256=<hex HMAC-SHA256 of the raw body>`, as GitHub signs webhooks. */
export function signNotification(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The end-state notification: a signed JSON POST to NOTIFY_URL, nothing when it is unset.
 * 5xx, 429 and network errors are retryable; other 4xx are not (the receiver rejects this payload).
 */
export function createNotifyActivities(deps: NotifyDeps): NotifyActivities {
  const doFetch = deps.fetch ?? fetch;
  return {
    async notifyEndState(input) {
      const { url, secret } = deps.config.notify;
      if (!url) return;
      const body = JSON.stringify({
        event: 'issueflow.ended',
        workflowId: input.workflowId,
        repo: `${input.ref.owner}/${input.ref.repo}`,
        issueNumber: input.ref.issueNumber,
        state: input.state,
        pullRequestUrl: input.pullRequestUrl ?? null,
        summary: input.summary,
        at: new Date().toISOString(),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'issueflow' };
      if (secret) headers['x-issueflow-signature-256'] = signNotification(body, secret);
      const target = new URL(url).origin;
      let res: Response;
      try {
        res = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) });
      } catch (err) {
        throw ApplicationFailure.retryable(`Could not reach NOTIFY_URL (${target}): ${(err as Error).message}`, NOTIFY_FAILED);
      }
      await res.body?.cancel();
      if (res.ok) {
        deps.logger?.info({ workflowId: input.workflowId, state: input.state, status: res.status }, 'end state notified');
        return;
      }
      const message = `NOTIFY_URL (${target}) answered ${res.status}`;
      if (res.status >= 500 || res.status === 429) throw ApplicationFailure.retryable(message, NOTIFY_FAILED);
      throw ApplicationFailure.nonRetryable(`${message}: the receiver rejects this notification; check NOTIFY_URL and NOTIFY_SECRET.`, NOTIFY_FAILED);
    },
  };
}
