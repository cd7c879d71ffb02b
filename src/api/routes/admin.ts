import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { readPaused, writePaused } from '../../store/settings';
import { rateLimitOptions, requireBearer } from '../bearer-auth';

const pauseState = { type: 'object', properties: { paused: { type: 'boolean' } }, required: ['paused'] } as const;
const responses = { 200: pauseState };

/** `/admin/pause`, `/admin/resume`: the operator's switch; while paused no new agent run starts. Register with `prefix: '/admin'`. */
export const adminRoutes: FastifyPluginAsync<{ pool: Pool; apiToken?: string; rateLimitPerMinute: number }> = async (app, { pool, apiToken, rateLimitPerMinute }) => {
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
};
