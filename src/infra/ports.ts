import { createServer } from 'node:net';
import { processListeningOn } from './processes';

/** A port a start is about to listen on, and the variable that moves it. */
export interface PortClaim {
  port: number;
  host: string;
  variable: string;
}

function isFree({ port, host }: PortClaim): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Throws one line for the first port already taken: the port, its variable and, where /proc tells, who holds it. */
export async function requireFreePorts(claims: PortClaim[]): Promise<void> {
  for (const claim of claims) {
    if (await isFree(claim)) continue;
    const holder = processListeningOn(claim.port);
    const who = holder ? `pid ${holder.pid} (${holder.command.slice(0, 120)})` : 'another process';
    throw new Error(`port ${claim.port} (${claim.variable}) is already in use by ${who}: stop it, or set ${claim.variable} to a free port.`);
  }
}
