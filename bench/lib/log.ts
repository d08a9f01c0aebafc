/** Progress lines: one a step, with the time since the start and what is being measured. */

const started = performance.now();
let context = '';

/** What the next lines are about, like `rep 1/3 · Switchboard · fan-out 1000` ('' for nothing). */
export function setContext(text: string): void {
  context = text;
}

export function log(line: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${seconds} s] ${context ? `${context} · ` : ''}${line}\n`);
}

export const elapsedSeconds = (): number => (performance.now() - started) / 1000;

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
