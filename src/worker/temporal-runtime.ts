import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

/**
 * Installs the Temporal runtime once per process: SDK logs go to pino, and the SDK does not take
 * SIGINT/SIGTERM for itself (issueflow shuts down in its own order: HTTP, workers, infrastructure).
 */
export function installTemporalRuntime(logger: Logger, metricsBindAddress?: string): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal-sdk' });
  const level = (l: LogLevel) => (l === 'TRACE' ? 'trace' : l === 'DEBUG' ? 'debug' : l === 'INFO' ? 'info' : l === 'WARN' ? 'warn' : 'error');
  Runtime.install({
    shutdownSignals: [],
    logger: {
      log: (l: LogLevel, message: string, meta?: LogMetadata) => log[level(l)](meta ?? {}, message),
      trace: (m: string, meta?: LogMetadata) => log.trace(meta ?? {}, m),
      debug: (m: string, meta?: LogMetadata) => log.debug(meta ?? {}, m),
      info: (m: string, meta?: LogMetadata) => log.info(meta ?? {}, m),
      warn: (m: string, meta?: LogMetadata) => log.warn(meta ?? {}, m),
      error: (m: string, meta?: LogMetadata) => log.error(meta ?? {}, m),
    },
    telemetryOptions: metricsBindAddress ? { metrics: { prometheus: { bindAddress: metricsBindAddress } } } : undefined,
  });
}
