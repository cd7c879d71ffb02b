import { hostname } from 'node:os';
import type { Connection } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { promoteVersion } from '../infra/worker-deployment';

/**
 * With ISSUEFLOW_BUILD_ID: once this process's workers poll, their version becomes the deployment's
 * current one (ISSUEFLOW_VERSION_ROLLOUT=auto, or the deployment's first version), so a single
 * machine or a `docker compose up` never needs a command; a manual rollout is left to the operator.
 */
export async function promoteDeploymentVersion(temporal: Pick<Config['temporal'], 'namespace' | 'versioning'>, connection: Connection, taskQueues: string[], logger: Logger): Promise<void> {
  const versioning = temporal.versioning;
  if (!versioning) return;
  const { deploymentName, buildId } = versioning.version;
  try {
    const promotion = await promoteVersion({
      connection,
      namespace: temporal.namespace,
      version: versioning.version,
      rollout: versioning.rollout,
      taskQueues,
      identity: `issueflow@${hostname()}`,
    });
    if (promotion.outcome === 'left-to-operator') {
      logger.warn(
        { deploymentName, buildId, current: promotion.current },
        `build ${buildId} is polling but ${promotion.current} stays current (ISSUEFLOW_VERSION_ROLLOUT=manual): promote it with \`temporal worker deployment set-current-version --deployment-name ${deploymentName} --build-id ${buildId}\` (or set-ramping-version)`,
      );
    } else {
      logger.info({ deploymentName, buildId, outcome: promotion.outcome }, `worker deployment version ${deploymentName}.${buildId} is current`);
    }
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    throw new Error(`Could not make worker deployment version ${deploymentName}.${buildId} current (${why}). The Temporal server must support Worker Deployments (README: Upgrades); unset ISSUEFLOW_BUILD_ID to run unversioned.`);
  }
}
