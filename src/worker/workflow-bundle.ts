import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workflow bundle `npm start`'s prestart writes beside the compiled code (dist/), so a start need not bundle. */
export const WORKFLOW_BUNDLE = join(__dirname, '..', 'workflow-bundle.js');
const WORKFLOWS = join(__dirname, '..', 'workflows');

/** The newest modification time of the compiled JavaScript under `dir`, the bundle itself aside. */
function newestJs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestJs(path));
    else if (entry.name.endsWith('.js') && path !== WORKFLOW_BUNDLE) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The prebuilt bundle when it is newer than every compiled file (a `tsc` run since makes it stale, and
 * the worker bundles at start as before); never when running from the TypeScript sources (tests).
 */
export function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  const bundled = statSync(WORKFLOW_BUNDLE, { throwIfNoEntry: false });
  if (!bundled || __filename.endsWith('.ts')) return undefined;
  return bundled.mtimeMs >= newestJs(join(__dirname, '..')) ? { codePath: WORKFLOW_BUNDLE } : undefined;
}

/** Bundles the compiled workflows into WORKFLOW_BUNDLE (scripts/build-if-stale.js runs it after each build). */
export async function writeWorkflowBundle(): Promise<void> {
  // Loaded here only: the prestart asks prebuiltWorkflowBundle on every start, and the bundler is heavy.
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(WORKFLOWS) });
  // Renamed into place: a worker starting meanwhile reads the old bundle or the new one, never half of one.
  writeFileSync(`${WORKFLOW_BUNDLE}.tmp`, code);
  renameSync(`${WORKFLOW_BUNDLE}.tmp`, WORKFLOW_BUNDLE);
}
