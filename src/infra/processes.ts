import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process as /proc shows it; `startTime` (clock ticks since boot) tells a reused pid from the original. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  startTime: string;
  command: string;
}

/** The process `pid`, or undefined when it is gone (or /proc is not there: not Linux). */
export function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
    if (fields[0] === 'Z') return undefined; // a zombie holds nothing any more
    return { pid, ppid: Number(fields[1]), startTime: fields[19], command };
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/** The direct children of `ppid` whose command line mentions `needle`. */
export function childrenOf(ppid: number, needle: string): ProcessInfo[] {
  return pids()
    .map(readProcess)
    .filter((p): p is ProcessInfo => p !== undefined && p.ppid === ppid && p.command.includes(needle));
}

/** The process listening on TCP `port` (any address), from /proc/net/tcp{,6} and the socket inodes in /proc/<pid>/fd. */
export function processListeningOn(port: number): ProcessInfo | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the socket's inode.
      if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process: not ours to read
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return readProcess(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
