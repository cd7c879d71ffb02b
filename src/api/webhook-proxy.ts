import SmeeClient from 'smee-client';
import type { Logger } from '../logger';

/** A running forwarder; `stop` closes the channel's stream. */
export interface WebhookProxy {
  stop(): Promise<void>;
}

/**
 * Forwards the deliveries of a smee channel (WEBHOOK_PROXY_URL, Probot's convention) to this API's
 * `POST /webhooks/github`, with GitHub's headers (delivery id, event, X-Hub-Signature-256) as they came,
 * so the route verifies them as it verifies a direct delivery. For development: in production GitHub
 * posts to a public HTTPS endpoint. The channel URL is a secret (anyone holding it reads the deliveries),
 * so logs name only its host.
 */
export async function startWebhookProxy(o: { source: string; target: string; logger: Logger; connectTimeoutMs?: number }): Promise<WebhookProxy> {
  const where = { webhookProxy: new URL(o.source).host };
  const client = new SmeeClient({
    source: o.source,
    target: o.target,
    maxConnectionTimeout: o.connectTimeoutMs ?? 15_000,
    logger: {
      // smee-client says "POST <target> - <status>" per delivery, and names the channel when it connects.
      info: (message: string) => o.logger.debug(where, message.replace(o.source, '<WEBHOOK_PROXY_URL>')),
      error: (...args: unknown[]) => o.logger.warn({ ...where, err: args.find((a) => a instanceof Error) }, 'webhook proxy: the channel failed; reconnecting'),
    },
  });
  try {
    await client.start();
  } catch (err) {
    await client.stop(); // its EventSource would go on reconnecting
    throw new Error(`WEBHOOK_PROXY_URL: could not connect to the channel at ${where.webhookProxy} (${(err as Error).message ?? 'no answer'}); check the URL, or unset it and point the webhook at this API.`);
  }
  o.logger.info(where, `forwarding webhook deliveries from the proxy channel to ${o.target}`);
  return { stop: () => client.stop() };
}
