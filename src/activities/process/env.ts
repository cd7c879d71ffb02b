import type { Config } from '../../config';
import { secretValues } from '../../config';
import { scrubSecrets } from '../../logger';

/** What every child process gets: enough to find binaries, a home, a locale and a temp dir. */
const BASE_NAMES = ['PATH', 'HOME', 'LANG', 'TERM', 'TMPDIR', 'USER', 'SHELL'];
const BASE_PREFIXES = ['LC_'];

/** Provider variables each preset needs (API keys, base URLs, models). */
const PROVIDER_PREFIXES: Record<Config['agent']['preset'], string[]> = {
  'claude-code': ['ANTHROPIC_', 'CLAUDE_CODE_'],
  codex: ['OPENAI_', 'CODEX_'],
  gemini: ['GEMINI_', 'GOOGLE_'],
  aider: ['ANTHROPIC_', 'OPENAI_', 'GEMINI_', 'AIDER_'],
  custom: ['ANTHROPIC_', 'OPENAI_', 'GEMINI_', 'CLAUDE_CODE_'],
};

/** Never passed on, even when AGENT_ENV names them: the service's own credentials. */
export const DENIED_ENV = new Set([
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'GITHUB_WEBHOOK_SECRET',
  'DATABASE_URL',
  'ISSUEFLOW_API_TOKEN',
  'NOTIFY_SECRET',
  'ISSUEFLOW_TEST_PG_URL',
]);

type Source = Record<string, string | undefined>;

function pick(source: Source, keep: (name: string) => boolean, config: Config): Record<string, string> {
  const secrets = new Set(secretValues(config));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || DENIED_ENV.has(name) || secrets.has(value)) continue;
    if (keep(name)) env[name] = value;
  }
  return env;
}

const isBase = (name: string) => BASE_NAMES.includes(name) || BASE_PREFIXES.some((p) => name.startsWith(p));

/**
 * The agent's environment, built rather than inherited: the base, the preset's provider variables and
 * AGENT_ENV; never issueflow's own secrets, by name or by value.
 */
export function buildAgentEnv(config: Config, preset: Config['agent']['preset'], source: Source = process.env): Record<string, string> {
  const prefixes = PROVIDER_PREFIXES[preset];
  const allow = new Set(config.agent.envAllowList);
  return pick(source, (n) => isBase(n) || allow.has(n) || prefixes.some((p) => n.startsWith(p)), config);
}

/** The environment for test and set-up commands: the base and AGENT_ENV, no provider keys. */
export function buildCommandEnv(config: Config, source: Source = process.env): Record<string, string> {
  const allow = new Set(config.agent.envAllowList);
  return pick(source, (n) => isBase(n) || allow.has(n), config);
}

const TOKEN_PATTERNS = [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, /\bsk-[A-Za-z0-9_-]{20,}\b/g, /x-access-token:[^@\s]+/g];

/** Secret-looking values in an environment the agent holds (API keys), to keep out of logs and errors. */
export function envSecretValues(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name, v]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name) && v.length >= 8)
    .map(([, v]) => v);
}

/** Removes issueflow's secrets, the given extra values and well-known token shapes from text. */
export function scrub(text: string, config: Config, extra: readonly string[] = []): string {
  let out = scrubSecrets(text, [...secretValues(config), ...extra]);
  for (const p of TOKEN_PATTERNS) out = out.replace(p, '[redacted]');
  return out;
}
