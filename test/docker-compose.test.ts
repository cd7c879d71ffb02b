import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sandboxFix } from '../src/activities/sandbox';

const COMPOSE_FILE = join(__dirname, '..', 'docker-compose.yml');
const DOCKERFILE = join(__dirname, '..', 'Dockerfile');
/** The images' Node.js: the Active LTS line (26 since 2026-10-28; 24 is in maintenance, 20 reached its end in April 2026). */
const NODE_LTS = 26;
/** Temporal's frontend (gRPC) and its Web UI: unauthenticated as configured, so only this machine may reach them. */
const LOCAL_ONLY: Record<string, string> = { temporal: '7233', 'temporal-ui': '8080' };

interface Service {
  image?: string;
  ports?: unknown[];
  container_name?: string;
  volumes?: unknown[];
  depends_on?: Record<string, { condition: string }>;
  build?: string | { context?: string; target?: string };
  environment?: Record<string, string>;
  env_file?: (string | { path: string })[];
  security_opt?: string[];
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

interface Stage {
  name: string;
  /** The stage or image it starts from, build arguments substituted. */
  from: string;
  /** Its instructions after FROM, continuation lines joined. */
  body: string[];
}

/** The Dockerfile's stages, in order, with its global ARG defaults substituted into each FROM. */
function dockerfileStages(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    const arg = /^ARG\s+(\w+)=(\S+)$/i.exec(line);
    if (from) stages.push({ from: from[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''), name: from[2] ?? String(stages.length), body: [] });
    else if (arg && stages.length === 0) args[arg[1]] = arg[2];
    else stages.at(-1)?.body.push(line);
  }
  return stages;
}

const stages = dockerfileStages(readFileSync(DOCKERFILE, 'utf8'));
const stage = (name: string) => stages.find((s) => s.name === name);
/** A stage and the stages it builds on, itself first. */
function chain(name: string): Stage[] {
  const s = stage(name);
  return s ? [s, ...chain(s.from)] : [];
}
const buildTarget = (service: Service) => (typeof service.build === 'object' ? service.build.target : undefined);
/** The `npm install -g` and `pip install` package specs of a stage. */
const installs = (s: Stage) => s.body.flatMap((l) => [...l.matchAll(/(?:npm install -g|pip install)\s+((?:-\S+\s+)*)(\S+)/g)].map((m) => m[2]));

describe('Dockerfile', () => {
  test(`every stage starts from Node ${NODE_LTS} (the LTS) or from another stage`, () => {
    expect(stages.length).toBeGreaterThan(1);
    for (const s of stages) {
      if (stage(s.from)) continue;
      expect([s.name, s.from]).toEqual([s.name, expect.stringMatching(new RegExp(`^node:${NODE_LTS}-[a-z]+-slim$`))]);
    }
  });

  test('the worker service builds the agent target: Claude Code pinned, on the runtime with git, bubblewrap and socat', () => {
    const target = buildTarget(services.worker);
    expect(target).toBe('worker');
    const stack = chain(target!);
    expect(installs(stack[0])).toEqual([expect.stringMatching(/^@anthropic-ai\/claude-code@\d+\.\d+\.\d+$/)]);
    // The build fails if the native binary did not replace the package's stub.
    expect(stack[0].body.join('\n')).toContain('claude --version');
    // The pinned version stays the one that runs: no self-update.
    expect(stack[0].body).toContain('ENV CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1');
    const apt = stack.flatMap((s) => s.body).filter((l) => l.includes('apt-get install')).join(' ');
    for (const pkg of ['git', 'bubblewrap', 'socat', 'ca-certificates']) expect(apt.split(/\s+/)).toContain(pkg);
    // It runs as the unprivileged user, as the worker command.
    expect(stack[0].body.filter((l) => /^USER /.test(l)).at(-1)).toBe('USER node');
    expect(stack[0].body).toContain('CMD ["worker"]');
  });

  test('the api builds the runtime without any agent CLI; the other agent CLIs are opt-in targets, pinned', () => {
    const api = chain(buildTarget(services.api)!);
    expect(api.length).toBeGreaterThan(0);
    expect(api.flatMap(installs)).toEqual([]);
    const pins: Record<string, RegExp> = {
      'worker-codex': /^@openai\/codex@\d+\.\d+\.\d+$/,
      'worker-gemini': /^@google\/gemini-cli@\d+\.\d+\.\d+$/,
      'worker-aider': /^aider-chat==\d+\.\d+\.\d+$/,
    };
    for (const [name, pin] of Object.entries(pins)) {
      expect([name, stage(name)?.from]).toEqual([name, buildTarget(services.api)]);
      expect(installs(stage(name)!)).toEqual([expect.stringMatching(pin)]);
    }
  });

  test('the build stage writes the workflow bundle after compiling, before dev dependencies are pruned', () => {
    const build = chain('runtime').flatMap((s) => s.body.filter((l) => l.startsWith('COPY --from=')).map((l) => l.split(/\s+/)[1].slice('--from='.length)));
    const steps = stage(build[0])!.body.join('\n');
    const compiled = steps.indexOf('npm run build');
    const bundled = steps.indexOf("require('./dist/worker/workflow-bundle.js').writeWorkflowBundle()");
    expect([compiled, bundled].every((i) => i >= 0)).toBe(true);
    expect(bundled).toBeGreaterThan(compiled);
    expect(steps.indexOf('npm prune')).toBeGreaterThan(bundled);
  });

  test('apt-get installs without recommends and leaves no package lists behind', () => {
    const aptLines = stages.flatMap((s) => s.body).filter((l) => l.includes('apt-get install'));
    expect(aptLines.length).toBeGreaterThan(0);
    for (const line of aptLines) {
      expect(line).toContain('--no-install-recommends');
      expect(line).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });

  test('the build context leaves out secrets and data dirs (.dockerignore allows only what the build copies)', () => {
    const ignore = readFileSync(join(__dirname, '..', '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const copied = stages.flatMap((s) => s.body).filter((l) => /^COPY (?!--from)/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(new Set(allowed)).toEqual(new Set(copied));
  });
});

describe('the compose worker runs agents sandboxed', () => {
  test('refuses to start without the sandbox unless told otherwise, and is allowed the namespaces bubblewrap needs', () => {
    const worker = services.worker;
    expect(worker.environment?.ISSUEFLOW_SANDBOX).toBe('${ISSUEFLOW_SANDBOX:-required}');
    expect(worker.security_opt).toEqual(expect.arrayContaining(['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined']));
    expect(JSON.stringify(worker)).not.toMatch(/privileged|cap_add|SYS_ADMIN/);
  });

  test("a worker whose sandbox cannot start in a container names the options this file gives it; elsewhere, the host's fix", () => {
    const inContainer = sandboxFix('namespaces', true);
    expect(services.worker.security_opt?.length).toBeGreaterThan(0);
    for (const opt of services.worker.security_opt!) expect(inContainer).toContain(opt);
    expect(inContainer).toContain('README: Images');
    expect(sandboxFix('namespaces', false)).not.toContain('security_opt');
    expect(sandboxFix('missing-package', true)).toBe('apt-get install bubblewrap socat');
  });

  test("the agent's key file is read by the worker only", () => {
    const files = (service: Service) => (service.env_file ?? []).map((f) => (typeof f === 'string' ? f : f.path));
    expect(files(services.worker)).toContain('agent.env');
    for (const [name, service] of Object.entries(services)) if (name !== 'worker') expect([name, files(service)]).not.toEqual([name, expect.arrayContaining(['agent.env'])]);
    expect(readFileSync(join(__dirname, '..', '.gitignore'), 'utf8').split('\n')).toContain('agent.env');
  });
});
