import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Figure } from '../../bench/figure';
import { FIGURE_MODULES } from '../../bench/figures';
import { parseArgs } from '../../bench/run';
import { formatTable } from '../../bench/table';
import { temporalCliPath } from '../support/binaries';
import { buildOnce } from '../support/service-process';

jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..');

describe('npm run bench', () => {
  test('--short runs every figure module and writes its figures, numeric, to the results file', async () => {
    // Compiled as the other suites' CLIs are (with the build stamp), so `npm start` does not compile under them.
    buildOnce();
    const out = join(mkdtempSync(join(tmpdir(), 'issueflow-bench-test-')), 'results.json');
    const env = { ...process.env, TEMPORAL_CLI_PATH: temporalCliPath() };
    const { stdout } = await promisify(execFile)('npm', ['run', 'bench', '--', '--short', '--out', out], { cwd: ROOT, env, maxBuffer: 1 << 24 });
    const results = JSON.parse(readFileSync(out, 'utf8')) as { short: boolean; machine: { cores: number; node: string }; figures: Figure[]; failures: string[] };
    expect(results.failures).toEqual([]);
    expect(results.short).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    const ids = results.figures.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['start.ready', 'webhooks.p99', 'webhooks.ratio', 'issue-flow.writes', 'issue-flow.trigger-to-pr', 'issue-flow.actions', 'waiting.rss', 'waiting.reply-p50']));
    // Every module listed for `npm run bench` reported (its figures' ids start with its name).
    for (const name of Object.keys(FIGURE_MODULES)) expect(ids.some((id) => id.startsWith(`${name}.`))).toBe(true);
    for (const f of results.figures) {
      expect(typeof f.value).toBe('number');
      expect(f.value).toBeGreaterThan(0);
      expect(f.anchor?.value).toBeGreaterThan(0);
      // Short mode proves the bench works, never that it is fast.
      expect(f.met).toBeNull();
      expect(stdout).toContain(`| ${f.figure} |`);
    }
    // npm start's prestart left the build stamp and the workflow bundle that later starts reuse.
    const stamp = statSync(join(ROOT, 'dist', '.build-stamp')).mtimeMs;
    expect(statSync(join(ROOT, 'dist', 'workflow-bundle.js')).mtimeMs).toBeGreaterThanOrEqual(stamp);
  });

  test('reads --short, BENCH_SHORT, --only and --out', () => {
    expect(parseArgs(['--short', '--only', 'a,b'], {})).toMatchObject({ short: true, only: ['a', 'b'] });
    expect(parseArgs(['--only=start', '--out', '/tmp/r.json'], { BENCH_SHORT: '1' })).toEqual({ short: true, only: ['start'], out: '/tmp/r.json' });
    expect(parseArgs([], {}).short).toBe(false);
  });

  test('the table shows value, anchor and whether the goal is met', () => {
    const table = formatTable([{ id: 'x', figure: 'acks', goal: '>= 0.9', value: 0.95, unit: 'x', met: true, anchor: { name: 'raw', value: 300, unit: '/s' } }, { id: 'y', figure: 'p99', goal: '<= 20 ms', value: null, unit: 'ms', met: false }]);
    expect(table).toContain('| acks | >= 0.9 | 0.95 x | raw: 300 /s | yes |');
    expect(table).toContain('| p99 | <= 20 ms | n/a |  | NO |');
  });
});
