import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Webhooks } from '@octokit/webhooks';
import { freePort } from '../support/ports';
import { quietAfterTeardown } from '../support/temporal';
import { example } from '../api/support/webhook-examples';
import { smeeChannel } from '../support/smee-channel';
import { temporalCliPath } from '../support/binaries';
import { createServer } from 'node:net';
import { buildOnce, processesMentioning, spawnIssueflow, spawnNpmStart, waitForStatus, type ServiceProcess } from '../support/service-process';

jest.setTimeout(240_000);

const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** The foundation's promise: `issueflow start` with no configuration runs everything, stops cleanly, keeps its data. */
describe('issueflow start on its embedded defaults', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    buildOnce();
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-start-'));
    chmodSync(dataDir, 0o755);
    env = {
      ISSUEFLOW_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
      ISSUEFLOW_EMBEDDED_PG_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: temporalCliPath(),
      LOG_LEVEL: 'warn',
    };
  });

  async function startAndWaitReady(spawnStart: Record<string, string> | (() => ServiceProcess) = {}): Promise<ServiceProcess> {
    const service = typeof spawnStart === 'function' ? spawnStart() : spawnIssueflow(['start'], { ...env, ...spawnStart });
    const ms = await waitForStatus(`http://127.0.0.1:${env.PORT}/health/ready`, 200, 60_000, service.output);
    expect(ms).toBeLessThan(60_000);
    return service;
  }

  async function stopWithCtrlC(service: ServiceProcess): Promise<void> {
    // Ctrl-C in a terminal sends SIGINT to the whole foreground process group.
    process.kill(-service.child.pid!, 'SIGINT');
    const code = await Promise.race([service.exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(code).toBe(0);
  }

  test('ready within 60 s with the Temporal UI up; Ctrl-C leaves no child; a workflow survives the restart; WEBHOOK_PROXY_URL forwards', async () => {
    const first = await startAndWaitReady();
    expect(first.output()).toContain(`http://localhost:${env.PORT}`);
    const ui = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);

    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_SERVER_PORT}`, plugins: [quietAfterTeardown] });
    const client = new Client({ connection });
    // No worker polls this queue, so the workflow simply stays open across the restart.
    await client.workflow.start('issueWorkflow', { taskQueue: 'restart-check', workflowId: 'restart-check', args: [] });
    await connection.close();

    await stopWithCtrlC(first);
    expect(processesMentioning(dataDir)).toEqual([]);

    // The second start listens to a smee-compatible channel (WEBHOOK_PROXY_URL): a delivery published there starts its workflow.
    const channel = await smeeChannel();
    const second = await startAndWaitReady({ WEBHOOK_PROXY_URL: channel.url, GITHUB_WEBHOOK_SECRET: 'proxy-secret' });
    const payload = example('issues', 'labeled');
    payload.label.name = 'agent';
    const signature = await new Webhooks({ secret: 'proxy-secret' }).sign(JSON.stringify(payload));
    await channel.ready; // the proxy connects just after the API listens
    channel.publish({ 'x-github-event': 'issues', 'x-github-delivery': 'through-the-proxy', 'x-hub-signature-256': signature }, payload);
    const again = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_SERVER_PORT}`, plugins: [quietAfterTeardown] });
    let proxied;
    for (let i = 0; i < 100 && !proxied; i++) {
      proxied = await new Client({ connection: again }).workflow.getHandle('Codertocat/Hello-World#1').describe().catch(() => new Promise((r) => setTimeout(() => r(undefined), 200)));
    }
    expect(proxied).toBeDefined();
    channel.close();
    // The service made the rewind sweep's schedule, and its worker runs the sweep (the activity is registered there).
    const schedules = new Client({ connection: again }).schedule;
    await schedules.getHandle('issueflow-rewind').trigger();
    let sweep: { checked: number } | undefined;
    for (let i = 0; i < 150 && !sweep; i++) {
      const run = (await schedules.getHandle('issueflow-rewind').describe()).info.recentActions[0]?.action.workflow;
      if (run) sweep = await new Client({ connection: again }).workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(sweep).toMatchObject({ rewound: [], left: [] });
    expect(sweep?.checked).toBeGreaterThanOrEqual(1); // restart-check at least (no worker polls its queue), not stuck
    const listed: string[] = [];
    for await (const wf of new Client({ connection: again }).workflow.list({ query: `WorkflowId = 'restart-check'` })) listed.push(wf.workflowId);
    const described = await new Client({ connection: again }).workflow.getHandle('restart-check').describe();
    await again.close();
    expect(described.status.name).toBe('RUNNING');
    expect(listed).toEqual(['restart-check']);

    // SIGTERM to the process alone (docker, systemd): it stops its children itself.
    process.kill(second.child.pid!, 'SIGTERM');
    expect(await second.exited).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s to `npm start`\'s own pid (a supervisor, `timeout`) stops everything it started', async (signal) => {
    const npm = await startAndWaitReady(() => spawnNpmStart(env));
    expect(processesMentioning(dataDir).length).toBeGreaterThan(0);
    process.kill(npm.child.pid!, signal);
    const code = await Promise.race([npm.exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
    expect(code).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  test('after a SIGKILLed start, the next one stops the Temporal and PostgreSQL it left, says so, and starts cleanly', async () => {
    const killed = await startAndWaitReady();
    process.kill(killed.child.pid!, 'SIGKILL');
    await killed.exited;
    const orphans = processesMentioning(dataDir);
    expect(orphans.length).toBeGreaterThanOrEqual(2); // the premise: the dev server and postgres outlived it
    const orphanPids = orphans.map((line) => Number(line.split(':')[0]));

    const next = await startAndWaitReady();
    for (const pid of orphanPids) expect(next.output()).toContain(`stopping pid ${pid}, left running by an issueflow start that did not stop (pid ${killed.child.pid})`);
    const alive = processesMentioning(dataDir).map((line) => Number(line.split(':')[0]));
    for (const pid of orphanPids) expect(alive).not.toContain(pid);
    await stopWithCtrlC(next);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  test('a port held by another process stops the start with one line naming the port, its variable and the holder', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(Number(env.ISSUEFLOW_EMBEDDED_PG_PORT), '127.0.0.1', r));
    try {
      const bad = spawnIssueflow(['start'], env);
      expect(await bad.exited).toBe(1);
      expect(bad.output().trim().split('\n')).toHaveLength(1);
      expect(bad.output().trim()).toMatch(
        new RegExp(`^issueflow: port ${env.ISSUEFLOW_EMBEDDED_PG_PORT} \\(ISSUEFLOW_EMBEDDED_PG_PORT\\) is already in use by pid ${process.pid} \\(.*node.*\\): stop it, or set ISSUEFLOW_EMBEDDED_PG_PORT to a free port\\.$`),
      );
      expect(processesMentioning(dataDir)).toEqual([]);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  test('a bad PORT stops the start with one line naming it', async () => {
    const bad = spawnIssueflow(['start'], { ...env, PORT: 'abc' });
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim()).toBe('Invalid configuration: PORT must be a port number from 1 to 65535 (got "abc").');
  });

  test.each(['start', 'worker', 'api'])('with a GitHub App and no ALLOWED_REPOS or ALLOWED_OWNERS, `issueflow %s` refuses to start in one line', async (command) => {
    const bad = spawnIssueflow([command], { ...env, GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: appKey });
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim().split('\n')).toHaveLength(1);
    expect(bad.output()).toMatch(/^Invalid configuration: ALLOWED_REPOS or ALLOWED_OWNERS is required with a GitHub App \(GITHUB_APP_ID\)/);
  });

  test('ALLOWED_REPOS=* is a choice: the start goes on, with a warning; a GitHub that cannot say who issueflow is stops it', async () => {
    // Port 1 answers nobody: learning issueflow's GitHub user, the first thing after the configuration, fails.
    const star = spawnIssueflow(['start'], { ...env, GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: appKey, ALLOWED_REPOS: '*', GITHUB_API_URL: 'http://127.0.0.1:1' });
    expect(await star.exited).toBe(1);
    expect(star.output()).toMatch(/"level":40.*ALLOWED_REPOS=\*: issueflow serves every repository/);
    expect(star.output()).toMatch(/could not learn issueflow's own GitHub user at start/);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  test('webhooks switched on without a secret stop the start, naming GITHUB_WEBHOOK_SECRET', async () => {
    const bad = spawnIssueflow(['start'], { ...env, ISSUEFLOW_WEBHOOKS: 'on' });
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim().split('\n')).toHaveLength(1);
    expect(bad.output()).toMatch(/GITHUB_WEBHOOK_SECRET is required/);
  });

  test('ISSUEFLOW_SANDBOX=required on a machine without bubblewrap refuses to start, in one line that says how to fix it', async () => {
    const bad = spawnIssueflow(['start'], { ...env, ISSUEFLOW_SANDBOX: 'required', PATH: '/nonexistent' });
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim().split('\n')).toHaveLength(1);
    expect(bad.output()).toMatch(/ISSUEFLOW_SANDBOX=required, but bubblewrap \(bwrap\) is not installed: apt-get install bubblewrap socat/);
  });
});
