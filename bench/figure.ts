/** One figure of the bench table: what was measured, its goal, and the anchor measured in the same run. */
export interface Figure {
  id: string;
  figure: string;
  goal: string;
  value: number | null;
  unit: string;
  /** Whether the goal is met; null when the run is too short to say (short mode). */
  met: boolean | null;
  anchor?: { name: string; value: number; unit: string };
  note?: string;
}

/** `short`: CI's mode, small counts that prove the bench works, never that it is fast. */
export interface BenchOptions {
  short: boolean;
}

/** A bench module: measures some figures. */
export type FigureModule = { measure(opts: BenchOptions): Promise<Figure[]> };
