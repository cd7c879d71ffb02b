import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiMetrics } from '../metrics';

/** `GET /metrics`: Prometheus text; the Temporal worker's metrics are appended when TEMPORAL_METRICS_URL is set. */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: ApiMetrics; temporalMetricsUrl?: string }> = async (app, { metrics, temporalMetricsUrl }) => {
  app.get('/metrics', { schema: { tags: ['metrics'], summary: 'Prometheus metrics', response: { 200: Type.String() } } }, async (_request, reply) => {
    const text = await metrics.render(temporalMetricsUrl);
    return reply.type(metrics.registry.contentType).send(text);
  });
};
