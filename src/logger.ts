import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths that may hold secrets in anything we log; pino replaces them with [redacted]. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  'headers.authorization',
  'config.github.token',
  'config.github.appPrivateKey',
  'config.webhooks.secret',
  'config.apiToken',
  'config.databaseUrl',
  'config.notify.secret',
  '*.token',
  '*.password',
  '*.privateKey',
  '*.secret',
];

/**
 * Structured JSON logs, one line per event; pretty when a person is watching a terminal.
 * `extraSecrets` are literal values scrubbed from every line (tokens that reach error messages).
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; extraSecrets?: string[]; destination?: DestinationStream } = {},
): Logger {
  const secrets = (options.extraSecrets ?? []).filter((s) => s.length >= 4);
  const pretty = !options.destination && (options.pretty ?? process.stdout.isTTY === true);
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'issueflow' },
    redact: { paths: REDACT, censor: '[redacted]' },
    // The SDK logs a failed activity's error under `error`: without a serializer pino wrote only its enumerable
    // fields ({"type":"GithubUnavailable"}), never the message that says what failed.
    serializers: { err: serializeError, error: serializeError },
    ...(secrets.length ? { hooks: { streamWrite: (line: string) => scrubSecrets(line, secrets) } } : {}),
    transport: pretty ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } : undefined,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/** pino's error serializer (message, stack, cause), keeping a Temporal failure's own `type` (pino puts the class name there). */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err);
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' ? { ...out, type, class: out.type } : out;
}

/** Replaces each literal secret in `text` with [redacted]. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
