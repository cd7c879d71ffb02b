/** One check of `issueflow doctor`: resolves with what it found, or throws a Problem with its fix. */
export interface DoctorCheck {
  name: string;
  run(): Promise<string>;
}

/** What is wrong, and the one line that fixes it. */
export class Problem extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** A check that cannot run because one it depends on failed: shown, not counted. */
export class Skipped extends Error {}
