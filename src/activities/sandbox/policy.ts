import type { Config } from '../../config';

/** One place a sandboxed run may connect to. */
export interface Endpoint {
  host: string;
  port: number;
}

/** `open`: the machine's network as it is; `allow`: only these endpoints (none when empty). */
export type NetworkPolicy = { kind: 'open' } | { kind: 'allow'; endpoints: Endpoint[] };

/** Each preset's provider API, when no base-URL variable points elsewhere. */
const PROVIDER_HOSTS: Record<Config['agent']['preset'], string[]> = {
  'claude-code': ['api.anthropic.com'],
  codex: ['api.openai.com'],
  gemini: ['generativelanguage.googleapis.com'],
  aider: ['api.anthropic.com', 'api.openai.com', 'generativelanguage.googleapis.com'],
  custom: [],
};

/** Variables whose value is a provider's base URL (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, OPENAI_API_BASE, ...). */
const isBaseUrlVariable = (name: string) => /_(BASE_URL|API_BASE|API_URL|ENDPOINT)$/.test(name);

/** `host`, `host:port` (443 by default) or `[v6]:port`. */
export function parseEndpoint(entry: string): Endpoint {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
  if (!m) throw new Error(`Not a host or host:port: ${entry}`);
  return { host: m[1].replace(/^\[|\]$/g, '').toLowerCase(), port: m[2] ? Number(m[2]) : 443 };
}

/** The endpoint of a URL, with the scheme's default port. */
export function urlEndpoint(value: string): Endpoint | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return { host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
}

/** An allow-list from configuration: `open` wins, `none` (or nothing) allows nothing but `extra`. */
export function policyFrom(entries: readonly string[], extra: readonly Endpoint[] = []): NetworkPolicy {
  if (entries.includes('open')) return { kind: 'open' };
  const listed = entries.filter((e) => e !== 'none').map(parseEndpoint);
  return { kind: 'allow', endpoints: dedupe([...extra, ...listed]) };
}

/**
 * The agent's network: its provider's API, from the base-URL variables of its environment (even a
 * local endpoint, as in tests) or else the preset's default host, plus AGENT_NETWORK_ALLOW.
 */
export function agentPolicy(config: Config, preset: Config['agent']['preset'], env: Record<string, string>): NetworkPolicy {
  const fromEnv = Object.entries(env)
    .filter(([name]) => isBaseUrlVariable(name))
    .map(([, value]) => urlEndpoint(value))
    .filter((e): e is Endpoint => !!e);
  const provider = fromEnv.length ? fromEnv : PROVIDER_HOSTS[preset].map((host) => ({ host, port: 443 }));
  return policyFrom(config.sandbox.agentNetworkAllow, provider);
}

/** Set-up and test commands: COMMAND_NETWORK_ALLOW only. */
export function commandPolicy(config: Config): NetworkPolicy {
  return policyFrom(config.sandbox.commandNetworkAllow);
}

/** Loopback addresses: reached by a port forward of the same port inside the sandbox, not the proxy. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether a proxy request for host:port is within the endpoints. */
export function allows(endpoints: readonly Endpoint[], host: string, port: number): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return endpoints.some((e) => e.host === h && e.port === port);
}

function dedupe(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => !seen.has(`${e.host}:${e.port}`) && !!seen.add(`${e.host}:${e.port}`));
}
