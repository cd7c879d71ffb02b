import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const COMPOSE_FILE = join(__dirname, '..', 'docker-compose.yml');
/** Temporal's frontend (gRPC) and its Web UI: unauthenticated as configured, so only this machine may reach them. */
const LOCAL_ONLY: Record<string, string> = { temporal: '7233', 'temporal-ui': '8080' };

interface Binding {
  hostIp?: string;
  target: string;
}

/** A compose port entry, short (`[HOST:]PUBLISHED:TARGET[/PROTOCOL]`) or long (`{ target, published, host_ip }`). */
function binding(entry: unknown): Binding {
  if (typeof entry === 'object' && entry !== null) {
    const long = entry as { target: number | string; host_ip?: string };
    return { hostIp: long.host_ip || undefined, target: String(long.target) };
  }
  const parts = String(entry).replace(/\/\w+$/, '').split(':');
  const target = parts.pop()!;
  parts.pop(); // the published port (absent: a random one, on every interface)
  return { hostIp: parts.join(':') || undefined, target };
}

function expectLocalOnly(services: Record<string, { ports?: unknown[] }>): void {
  for (const [service, port] of Object.entries(LOCAL_ONLY)) {
    const bindings = (services[service]?.ports ?? []).map(binding);
    expect(bindings.map((b) => b.target)).toContain(port);
    for (const b of bindings) expect([service, b.hostIp]).toEqual([service, '127.0.0.1']);
  }
}

describe('docker-compose.yml', () => {
  test('publishes Temporal (7233) and its Web UI (8080) on 127.0.0.1 only', () => {
    const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, { ports?: unknown[] }> };
    expectLocalOnly(compose.services);
  });
});
