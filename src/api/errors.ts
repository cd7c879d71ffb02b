import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';

/** The one error shape of every route: `{ error: { code, message } }`. */
export const apiErrorSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

/** The body of every error answer, as its schema says. */
export type ApiErrorBody = Static<typeof apiErrorSchema>;

export function apiError(code: string, message: string, details?: unknown): ApiErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Maps Fastify's own errors (validation, body size, content type, JSON) to the shared shape; hides 5xx details. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    void reply.code(500).send(apiError('internal', 'Internal error; see the service log.'));
    return;
  }
  const code =
    error.validation ? 'invalid_request' : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'malformed_json' : (error.code ?? 'bad_request').toLowerCase();
  request.log.info({ code, status }, error.message);
  void reply.code(status).send(apiError(code, error.message, error.validation ? error.validation : undefined));
}
