import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Pool } from 'pg';
import { Type } from 'typebox';
import { readPaused, writePaused } from '../../store/settings';
import { rateLimitOptions, requireBearer } from '../bearer-auth';

const pauseState = Type.Object({ paused: Type.Boolean() });
const responses = { 200: pauseState };

/** `/admin/pause`, `/admin/resume`: the operator's switch; while paused no new agent run starts. Register with `prefix: '/admin'`. */
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
};
