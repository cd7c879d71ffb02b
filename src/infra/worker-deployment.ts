import type { Connection } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';

/** What a starting worker did about its deployment's current version. */
/** temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS (@temporalio/proto is not a dependency of ours). */
const IN_PROGRESS = 1;

export type Promotion = { outcome: 'made-current' | 'already-current' } | { outcome: 'left-to-operator'; current: string };

export interface PromoteOptions {
  connection: Connection;
  namespace: string;
  version: WorkerDeploymentVersion;
  /** `auto`: this version becomes current; `manual`: only when the deployment has none yet (its first version). */
  rollout: 'auto' | 'manual';
  /** The task queues this version's workers poll: it is made current only once the server has seen all of them polled. */
  taskQueues: string[];
  identity?: string;
  timeoutMs?: number;
}

/**
 * `temporal worker deployment set-current-version` for a starting worker: waits until the server has
 * seen this version poll every one of its task queues (so no queue routes to a version that is not
 * there yet), makes it current (unless a manual rollout already has a current version), and returns
 * once every task queue routes to it.
 */
export async function promoteVersion(o: PromoteOptions): Promise<Promotion> {
  const { connection, namespace, version } = o;
  const service = connection.workflowService;
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let made = false;
  let waitingFor = 'the server to see its first poll';
  for (;;) {
    try {
      const { workerDeploymentInfo } = await service.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
      const current = workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
      if (current?.buildId === version.buildId) {
        // Made current, but every task queue learns it a moment later: until then a task may still go to the old version.
        if (workerDeploymentInfo?.routingConfigUpdateState !== IN_PROGRESS) return { outcome: made ? 'made-current' : 'already-current' };
        waitingFor = 'its task queues to route to it';
      } else {
        if (o.rollout === 'manual' && current?.buildId) return { outcome: 'left-to-operator', current: current.buildId };
        const polled = await service.describeWorkerDeploymentVersion({ namespace, deploymentVersion: version });
        const seen = new Set((polled.versionTaskQueues ?? []).map((q) => q.name));
        const missing = o.taskQueues.filter((q) => !seen.has(q));
        waitingFor = `polls of ${missing.join(', ')}`;
        if (!missing.length) {
          // Workers of one build started together (compose --scale) all get here: whichever call loses, the next describe sees the build current.
          // Its own queues are checked above; a queue only the old build polled (a host-specific one of a host gone) must not block it.
          const request = { namespace, deploymentName: version.deploymentName, buildId: version.buildId, identity: o.identity, ignoreMissingTaskQueues: true };
          await service.setWorkerDeploymentCurrentVersion(request).then(
            () => (made = true),
            (error: Error) => (waitingFor = `set-current-version, which failed: ${error.message.split('\n')[0]}`),
          );
        }
      }
    } catch (error) {
      // NOT_FOUND until the server has seen this deployment's (or version's) first poll.
      if (!isNotFound(error) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`not current within ${o.timeoutMs ?? 60_000} ms, still waiting for ${waitingFor}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: number }).code;
  return code === 5 || /not found/i.test((error as Error).message ?? '');
}
