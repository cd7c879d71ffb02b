import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../support/ports';
import { quietAfterTeardown } from '../support/temporal';
import { temporalCliPath } from '../support/binaries';
import { buildOnce, processesMentioning, spawnIssueflow, waitForStatus } from '../support/service-process';

jest.setTimeout(240_000);

/** A single machine upgrades by stopping build A and starting build B: B must become current with no command. */
test('`issueflow start` on the embedded server makes its own build current, and the next build replaces it', async () => {
  buildOnce();
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-versions-'));
  chmodSync(dataDir, 0o755);
  const env = {
    ISSUEFLOW_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
    ISSUEFLOW_EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_CLI_PATH: temporalCliPath(),
    LOG_LEVEL: 'info',
  };
  const currentBuildAfterStart = async (buildId: string): Promise<string | undefined> => {
    const service = spawnIssueflow(['start'], { ...env, ISSUEFLOW_BUILD_ID: buildId });
    await waitForStatus(`http://127.0.0.1:${env.PORT}/health/ready`, 200, 90_000, service.output);
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_SERVER_PORT}`, plugins: [quietAfterTeardown] });
    try {
      const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName: 'issueflow' });
      expect(service.output()).toContain(`worker deployment version issueflow.${buildId} is current`);
      return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId ?? undefined;
    } finally {
      await connection.close();
      process.kill(service.child.pid!, 'SIGTERM');
      expect(await service.exited).toBe(0);
    }
  };

  expect(await currentBuildAfterStart('1.0.0-a')).toBe('1.0.0-a');
  expect(await currentBuildAfterStart('1.0.1-b')).toBe('1.0.1-b');
  expect(processesMentioning(dataDir)).toEqual([]);
});
