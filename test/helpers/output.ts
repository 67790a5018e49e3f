/**
 * @actions/core, @actions/cache and @actions/exec write to process.stdout directly: `::debug::`
 * commands, tar command lines, upload progress. A runner folds them into its log; in a test run
 * they are noise between vitest's lines. vitest's own output does not go through the worker's
 * process.stdout (console calls are sent to the main process), so swallowing it hides nothing
 * of vitest's.
 */
export interface CapturedOutput {
  /** Everything written since the capture began. */
  text(): string;
  restore(): void;
}

export function captureProcessStdout(): CapturedOutput {
  const original = process.stdout.write;
  const chunks: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = original;
    },
  };
}
