import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { agentCommand } from '../activities/agent/presets';
import { probeSandbox, resolveCommand } from '../activities/sandbox';
import type { Config } from '../config';
import { ALL_REPOS } from '../domain/repo-scope';
import { ISSUEFLOW_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { pendingMigrations } from '../infra/migrate';
import { createPool } from '../infra/postgres';
import { externalTemporal } from '../infra/temporal';
import { CliError, consoleIo, type CliIo } from './cli-io';
import { Problem, Skipped, type DoctorCheck } from './doctor-check';
import { githubChecks } from './doctor-github';
import { parseRepoArg } from './init';

const USAGE = 'issueflow doctor [OWNER/REPO ...]   check everything issueflow needs (repositories: these, else ALLOWED_REPOS); exit 0 only when all is there';

/** Temporal: reachable, the namespace, issueflow's search attributes. The embedded server is started by `issueflow start` itself. */
function temporalChecks(config: Config, env: Record<string, string | undefined>): DoctorCheck[] {
  if (!config.temporal.address) return [{ name: 'Temporal', run: async () => 'embedded dev server (`issueflow start` runs it; TEMPORAL_ADDRESS unset)' }];
  let connection: Promise<Connection> | undefined;
  const connect = () => {
    const target = externalTemporal(config, env);
    return (connection ??= Connection.connect({ address: target.address, ...(target.connectionOptions as object), connectTimeout: '5s' }));
  };
  const namespace = config.temporal.namespace;
  return [
    {
      name: 'Temporal',
      run: async () => {
        const c = await connect().catch((err: Error) => {
          throw new Problem(`${config.temporal.address} does not answer (${err.message.split('\n')[0]})`, 'start the Temporal server, or fix TEMPORAL_ADDRESS (and TEMPORAL_TLS / TEMPORAL_API_KEY); unset it to use the embedded one');
        });
        const { serverVersion } = await c.workflowService.getSystemInfo({}).then((r) => r, () => ({ serverVersion: '?' }));
        return `${config.temporal.address} (server ${serverVersion || '?'})`;
      },
    },
    {
      name: 'Temporal namespace',
      run: async () => {
        const c = await connect().catch(() => {
          throw new Skipped('Temporal is not reachable');
        });
        await c.workflowService.describeNamespace({ namespace }).catch(() => {
          throw new Problem(`no namespace ${namespace}`, `temporal operator namespace create --namespace ${namespace} (or set TEMPORAL_NAMESPACE)`);
        });
        const { customAttributes } = await c.operatorService.listSearchAttributes({ namespace });
        const missing = ISSUEFLOW_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (customAttributes ?? {})));
        if (missing.length) throw new Problem(`${namespace} lacks the search attributes ${missing.map((k) => k.name).join(', ')}`, `issueflow start registers them on a self-hosted server; on Temporal Cloud add ${missing.map((k) => `${k.name} (${k.type})`).join(', ')} in the Cloud UI`);
        return `${namespace}, with issueflow's search attributes`;
      },
    },
  ];
}

/** PostgreSQL reachable and every migration applied. */
function databaseCheck(databaseUrl: string | undefined): DoctorCheck {
  return {
    name: 'PostgreSQL',
    run: async () => {
      if (!databaseUrl) return 'embedded (`issueflow start` runs it and applies the migrations; DATABASE_URL unset)';
      const pool = createPool(databaseUrl, 1);
      try {
        await pool.query('SELECT 1').catch((err: Error) => {
          throw new Problem(`DATABASE_URL does not answer (${err.message})`, 'start PostgreSQL or fix DATABASE_URL');
        });
        const pending = await pendingMigrations(pool);
        if (pending.length) throw new Problem(`migrations not applied: ${pending.join(', ')}`, 'issueflow migrate');
        return 'reachable, migrations applied';
      } finally {
        await pool.end();
      }
    },
  };
}

/** Variables that authenticate each preset's CLI inside the sandbox (which hides ~/.claude, ~/.codex, ...). */
const AGENT_CREDENTIALS: Record<Config['agent']['preset'], string[]> = {
  'claude-code': ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN'],
  codex: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  aider: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY'],
  custom: [],
};

/** Each configured agent CLI (AGENT, AGENT_FALLBACK): on PATH, with credentials it can use in the sandbox. */
function agentChecks(agent: Config['agent'], env: Record<string, string | undefined>): DoctorCheck[] {
  const presets = [agent.preset, ...(agent.fallback && agent.fallback !== agent.preset ? [agent.fallback] : [])];
  return presets.map((preset) => ({
    name: `agent ${preset}`,
    run: async () => {
      const cmd = agentCommand(preset, { mode: 'implement', promptFile: 'prompt.md', workdir: '.', customCommand: agent.command });
      const found = resolveCommand(cmd.file, env.PATH) ?? resolveCommand(cmd.file, join(__dirname, '..', '..', 'node_modules', '.bin'));
      if (!found) throw new Problem(`\`${cmd.file}\` is not on PATH`, preset === 'custom' ? 'fix AGENT_COMMAND' : `install it on the worker (e.g. npm install -g ${preset === 'claude-code' ? '@anthropic-ai/claude-code' : preset === 'codex' ? '@openai/codex' : preset === 'gemini' ? '@google/gemini-cli' : 'aider-chat (pip)'}) or put it on PATH`);
      const keys = AGENT_CREDENTIALS[preset];
      if (keys.length && !keys.some((k) => env[k])) {
        const home = existsSync(join(homedir(), `.${preset === 'claude-code' ? 'claude' : preset}`)) ? ` (a login in ~/.${preset === 'claude-code' ? 'claude' : preset} is hidden from the sandbox)` : '';
        throw new Problem(`none of ${keys.join(', ')} is set${home}`, `set ${keys[0]} in issueflow's environment`);
      }
      return found;
    },
  }));
}

/** The sandbox: bubblewrap and socat work, unless ISSUEFLOW_SANDBOX=off. */
function sandboxCheck(sandbox: Config['sandbox']): DoctorCheck {
  return {
    name: 'sandbox',
    run: async () => {
      if (sandbox.mode === 'off') return 'off (ISSUEFLOW_SANDBOX=off: agents run unsandboxed, by choice)';
      const s = probeSandbox();
      if (!s.available) throw new Problem(s.reason, `${s.fix}, or set ISSUEFLOW_SANDBOX=off to run agents unsandboxed`);
      return 'bubblewrap and socat work';
    },
  };
}

/** `issueflow doctor [OWNER/REPO ...]`: prints one line per check (and a fix-it line per problem); 0 only when nothing is missing. */
export async function runDoctorCommand(argv: string[], config: Config, env: Record<string, string | undefined>, io: CliIo = consoleIo): Promise<number> {
  let repos;
  try {
    if (argv[0] === '--help') {
      io.out(USAGE);
      return 0;
    }
    repos = (argv.length ? argv : config.github.allowedRepos.filter((r) => r !== ALL_REPOS)).map((a) => parseRepoArg(a, USAGE));
  } catch (err) {
    io.err((err as CliError).message);
    return 2;
  }
  const checks = [
    ...temporalChecks(config, env),
    databaseCheck(config.databaseUrl),
    {
      name: 'webhook secret',
      run: async () => {
        if (!config.webhooks.secret) throw new Problem('GITHUB_WEBHOOK_SECRET is not set, so webhooks are off', 'run `issueflow setup`, or set it to the secret of your webhook');
        return config.webhooks.proxyUrl ? `set; deliveries come through WEBHOOK_PROXY_URL (${new URL(config.webhooks.proxyUrl).host})` : 'set';
      },
    },
    ...githubChecks(config, repos),
    ...agentChecks(config.agent, env),
    sandboxCheck(config.sandbox),
  ];
  let problems = 0;
  for (const check of checks) {
    try {
      io.out(`ok    ${check.name}: ${await check.run()}`);
    } catch (err) {
      if (err instanceof Skipped) {
        io.out(`skip  ${check.name}: ${err.message}`);
        continue;
      }
      problems++;
      io.out(`FAIL  ${check.name}: ${(err as Error).message}`);
      io.out(`      fix: ${err instanceof Problem ? err.fix : 'see the message above'}`);
    }
  }
  io.out(problems ? `${problems} problem(s): issueflow is not ready.` : 'Everything issueflow needs is there.');
  return problems ? 1 : 0;
}
