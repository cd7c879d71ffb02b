import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One operation of GitHub's REST API, as matched from a request. */
export interface MatchedOperation {
  operationId: string;
  template: string;
  params: Record<string, string>;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
  op: Json;
}

let spec: Json | undefined;
let routes: Route[] | undefined;
let ajv: Ajv | undefined;
let coercing: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** GitHub's official OpenAPI description, parsed once per process (13 MB). */
export function githubSpec(): Json {
  spec ??= fixNullable(JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'))) as Json;
  return spec;
}

// OpenAPI 3.0's `nullable` next to `allOf`/`anyOf` without `type` is not JSON Schema; Ajv needs a type.
function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = fixNullable(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _nullable, description, ...rest } = out;
    return { description, anyOf: [rest, { type: 'null' }] };
  }
  // Ajv's `nullable` lets null past `type` but not past `enum` (e.g. a running check run's `conclusion`).
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

function ajvs(): { ajv: Ajv; coercing: Ajv } {
  if (!ajv || !coercing) {
    const make = (coerceTypes: boolean) => {
      const a = new Ajv({ strict: false, allErrors: true, validateSchema: false, coerceTypes, logger: false });
      addFormats(a);
      a.addSchema({ $id: 'gh', components: githubSpec().components }, 'gh');
      return a;
    };
    ajv = make(false);
    coercing = make(true);
  }
  return { ajv, coercing };
}

function allRoutes(): Route[] {
  if (routes) return routes;
  routes = [];
  for (const [template, item] of Object.entries(githubSpec().paths as Json)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = (item as Json)[method];
      if (!op) continue;
      const names: string[] = [];
      const params = Object.fromEntries(resolveParams(op).map((p) => [p.name, p]));
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
        names.push(name);
        return params[name]?.['x-multi-segment'] ? '(.+)' : '([^/]+)';
      });
      const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
      routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names, literals, op });
    }
  }
  // Literal segments win over parameters: `/issues/comments` is not issue number "comments".
  routes.sort((a, b) => b.literals - a.literals);
  return routes;
}

function resolve(node: Json): Json {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    n = n.$ref.replace(/^#\//, '').split('/').reduce((acc: Json, key: string) => acc[key.replace(/~1/g, '/').replace(/~0/g, '~')], githubSpec());
  }
  return n;
}

function resolveParams(op: Json): Json[] {
  return ((op.parameters ?? []) as Json[]).map(resolve);
}

// Component refs inside an operation's inline schema point into the document; point them at `gh`.
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"gh#/components/'));
}

function compile(key: string, schema: unknown, withCoercion = false): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const { ajv: strict, coercing: loose } = ajvs();
    try {
      v = (withCoercion ? loose : strict).compile(rebase(schema) as object);
    } catch (err) {
      // A schema Ajv cannot compile must show up as a violation, not pass silently.
      const message = `cannot compile the schema of ${key}: ${(err as Error).message}`;
      v = Object.assign(() => false, { errors: [{ instancePath: '', message }] }) as unknown as ValidateFunction;
    }
    compiled.set(key, v);
  }
  return v;
}

function errorsOf(v: ValidateFunction, where: string): string[] {
  return (v.errors ?? []).slice(0, 5).map((e) => `${where}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** The operation a request addresses, by method and path template; undefined when GitHub has none. */
export function matchOperation(method: string, path: string): (MatchedOperation & { op: Json }) | undefined {
  for (const r of allRoutes()) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (!m) continue;
    const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    return { operationId: String(r.op.operationId), template: r.template, params, op: r.op };
  }
  return undefined;
}

/** Problems with a request's path parameters, query and JSON body; empty when it is valid. */
export function validateRequest(match: MatchedOperation & { op: Json }, query: Record<string, string>, body: unknown): string[] {
  const params = resolveParams(match.op);
  const problems: string[] = [];
  for (const where of ['path', 'query'] as const) {
    const list = params.filter((p) => p.in === where);
    const schema = {
      type: 'object',
      properties: Object.fromEntries(list.map((p) => [p.name, p.schema ?? {}])),
      required: list.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    };
    const v = compile(`${match.operationId} ${where}`, schema, true);
    if (!v({ ...(where === 'path' ? match.params : query) })) problems.push(...errorsOf(v, `${where}`));
  }
  const requestBody = match.op.requestBody ? resolve(match.op.requestBody) : undefined;
  const schema = requestBody?.content?.['application/json']?.schema;
  if (schema && (body !== undefined || requestBody.required)) {
    const v = compile(`${match.operationId} body`, schema);
    if (!v(body)) problems.push(...errorsOf(v, 'body'));
  } else if (!schema && body !== undefined) {
    problems.push('body sent to an operation that takes none');
  }
  return problems;
}

/** Problems with a response body for its status; undocumented error statuses are not checked. */
export function validateResponse(match: MatchedOperation & { op: Json }, status: number, body: unknown): string[] {
  const documented = match.op.responses?.[String(status)];
  if (!documented) return status < 400 ? [`status ${status} is not documented for ${match.operationId}`] : [];
  const schema = resolve(documented).content?.['application/json']?.schema;
  if (!schema) return body === undefined ? [] : [`status ${status} of ${match.operationId} has no body in the spec`];
  const v = compile(`${match.operationId} ${status}`, schema);
  return v(body) ? [] : errorsOf(v, `response ${status}`);
}

/** Problems with a webhook payload per the description's `x-webhooks` (e.g. `issue_comment`, `created`). */
export function validateWebhookPayload(event: string, action: string | undefined, payload: unknown): string[] {
  // Some events (`status`) have no action.
  const key = (action ? `${event}-${action}` : event).replace(/_/g, '-');
  const schema = githubSpec()['x-webhooks']?.[key]?.post?.requestBody?.content?.['application/json']?.schema;
  if (!schema) return [`no webhook ${key} in GitHub's description`];
  const v = compile(`webhook ${key}`, schema);
  return v(payload) ? [] : errorsOf(v, `webhook ${key}`);
}
