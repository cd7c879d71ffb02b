import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** The step, type and a few lines of an error, from the innermost cause that says something. */
export function describeFailure(err: unknown): { message: string; type?: string } {
  let e: unknown = err;
  let type: string | undefined;
  const messages: string[] = [];
  while (e instanceof Error) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
    if (e instanceof TimeoutFailure) type = `Timeout${e.timeoutType ? `:${e.timeoutType}` : ''}`;
    if (!(e instanceof ActivityFailure) && e.message) messages.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  if (!messages.length && err instanceof Error) messages.push(err.message);
  const message = messages[messages.length - 1] ?? String(err);
  return { message: message.split('\n').slice(0, 6).join('\n').slice(0, 1500), type };
}
