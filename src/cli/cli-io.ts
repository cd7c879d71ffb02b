/** Where a command writes; tests collect the lines. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Thrown for anything the user must fix; the message is printed as is and the exit code is 1. */
export class CliError extends Error {}
