import type { Forward } from './egress';

/** What one sandboxed run may see and do. */
export interface BwrapSpec {
  file: string;
  args: string[];
  cwd: string;
  /** Shown again, read-only, over the sandbox's own /tmp and /run: issueflow's install, the command's own folder. */
  readOnly: string[];
  /** Writable, at the same path inside: the worktree, the private HOME, caches. */
  writable: string[];
  /** Directories replaced by an empty one (the data dir, credential folders). */
  hiddenDirs: string[];
  /** Files replaced by an empty one (`.env`, credential files). */
  hiddenFiles: string[];
  /** `open`: the host's network; else a network namespace of its own, reached only through `forwards`. */
  network: 'open' | 'isolated';
  forwards: Forward[];
}

/** Where the egress sockets appear inside the sandbox. */
const EGRESS_DIR = '/run/issueflow-egress';

/**
 * Starts one relay per forward on the sandbox's own loopback (socat, to the bound-in Unix socket),
 * waits until each listens, then becomes the command. Arguments pass through "$@", never a string.
 */
function launcher(forwards: Forward[]): string {
  const relays = forwards.map((f) => `socat TCP-LISTEN:${f.port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${EGRESS_DIR}/${f.socket.split('/').pop()} &`);
  const hex = forwards.map((f) => f.port.toString(16).toUpperCase().padStart(4, '0'));
  const wait = hex.map((h) => `n=0; until grep -q ':${h} 00000000:0000 0A' /proc/net/tcp || [ $n -ge 500 ]; do n=$((n+1)); sleep 0.01; done`);
  return [...relays, ...wait, 'exec "$@"'].join('\n');
}

/**
 * bubblewrap's arguments: new user, PID, IPC, UTS, cgroup and (unless open) network namespaces; the
 * machine read-only with issueflow's paths hidden; a fresh /proc, /dev, /tmp and /run; only the
 * writable paths bound read-write; killed with its parent.
 */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const args = ['--die-with-parent', '--unshare-all', ...(spec.network === 'open' ? ['--share-net'] : [])];
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run');
  for (const path of spec.readOnly) args.push('--ro-bind', path, path);
  for (const dir of spec.hiddenDirs) args.push('--tmpfs', dir);
  for (const file of spec.hiddenFiles) args.push('--ro-bind', '/dev/null', file);
  for (const path of spec.writable) args.push('--bind', path, path);
  const forwards = spec.network === 'open' ? [] : spec.forwards;
  if (forwards.length) args.push('--ro-bind', forwardsDir(forwards), EGRESS_DIR);
  args.push('--chdir', spec.cwd, '--');
  if (!forwards.length) return [...args, spec.file, ...spec.args];
  return [...args, 'sh', '-c', launcher(forwards), 'issueflow-sandbox', spec.file, ...spec.args];
}

function forwardsDir(forwards: Forward[]): string {
  return forwards[0].socket.slice(0, forwards[0].socket.lastIndexOf('/'));
}
