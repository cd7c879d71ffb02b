import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ConfigError, type Config } from '../../config';
import type { Logger } from '../../logger';
import { bwrapArgs } from './bwrap';
import { openEgress } from './egress';
import type { NetworkPolicy } from './policy';

export { agentPolicy, commandPolicy, type NetworkPolicy } from './policy';

/** Whether runs are sandboxed on this machine, and if not, why and what to do about it. */
export type SandboxStatus = { available: true } | { available: false; reason: string; fix: string };

/** What the probe can tell of why the sandbox cannot run. */
export type SandboxProblem = 'missing-package' | 'namespaces';

/**
 * What to do about `problem`. In a container the packages are usually there (the images install them),
 * and what refuses the namespaces or bwrap's own /proc is the container's security options.
 */
export function sandboxFix(problem: SandboxProblem, inContainer: boolean): string {
  if (problem === 'missing-package') return 'apt-get install bubblewrap socat';
  if (inContainer) return 'run the container with security_opt seccomp=unconfined, apparmor=unconfined and systempaths=unconfined, on a host that allows unprivileged user namespaces (README: Images)';
  return 'allow unprivileged user namespaces (README: Sandbox)';
}

/** Docker marks its containers with /.dockerenv, Podman with /run/.containerenv. */
const inContainer = () => existsSync('/.dockerenv') || existsSync('/run/.containerenv');
const unavailable = (reason: string, problem: SandboxProblem): SandboxStatus => ({ available: false, reason, fix: sandboxFix(problem, inContainer()) });

let probed: SandboxStatus | undefined;

/** Tries bubblewrap (all namespaces) and socat once per process; the answer is cached. */
export function probeSandbox(): SandboxStatus {
  if (probed) return probed;
  try {
    execFileSync('bwrap', ['--die-with-parent', '--unshare-all', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'], { stdio: 'pipe', timeout: 10_000 });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') return (probed = unavailable('bubblewrap (bwrap) is not installed', 'missing-package'));
    return (probed = unavailable(`bwrap cannot create namespaces here: ${String(e.stderr ?? err).trim().split('\n')[0]}`, 'namespaces'));
  }
  try {
    execFileSync('socat', ['-V'], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    return (probed = unavailable('socat is not installed (it relays the allowed endpoints into the sandbox)', 'missing-package'));
  }
  return (probed = { available: true });
}

/** Whether this run is to be sandboxed: `off` never, otherwise when the machine allows (start refuses `required` without it). */
export function sandboxEnabled(config: Config): boolean {
  return config.sandbox.mode !== 'off' && probeSandbox().available;
}

/**
 * At a worker's start: `required` without a working sandbox refuses to start; `auto` says loudly that
 * agents and repo commands will run unsandboxed, and how to fix it.
 */
export function checkSandboxAtStart(config: Config, logger: Logger): void {
  if (config.sandbox.mode === 'off') {
    logger.warn('ISSUEFLOW_SANDBOX=off: agents and repo commands run with the worker\'s own view of the machine, network and processes');
    return;
  }
  const status = probeSandbox();
  if (status.available) {
    logger.info({ agentNetwork: config.sandbox.agentNetworkAllow, commandNetwork: config.sandbox.commandNetworkAllow }, 'sandbox: bubblewrap');
    return;
  }
  if (config.sandbox.mode === 'required') throw new ConfigError(`Invalid configuration: ISSUEFLOW_SANDBOX=required, but ${status.reason}: ${status.fix}.`);
  logger.warn(`SANDBOX UNAVAILABLE: ${status.reason}. Agents and repo commands run UNSANDBOXED and can read this machine's processes and files: ${status.fix}, or set ISSUEFLOW_SANDBOX=required to refuse to start without it.`);
}

/** Credential files and folders of the service's user that no sandboxed run may read. */
const CREDENTIAL_PATHS = ['.ssh', '.aws', '.azure', '.config/gh', '.config/gcloud', '.docker', '.kube', '.gnupg', '.netrc', '.git-credentials', '.npmrc', '.pypirc', '.claude', '.claude.json', '.codex', '.gemini', '.config/issueflow'];

/** issueflow's own install (its node_modules hold agent CLIs such as `claude`); its `.env` and data dir stay hidden. */
const INSTALL_ROOT = resolve(__dirname, '..', '..', '..');

/** Only what lives under the sandbox's own /tmp and /run needs showing again. */
const underPrivateMounts = (path: string) => /^\/(tmp|run)(\/|$)/.test(path);

/** Files a sandbox would otherwise read as the (mapped) owner when the worker runs as root. */
const SYSTEM_SECRETS = ['/etc/shadow', '/etc/gshadow', '/etc/ssh'];

/** Finds a command on PATH as the sandbox will, so a missing binary is still ENOENT to the caller. */
export function resolveCommand(file: string, path: string | undefined): string | undefined {
  if (file.includes('/')) return existsSync(file) ? resolve(file) : undefined;
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, file);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export interface SandboxRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The private HOME of this runs (made if missing). */
  home: string;
  network: NetworkPolicy;
}

export interface SandboxedCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Ends the run's network relays. */
  close(): Promise<void>;
}

/**
 * The command wrapped in bubblewrap: it sees the machine read-only without issueflow's data dir,
 * its `.env` and the usual credential files, writes only its worktree, a private HOME and TMP (and
 * SANDBOX_WRITABLE), and connects only where `network` allows.
 */
export async function sandboxCommand(config: Config, logger: Logger, r: SandboxRequest): Promise<SandboxedCommand> {
  const dataDir = resolve(config.dataDir);
  await mkdir(r.home, { recursive: true });
  // Unix socket paths are short (108 bytes), so the relays live in the host's /tmp, which no sandbox sees.
  const egress = r.network.kind === 'allow' ? await openEgress(await mkdtemp(join(tmpdir(), 'issueflow-egress-')), r.network.endpoints, logger) : undefined;
  const hidden = [...CREDENTIAL_PATHS.map((p) => join(homedir(), p)), ...SYSTEM_SECRETS, resolve('.env'), ...config.sandbox.hidden].filter((p) => existsSync(p));
  const args = bwrapArgs({
    file: r.file,
    args: r.args,
    cwd: r.cwd,
    readOnly: [...new Set([INSTALL_ROOT, ...(r.file.startsWith('/') ? [dirname(realpathSync(r.file))] : [])])].filter(underPrivateMounts),
    writable: [r.cwd, r.home, ...config.sandbox.writable.filter((p) => existsSync(p))],
    hiddenDirs: [dataDir, ...hidden.filter((p) => statSync(p).isDirectory())],
    hiddenFiles: hidden.filter((p) => !statSync(p).isDirectory()),
    network: r.network.kind === 'open' ? 'open' : 'isolated',
    forwards: egress?.forwards ?? [],
  });
  const env = { ...r.env, ...egress?.env, HOME: r.home, TMPDIR: '/tmp' };
  return { file: 'bwrap', args, env, close: async () => egress?.close() };
}
