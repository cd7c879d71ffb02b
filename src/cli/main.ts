#!/usr/bin/env node
import { ConfigError, loadConfig, requireRepoScope, secretValues, servesEveryRepo } from '../config';
import { createLogger } from '../logger';
import { requireSharedInfrastructure } from '../worker/infrastructure';
import { startService } from '../worker/service';
import { createPool } from '../infra/postgres';
import { migrate } from '../infra/migrate';
import { existsSync } from 'node:fs';
import { runJobsCommand } from './jobs';
import { runSetupCommand } from './setup';
import { runInitCommand } from './init';
import { runDoctorCommand } from './doctor';

const USAGE = `issueflow: one durable Temporal workflow per GitHub issue

  issueflow start     all in one: embedded Temporal + PostgreSQL (unless TEMPORAL_ADDRESS / DATABASE_URL), worker and HTTP API
  issueflow worker    only the workers (needs TEMPORAL_ADDRESS and DATABASE_URL)
  issueflow api       only the HTTP API (needs TEMPORAL_ADDRESS and DATABASE_URL)
  issueflow migrate   apply database migrations to DATABASE_URL and exit
  issueflow jobs ...  list, show, follow and steer jobs through the HTTP API
  issueflow init OWNER/REPO         labels, and a pull request adding the issue form and .github/issueflow.yml
  issueflow labels sync OWNER/REPO  only the labels
  issueflow doctor [OWNER/REPO]     check Temporal, PostgreSQL, GitHub (credentials, repositories, webhook), agents, sandbox
  issueflow setup     create issueflow's GitHub App from a manifest (or --token: check a token) and write .env

Configuration is read from the environment and ./.env (the environment wins); see .env.example.`;

/** `.env` in the working directory, as `issueflow setup` writes it; variables already set are kept. */
const ENV_FILE = '.env';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
  if (command === 'jobs') {
    return runJobsCommand(rest, process.env);
  }
  if (command === 'setup') {
    return runSetupCommand(rest, { env: process.env });
  }
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, extraSecrets: secretValues(config) });
  if (command === 'init' || command === 'labels') return runInitCommand(command, rest, config);
  if (command === 'doctor') return runDoctorCommand(rest, config, process.env);
  if (command === 'migrate') {
    if (!config.databaseUrl) throw new ConfigError('Invalid configuration: DATABASE_URL is required for `issueflow migrate`.');
    const pool = createPool(config.databaseUrl, 1);
    const applied = await migrate(pool).finally(() => pool.end());
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  }
  const parts = command === 'start' ? { api: true, worker: true } : command === 'worker' ? { api: false, worker: true } : command === 'api' ? { api: true, worker: false } : undefined;
  if (!parts) {
    console.error(`issueflow: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  requireRepoScope(config);
  if (servesEveryRepo(config)) logger.warn('ALLOWED_REPOS=*: issueflow serves every repository that sends it webhooks, whoever installed it there');
  if (config.github.writesPerSecondIgnored) logger.warn('GITHUB_WRITES_PER_SECOND is deprecated and ignored: GitHub writes take tokens of GITHUB_WRITES_PER_MINUTE (80) and GITHUB_WRITES_PER_HOUR (500) per installation');
  if (command !== 'start') requireSharedInfrastructure(config, command);
  const service = await startService(config, logger, parts);
  if (service.apiUrl) console.log(`issueflow API:  ${service.apiUrl}  (ready: ${service.apiUrl}/health/ready)`);
  if (service.temporalUiUrl) console.log(`Temporal UI:    ${service.temporalUiUrl}`);
  await waitForShutdownSignal(logger);
  await service.stop();
  logger.info('stopped');
  return 0;
}

function waitForShutdownSignal(logger: { info(msg: string): void }): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info(`${signal} received: shutting down (again to force)`);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Some libraries reject with a bare value or an Error without a message: still one line that says something.
    const message = error instanceof Error ? error.message || String(error) : error === undefined ? 'the start failed without saying why; LOG_LEVEL=debug shows more' : String(error);
    console.error(error instanceof ConfigError ? message : `issueflow: ${message}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
