import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Pool } from 'pg';
import { Type } from 'typebox';
import { listDeliveries } from '../../store/deliveries';
import { readPaused, writePaused } from '../../store/settings';
import { rateLimitOptions, requireBearer } from '../bearer-auth';

const pauseState = Type.Object({ paused: Type.Boolean() });
const responses = { 200: pauseState };

const delivery = Type.Object({
  deliveryId: Type.String(),
  event: Type.String(),
  action: Type.Optional(Type.String()),
  repo: Type.Optional(Type.String()),
  issueNumber: Type.Optional(Type.Integer()),
  outcome: Type.String({ description: '`received`: recorded, not acted on yet; `failed`: given up after 30 attempts; else what Temporal did' }),
  workflowId: Type.Optional(Type.String()),
  latencyMs: Type.Optional(Type.Integer({ description: 'from the claim to the outcome' })),
  receivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'when it was last claimed' })),
  attempts: Type.Optional(Type.Integer({ description: 'claims: more than one, a redelivery or a sweep took it over' })),
});
const deliveriesQuery = Type.Object({
  outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only this outcome, e.g. `received` or `failed`' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

/** `/admin/pause`, `/admin/resume`: the operator's switch (while paused no new agent run starts); `/admin/deliveries`. Register with `prefix: '/admin'`. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ pool: Pool; apiToken?: string; rateLimitPerMinute: number }> = async (app, { pool, apiToken, rateLimitPerMinute }) => {
  await app.register(rateLimit, rateLimitOptions(rateLimitPerMinute));
  requireBearer(app, apiToken);
  app.get('/pause', { schema: { tags: ['admin'], summary: 'Whether agent runs are paused', response: responses } }, async () => ({ paused: await readPaused(pool) }));
  app.post('/pause', { schema: { tags: ['admin'], summary: 'Pause agent runs (running workflows wait)', response: responses } }, async (request) => {
    await writePaused(pool, true);
    request.log.info('agent runs paused by the operator');
    return { paused: true };
  });
  app.post('/resume', { schema: { tags: ['admin'], summary: 'Resume agent runs (held rounds start within 5 minutes)', response: responses } }, async (request) => {
    await writePaused(pool, false);
    request.log.info('agent runs resumed by the operator');
    return { paused: false };
  });
  app.get('/deliveries', {
    schema: { tags: ['admin'], summary: 'Webhook deliveries, newest first, and what became of each', querystring: deliveriesQuery, response: { 200: Type.Object({ deliveries: Type.Array(delivery) }) } },
  }, async (request) => ({ deliveries: await listDeliveries(pool, request.query) }));
};
