import { it as vitestIt } from 'vitest';

/** Runs `make` once, on first use, and gives every caller that same result. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= make();
    return result;
  };
}

/**
 * An `it` for tests that make one story, each building on what the tests before it did: a test
 * first runs those of the earlier tests that have not run (each body runs at most once), so that
 * any one test can run alone (`vitest run -t <name>`) as well as in file order, where each body runs
 * as its own test. A test whose earlier test failed fails too, naming it.
 */
export function storyTests(): (name: string, body: () => Promise<void>, timeout?: number) => void {
  const steps: Array<{ name: string; run: () => Promise<void> }> = [];
  return (name, body, timeout) => {
    const earlier = [...steps];
    const run = once(body);
    steps.push({ name, run });
    vitestIt(
      name,
      async () => {
        for (const step of earlier) {
          try {
            await step.run();
          } catch (cause) {
            throw new Error(`this test builds on the earlier test "${step.name}", which failed`, { cause });
          }
        }
        await run();
      },
      timeout,
    );
  };
}
