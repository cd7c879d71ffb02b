import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../../src/config';
import { runSupervised } from '../../../src/activities/process/supervised-process';
import { probeSandbox, sandboxCommand, type NetworkPolicy } from '../../../src/activities/sandbox';
import { agentPolicy, allows, parseEndpoint, policyFrom } from '../../../src/activities/sandbox/policy';

const logger = pino({ level: 'silent' });
const pool = { query: async () => ({ rows: [] }) } as never;

/** Runs a shell script in the sandbox of `worktree` and returns its exit code and output. */
async function inSandbox(config: Config, worktree: string, script: string, network: NetworkPolicy = { kind: 'allow', endpoints: [] }, signal?: AbortSignal) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SECRET_OF_THE_TEST: 'should-not-pass' };
  const boxed = await sandboxCommand(config, logger, { file: 'sh', args: ['-c', script], cwd: worktree, env: { PATH: env.PATH }, home: join(config.dataDir, 'homes', 'acme', 'tiny', 'issue-1'), network });
  try {
    const run = await runSupervised({ file: boxed.file, args: boxed.args, cwd: worktree, env: boxed.env, hardTimeoutMs: 30_000, signal, log: { pool, workflowId: 'w', step: 's', secrets: [] } });
    return { code: run.exitCode, out: run.tail };
  } finally {
    await boxed.close();
  }
}

/** How many processes of the machine have `marker` in their command line (pgrep never counts itself). */
function alive(marker: string): number {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').length;
  } catch {
    return 0;
  }
}

const listenOn = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

describe('the sandbox (bubblewrap)', () => {
  let dataDir: string;
  let worktree: string;
  let config: Config;

  beforeAll(() => {
    expect(probeSandbox()).toEqual({ available: true });
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-sandbox-'));
    worktree = join(dataDir, 'worktrees', 'acme', 'tiny', 'issue-1');
    mkdirSync(worktree, { recursive: true });
    mkdirSync(join(dataDir, 'worktrees', 'acme', 'tiny', 'issue-2'), { recursive: true });
    writeFileSync(join(dataDir, 'worktrees', 'acme', 'tiny', 'issue-2', 'other.txt'), 'another issue\n');
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '18\n');
    config = loadConfig({ ISSUEFLOW_DATA_DIR: dataDir });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test("sees no process of the host, none of the data dir but its worktree, and writes only its worktree, HOME and /tmp", async () => {
    // Not under /tmp, which is the sandbox's own: a place it sees, read-only.
    const outside = mkdtempSync('/var/tmp/issueflow-outside-');
    try {
      const script = [
        `ls /proc | grep -E '^[0-9]+$' | wc -l > count`,
        `cat /proc/${process.pid}/environ > environ 2>/dev/null; echo "environ=$?" >> result`,
        `ls ${dataDir}/postgres ${dataDir}/worktrees/acme/tiny/issue-2 >> result 2>&1`,
        `echo hi > ${outside}/planted 2>/dev/null; echo "outside=$?" >> result`,
        `echo hi > "$HOME/h" && echo hi > /tmp/t && echo "home+tmp=ok" >> result`,
        `cat /etc/shadow >> result 2>/dev/null; echo "shadow=$?" >> result`,
        'echo in-worktree > written',
      ].join('\n');
      const { code } = await inSandbox(config, worktree, script);
      expect(code).toBe(0);
      expect(Number(readFileSync(join(worktree, 'count'), 'utf8'))).toBeLessThan(10);
      const result = readFileSync(join(worktree, 'result'), 'utf8');
      expect(result).toContain('environ=1');
      expect(result).not.toContain('PG_VERSION');
      expect(result).not.toContain('other.txt');
      expect(result).toMatch(/outside=[1-9]/);
      expect(result).toContain('home+tmp=ok');
      expect(result).not.toMatch(/^root:/m);
      expect(readFileSync(join(worktree, 'environ'), 'utf8')).toBe('');
      expect(readFileSync(join(worktree, 'written'), 'utf8')).toBe('in-worktree\n');
      expect(() => readFileSync(join(outside, 'planted'))).toThrow();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('reaches an allowed loopback endpoint at its own address and port, and no other port of the host', async () => {
    const provider = createServer((_req, res) => res.end('provider says hi'));
    const other = createServer((_req, res) => res.end('issueflow internals'));
    const [providerPort, otherPort] = [await listenOn(provider), await listenOn(other)];
    try {
      const policy = agentPolicy(config, 'claude-code', { ANTHROPIC_BASE_URL: `http://127.0.0.1:${providerPort}` });
      const fetch = (port: number) => `node -e "fetch('http://127.0.0.1:${port}/').then(r=>r.text()).then(t=>console.log('got:'+t),e=>console.log('refused:'+e.cause?.code))"`;
      const { out } = await inSandbox(config, worktree, `${fetch(providerPort)}\n${fetch(otherPort)}`, policy);
      expect(out).toContain('got:provider says hi');
      expect(out).toContain('refused:ECONNREFUSED');
      expect(out).not.toContain('issueflow internals');
    } finally {
      provider.close();
      other.close();
    }
  });

  test('the allow-list proxy opens tunnels only to listed hosts', async () => {
    const policy = policyFrom(['registry.example:443']);
    const ask = (target: string) => `printf 'CONNECT ${target} HTTP/1.1\\r\\nHost: ${target}\\r\\n\\r\\n' | socat -t 2 - TCP:127.0.0.1:3128 | head -1`;
    const { out } = await inSandbox(config, worktree, [ask('evil.example:443'), ask(`127.0.0.1:${process.env.ISSUEFLOW_TEST_PORT ?? 5432}`), 'echo "proxy=$HTTPS_PROXY"'].join('\n'), policy);
    expect(out.match(/403 Forbidden/g)).toHaveLength(2);
    expect(out).toContain('proxy=http://127.0.0.1:3128');
  });

  test('cancellation kills everything inside, grandchildren included', async () => {
    const marker = `issueflow-sandbox-kill-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const running = inSandbox(config, worktree, `sh -c 'sleep 1000; echo ${marker}' & sh -c 'trap "" TERM; sleep 1000; echo ${marker}' & wait`, undefined, controller.signal);
    await new Promise((r) => setTimeout(r, 1000));
    expect(alive(marker)).toBeGreaterThanOrEqual(2);
    controller.abort();
    await running;
    await new Promise((r) => setTimeout(r, 1500));
    expect(alive(marker)).toBe(0);
  });
});

describe('network policies', () => {
  test('the provider comes from base-URL variables, else the preset; open and none are words', () => {
    const config = loadConfig({ AGENT_NETWORK_ALLOW: 'example.org,mirror.local:8443' });
    expect(agentPolicy(config, 'claude-code', {})).toEqual({ kind: 'allow', endpoints: [{ host: 'api.anthropic.com', port: 443 }, { host: 'example.org', port: 443 }, { host: 'mirror.local', port: 8443 }] });
    expect(agentPolicy(config, 'codex', { OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1' }).kind).toBe('allow');
    expect(agentPolicy(loadConfig({ AGENT_NETWORK_ALLOW: 'open' }), 'codex', {})).toEqual({ kind: 'open' });
    expect(policyFrom(['none'])).toEqual({ kind: 'allow', endpoints: [] });
    expect(parseEndpoint('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(allows([{ host: 'a.example', port: 443 }], 'A.example', 443)).toBe(true);
    expect(allows([{ host: 'a.example', port: 443 }], 'a.example', 80)).toBe(false);
    expect(() => loadConfig({ COMMAND_NETWORK_ALLOW: 'http://x' })).toThrow(/COMMAND_NETWORK_ALLOW/);
  });
});
