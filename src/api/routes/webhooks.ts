import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { emitterEventNames, Webhooks } from '@octokit/webhooks';
import type { Client } from '@temporalio/client';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { Type } from 'typebox';
import type { Config } from '../../config';
import { routeWebhook, type RoutingOptions } from '../../domain/webhook-routing';
import { createBatcher } from '../../store/batcher';
import { CLAIM_LEASE_MS, claimDeliveries, type ClaimResult, type DeliveryRecord } from '../../store/deliveries';
import { createOutcomeRecorder } from '../../store/outcome-recorder';
import type { ApiOptions } from '../api-options';
import { apiError, apiErrorSchema, errorHandler } from '../errors';
import { createDeliveryActor } from '../delivery-actor';
import type { ApiMetrics } from '../metrics';

export interface WebhookRoutesOptions {
  client: Client;
  pool: Pool;
  config: Config;
  api: ApiOptions;
  metrics: ApiMetrics;
  /** The sweep of lapsed deliveries: its period and the claims' lease (tests shorten them). */
  sweep?: { everyMs?: number; leaseMs?: number };
}

/** GitHub's own limit on a webhook payload. */
export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

/**
 * Deliveries acted on at once while the answer still waits for Temporal and says what it did (`started`,
 * `signaled`, ...). Beyond it, under a burst, the answer is `accepted` and does not wait: GitHub's deliveries
 * are answered at the rate they are recorded, and acted on at the rate Temporal takes them.
 */
export const ACT_INLINE_LIMIT = 4;

/** How often each API process looks for recorded deliveries whose claim lapsed before they were acted on. */
const SWEEP_EVERY_MS = 10_000;

const REDELIVER = 'Redeliver it from the webhook\'s Recent Deliveries (see the README).';

const accepted = Type.Object({
  deliveryId: Type.String(),
  outcome: Type.String(),
  workflowId: Type.Optional(Type.String()),
  ignored: Type.Optional(Type.Boolean()),
  duplicate: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Type.String()),
});

const schema = {
  tags: ['webhooks'],
  summary: 'Receive a GitHub webhook delivery',
  description: 'Body: the GitHub event payload, signed with X-Hub-Signature-256 (HMAC SHA-256 of the raw body with the webhook secret).',
  headers: Type.Object({
    'x-github-event': Type.Optional(Type.String()),
    'x-github-delivery': Type.Optional(Type.String()),
    'x-hub-signature-256': Type.Optional(Type.String()),
  }),
  response: { 200: accepted, 202: accepted, 400: apiErrorSchema, 401: apiErrorSchema, 413: apiErrorSchema, 415: apiErrorSchema, 503: apiErrorSchema },
};

/** The few fields read here to record a delivery; routing reads the rest. */
interface Envelope {
  action?: string;
  repository?: { full_name?: unknown };
  issue?: { number?: number };
  pull_request?: { number?: number };
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};

/** GitHub's event names, from @octokit/webhooks: the only values a metric label may take. */
const KNOWN_EVENTS = new Set<string>(emitterEventNames.filter((name) => !name.includes('.')));

/** The event as a metric label: a header anyone can send must not create new time series. */
const eventLabel = (request: FastifyRequest) => {
  const event = header(request, 'x-github-event');
  return event === undefined ? 'missing' : KNOWN_EVENTS.has(event) ? event : 'unknown';
};

/** `POST /webhooks/github`: verifies, routes, records (de-duplicating) and answers 202; src/api/delivery-actor.ts acts. */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, { client, pool, config, api, metrics, sweep }) => {
  const secret = config.webhooks.secret;
  if (!secret) throw new Error('GITHUB_WEBHOOK_SECRET is required for the webhook route; set it to the secret of your GitHub webhook or App.');
  const webhooks = new Webhooks({ secret });
  const { allowedRepos, allowedOwners } = config.github;
  const routing: RoutingOptions = { triggerLabel: config.triggerLabel, allowedRepos, allowedOwners, appUserId: api.appUserId, appId: api.appId };

  // Outcomes are written in the background, batched under load; closing waits for them, so the pool is never ended under one.
  const outcomes = createOutcomeRecorder(pool);
  // Claims that come while one is in flight share the next INSERT: one round trip for many under a burst.
  const claims = createBatcher<DeliveryRecord, ClaimResult>((records) => claimDeliveries(pool, records));
  const actor = createDeliveryActor({ client, pool, taskQueue: config.temporal.taskQueue, outcomes, metrics, log: app.log, leaseMs: sweep?.leaseMs });
  const sweeping = setInterval(() => void actor.sweep().catch((err: unknown) => app.log.warn({ err }, 'could not sweep lapsed webhook deliveries')), sweep?.everyMs ?? SWEEP_EVERY_MS);
  sweeping.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeping);
    await claims.drain();
    await actor.drain();
    await outcomes.drain();
  });

  const reject = (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
    request.log.warn({ deliveryId: header(request, 'x-github-delivery'), event: header(request, 'x-github-event'), reason: code }, 'webhook rejected');
    metrics.webhooks.inc({ event: eventLabel(request), outcome: `rejected-${code}` });
    return reply.code(status).send(apiError(code, message));
  };

  // Signatures are over the exact bytes GitHub sent, so this plugin (only) keeps JSON bodies raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if ((error.statusCode ?? 500) < 500) {
      request.log.warn({ deliveryId: header(request, 'x-github-delivery'), reason: error.code }, 'webhook rejected');
      metrics.webhooks.inc({ event: eventLabel(request), outcome: `rejected-${error.code ?? 'bad-request'}` });
    }
    errorHandler(error, request, reply);
  });

  // The body is the raw bytes (the parser above), for the signature; it is parsed once verified.
  app.post<{ Body: Buffer | undefined }>('/webhooks/github', { schema, bodyLimit: WEBHOOK_BODY_LIMIT, onRequest: async (request, reply) => {
    if (!header(request, 'x-github-event')) return reject(request, reply, 400, 'missing_event', 'The X-GitHub-Event header is required.');
    if (!header(request, 'x-github-delivery')) return reject(request, reply, 400, 'missing_delivery', 'The X-GitHub-Delivery header is required.');
    if (!header(request, 'x-hub-signature-256')) return reject(request, reply, 401, 'missing_signature', 'The X-Hub-Signature-256 header is required; set a secret on the GitHub webhook.');
  } }, async (request, reply) => {
    const event = header(request, 'x-github-event')!;
    const deliveryId = header(request, 'x-github-delivery')!;
    const raw = request.body?.toString('utf8') ?? '';
    const valid = await webhooks.verify(raw, header(request, 'x-hub-signature-256')!).catch(() => false);
    if (!valid) return reject(request, reply, 401, 'invalid_signature', 'The X-Hub-Signature-256 signature does not match the body; check GITHUB_WEBHOOK_SECRET.');
    let payload: Envelope | null;
    try {
      payload = JSON.parse(raw);
    } catch {
      return reject(request, reply, 400, 'malformed_json', 'The body is not valid JSON.');
    }
    const finish = (status: 200 | 202, outcome: string, extra: Record<string, unknown> = {}) => {
      metrics.webhooks.inc({ event: eventLabel(request), outcome });
      metrics.ackSeconds.observe({ outcome }, reply.elapsedTime / 1000);
      request.log.info({ deliveryId, event, action: payload?.action, outcome, ...extra }, 'webhook handled');
      return reply.code(status).send({ deliveryId, outcome, ...extra });
    };

    const repo = typeof payload?.repository?.full_name === 'string' ? payload.repository.full_name : undefined;
    const issueNumber = payload?.issue?.number ?? payload?.pull_request?.number;
    const decision = routeWebhook(event, payload, deliveryId, routing);
    if (decision.kind === 'start') Object.assign(decision.input, { temporalUiUrl: config.temporal.uiUrl, ...(config.budget ? { budget: config.budget } : {}) });
    const action = decision.kind === 'ignore' ? undefined : decision;
    const ignoredWhy = decision.kind === 'ignore' ? decision.reason : undefined;
    const receivedAt = Date.now() - reply.elapsedTime;

    // Recorded with its decision before it is answered: from here on it is acted on, by this process or a sweep.
    let claim;
    const claimedAt = Date.now();
    try {
      claim = await claims.submit({ deliveryId, event, action: payload?.action, repo, issueNumber, decision: action, outcome: action ? 'received' : 'ignored' });
    } catch (err) {
      // GitHub does not redeliver by itself: the answer says what happened, the README how to redeliver.
      request.log.error({ deliveryId, event, err }, 'webhook not acted on: database_unavailable');
      metrics.webhooks.inc({ event: eventLabel(request), outcome: 'failed' });
      return reply.code(503).send(apiError('database_unavailable', `The database is unavailable, so the delivery was not recorded or acted on. ${REDELIVER}`));
    }
    if (claim === 'duplicate') return finish(200, 'duplicate', { duplicate: true });
    if (!action) return finish(202, 'ignored', { ignored: true, reason: ignoredWhy });

    const acting = actor.act({ deliveryId, action, receivedAt, claimedAt });
    // Under a burst the answer does not wait for Temporal: it says `accepted`, and the outcome is recorded when known.
    if (actor.pending() > ACT_INLINE_LIMIT) {
      acting.catch(() => undefined);
      return finish(202, 'accepted', { workflowId: action.workflowId });
    }
    let result;
    try {
      result = await acting;
    } catch {
      // Recorded, not acted on: the sweep acts on it once its claim lapses. A redelivery is a duplicate.
      return finish(202, 'accepted', { workflowId: action.workflowId, reason: `Temporal did not accept it yet; issueflow tries again in ${CLAIM_LEASE_MS / 1000} s.` });
    }
    const workflowId = 'workflowId' in result ? result.workflowId : undefined;
    return finish(202, result.outcome, { ...(workflowId ? { workflowId } : {}), ...(result.outcome === 'ignored' ? { ignored: true, reason: result.reason } : {}) });
  });
};
