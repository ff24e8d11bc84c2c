// @vitest-environment happy-dom
// The options page's counts refresh as soon as a run of writes made from the page ends (an import,
// a clear), not after their back-off: the hook is wired to `writesSettled`, and unwired when it goes.
import '../helpers/db';
import { render } from 'preact';
import { afterEach, describe, expect, test } from 'vitest';
import { useThrottledQuery, writesSettled } from '../../src/ui/hooks';

const host = document.createElement('div');
afterEach(() => render(null, host));

function Counter({ query }: { query: () => Promise<number> }) {
  // A minute between runs: anything sooner in this test is writesSettled's doing.
  const value = useThrottledQuery(query, [], 60_000);
  return <output>{value ?? 'none'}</output>;
}

const shown = () => host.querySelector('output')?.textContent;

describe('useThrottledQuery', () => {
  test('writesSettled runs the query again now, and shows its value', async () => {
    let runs = 0;
    render(<Counter query={async () => ++runs} />, host);
    await expect.poll(shown).toBe('1');
    writesSettled();
    await expect.poll(shown).toBe('2');
    expect(runs).toBe(2);
  });

  test('a query whose component is gone is not run', async () => {
    let runs = 0;
    render(<Counter query={async () => ++runs} />, host);
    await expect.poll(shown).toBe('1');
    render(null, host);
    // Preact runs an unmounted component's effect cleanups after the render, not in it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    writesSettled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(1);
  });
});
