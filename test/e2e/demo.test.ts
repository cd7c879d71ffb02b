import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalCliPath } from '../support/binaries';
import { freePort } from '../support/ports';
import { processesMentioning } from '../support/service-process';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

/** Runs `npm run demo`'s command (without npm) to its end; returns the exit code and everything printed. */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', './bench/register.js', 'scripts/demo.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

/** `npm run demo`: issueflow on its embedded defaults, one issue from question to PR, everything stopped. */
describe('npm run demo', () => {
  let demoDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    demoDir = mkdtempSync(join(tmpdir(), 'issueflow-demo-'));
    env = {
      ISSUEFLOW_DEMO_DIR: demoDir,
      PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
      ISSUEFLOW_EMBEDDED_PG_PORT: String(await freePort()),
      TEMPORAL_CLI_PATH: temporalCliPath(),
    };
  });

  afterAll(() => {
    rmSync(demoDir, { recursive: true, force: true });
  });

  test('asks for the acceptance criteria, gets them, opens the PR with the fix, stops everything, exits 0', async () => {
    const { code, output } = await runDemo(env);
    expect({ code, tail: output.slice(-3000) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(output).toContain(`http://localhost:${env.TEMPORAL_UI_PORT}/namespaces/default/workflows/acme%2Fcalculator%231`);
    expect(output).toMatch(/issueflow commented \(question\):\n(.*\n){0,3}.*acceptance criteria/i);
    expect(output).toContain('state: awaiting-feedback → analyzing');
    expect(output).toContain('+agent:completed');
    expect(output).toMatch(/issueflow opened PR #2: http:\/\/127\.0\.0\.1:\d+\/acme\/calculator\/pull\/2/);
    expect(output).toContain('+exports.add = (a, b) => a + b;');
    expect(output).toContain('stopped issueflow (exit 0)');
    expect(processesMentioning(demoDir)).toEqual([]);
  });

  test('a busy port stops it before anything starts, naming the variable to set', async () => {
    const busy: Server = await new Promise((resolve) => {
      const srv = createServer().listen(Number(env.PORT), '127.0.0.1', () => resolve(srv));
    });
    try {
      const { code, output } = await runDemo(env);
      expect(code).toBe(1);
      expect(output).toContain(`port ${env.PORT} (issueflow's HTTP API) is in use: set PORT to a free port`);
      expect(processesMentioning(demoDir)).toEqual([]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
