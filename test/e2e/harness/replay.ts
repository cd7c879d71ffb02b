import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker, type Logger, type WorkflowBundleOption } from '@temporalio/worker';
import { historyAsJson, historyFromJson } from '../../workflows/support/harness';

const DIST = join(__dirname, '..', '..', '..', 'dist');

/** The workflow code the suite's worker processes ran: the bundle the harness's build writes beside dist/ (buildOnce), else dist's workflows. */
function workflowCode(): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  const bundle = join(DIST, 'workflow-bundle.js');
  return existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: join(DIST, 'workflows', 'index.js') };
}

/**
 * Writes the history of every workflow run the suite made (issues, candidates, the retention job) into `keepIn`
 * as JSON and replays each against the code that made them; returns a line per run that does not replay. A
 * worker replays a history whenever its cache evicted the run, so a history that does not replay stalls its
 * issue then, however long after it was written.
 */
export async function replayEveryHistory(client: Client, keepIn: string): Promise<string[]> {
  let histories: Array<{ workflowId: string; history: ReturnType<typeof historyFromJson> }>;
  try {
    histories = await readHistories(client, keepIn);
  } catch (err) {
    // A suite that ended with Temporal down (or its connection closed) has nothing to replay: said, not failed.
    console.warn(`could not read the suite's workflow histories to replay them: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
  const failures: string[] = [];
  // The replay worker's state changes are logged at INFO by the process's runtime: quiet while it runs.
  const runtime = Runtime.instance() as { logger: Logger };
  const logger = runtime.logger;
  runtime.logger = new DefaultLogger('WARN');
  try {
    for await (const result of Worker.runReplayHistories(workflowCode(), histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
  } finally {
    runtime.logger = logger;
  }
  return failures;
}

async function readHistories(client: Client, keepIn: string) {
  const histories = [];
  for await (const wf of client.workflow.list()) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    // Through JSON: the SDK's replayer and this client may hold different copies of the protobuf classes.
    const json = historyAsJson(history);
    mkdirSync(keepIn, { recursive: true });
    writeFileSync(join(keepIn, `${wf.workflowId.replace(/[^\w.-]+/g, '_')}-${wf.runId}.json`), json);
    histories.push({ workflowId: `${wf.workflowId} (run ${wf.runId})`, history: historyFromJson(json) });
  }
  return histories;
}
