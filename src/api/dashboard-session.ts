import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The dashboard's login cookie. */
export const SESSION_COOKIE = 'issueflow_session';
/** A login lasts 12 hours; changing ISSUEFLOW_API_TOKEN ends every login at once. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * `<expires>.<HMAC of expires keyed by the API token>`: the cookie proves the token was known without
 * carrying it, so a leaked cookie does not leak the token, and it stops working when it expires.
 */
export function sessionValue(token: string, now = Date.now()): string {
  const expires = String(now + SESSION_TTL_MS);
  return `${expires}.${sign(token, expires)}`;
}

/** Whether `value` is a session made with `token` that has not expired (compared in constant time). */
export function sessionValid(value: string | undefined, token: string, now = Date.now()): boolean {
  const m = /^(\d{1,16})\.([A-Za-z0-9_-]{1,100})$/.exec(value ?? '');
  if (!m || Number(m[1]) <= now) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[2]), digest(sign(token, m[1])));
}

function sign(token: string, expires: string): string {
  return createHmac('sha256', token).update(`issueflow dashboard session ${expires}`).digest('base64url');
}

/** The session cookie of a request, read from its Cookie header. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

/** Set-Cookie for a new login: HttpOnly, SameSite=Strict, and Secure when the request came over https. */
export function setSessionCookie(request: FastifyRequest, value: string, maxAgeSeconds = SESSION_TTL_MS / 1000): string {
  const https = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${https ? '; Secure' : ''}`;
}
