import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const COMPOSE_FILE = join(__dirname, '..', 'docker-compose.yml');
/** Temporal's frontend (gRPC) and its Web UI: unauthenticated as configured, so only this machine may reach them. */
const LOCAL_ONLY: Record<string, string> = { temporal: '7233', 'temporal-ui': '8080' };

interface Service {
  image?: string;
  ports?: unknown[];
  container_name?: string;
  volumes?: unknown[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;

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

/** The services whose image starts with `prefix`. */
const withImage = (prefix: string) => Object.entries(services).filter(([, s]) => s.image?.startsWith(prefix)).map(([name]) => name);

/** A volume's source: a named volume's name, a bind mount's host path, or undefined for an anonymous volume. */
function volumeSource(entry: unknown): string | undefined {
  if (typeof entry === 'object' && entry !== null) return (entry as { source?: string }).source;
  const parts = String(entry).split(':');
  return parts.length > 1 ? parts[0] : undefined;
}

describe('docker-compose.yml', () => {
  test('publishes Temporal (7233) and its Web UI (8080) on 127.0.0.1 only', () => {
    for (const [service, port] of Object.entries(LOCAL_ONLY)) {
      const bindings = (services[service]?.ports ?? []).map(binding);
      expect(bindings.map((b) => b.target)).toContain(port);
      for (const b of bindings) expect([service, b.hostIp]).toEqual([service, '127.0.0.1']);
    }
  });

  test('runs Temporal on supported images: temporalio/server after a temporalio/admin-tools schema step, never the deprecated auto-setup', () => {
    expect(Object.values(services).map((s) => s.image ?? '')).not.toContainEqual(expect.stringContaining('auto-setup'));
    expect(services.temporal.image).toMatch(/^temporalio\/server:\d/);
    const schemaSteps = withImage('temporalio/admin-tools:').filter((name) => services.temporal.depends_on?.[name]);
    expect(schemaSteps).toHaveLength(1);
    const [schema] = schemaSteps;
    expect(services.temporal.depends_on![schema]).toEqual({ condition: 'service_completed_successfully' });
    expect(services[schema].depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    // Both of the server's databases are created and brought to this version's schema.
    const script = JSON.stringify(services[schema]);
    for (const step of ['create', 'setup-schema', 'update-schema', 'temporal_visibility', '/etc/temporal/schema/postgresql/v12/temporal/versioned', '/etc/temporal/schema/postgresql/v12/visibility/versioned']) {
      expect(script).toContain(step);
    }
    // The server and its admin tools are one release.
    expect(services[schema].image!.split(':')[1]).toBe(services.temporal.image!.split(':')[1]);
  });

  test('issueflow starts only once the namespace exists', () => {
    const setup = withImage('temporalio/admin-tools:').find((name) => services[name].depends_on?.temporal);
    expect(setup).toBeDefined();
    expect(JSON.stringify(services[setup!])).toContain('namespace create');
    expect(services.api.depends_on?.[setup!]).toEqual({ condition: 'service_completed_successfully' });
  });

  test('the worker scales (`--scale worker=3`): no container name, no published port, a data volume per replica', () => {
    const worker = services.worker;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    const named = (worker.volumes ?? []).map(volumeSource).filter((source) => source !== undefined && Object.keys(compose.volumes ?? {}).includes(source));
    expect(named).toEqual([]); // a named volume would be one data dir shared by every replica
    expect((worker.volumes ?? []).map(String)).toContain('/data');
  });
});
