import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { nextRunAt, throttledRunner } from '../../src/ui/throttle';

describe('nextRunAt', () => {
  test('a quick query may run again everyMs after it started', () => {
    expect(nextRunAt({ startedAt: 1_000, endedAt: 1_010 }, 2_000)).toBe(3_000);
  });
  test('a slow one idles 19 times as long as it took (5% of the time)', () => {
    expect(nextRunAt({ startedAt: 1_000, endedAt: 2_500 }, 2_000)).toBe(2_500 + 1_500 * 19);
    expect(nextRunAt({ startedAt: 0, endedAt: 1_000 }, 2_000, 0.5)).toBe(2_000);
  });
});

describe('throttledRunner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A query that takes `ms` of (fake) time and counts its runs. */
  function slowQuery(ms: () => number) {
    const runs: number[] = [];
    const query = () => {
      runs.push(Date.now());
      return new Promise<number>((resolve) => setTimeout(() => resolve(runs.length), ms()));
    };
    return { runs, query };
  }

  test('runs at once, then after changes no sooner than nextRunAt, one run for many changes', async () => {
    const start = Date.now();
    const { runs, query } = slowQuery(() => 10);
    const values: number[] = [];
    const runner = throttledRunner(query, (v) => values.push(v), 2_000);
    await vi.advanceTimersByTimeAsync(10);
    expect(values).toEqual([1]);
    for (let i = 0; i < 50; i++) runner.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(runs.map((t) => t - start)).toEqual([0, 2_000]);
    expect(values).toEqual([1, 2]);
    runner.stop();
  });

  test('a slow query backs off, and never overlaps itself', async () => {
    const start = Date.now();
    const { runs, query } = slowQuery(() => 1_000);
    const runner = throttledRunner(query, () => undefined, 2_000);
    // Changes keep coming, every 100 ms: each run starts 19 s after the one before ended.
    const writes = setInterval(() => runner.changed(), 100);
    await vi.advanceTimersByTimeAsync(40_000);
    clearInterval(writes);
    expect(runs.map((t) => t - start)).toEqual([0, 20_000, 40_000]);
    runner.stop();
  });

  test('now() runs at once when the writes have ended, instead of after the back-off', async () => {
    const start = Date.now();
    const { runs, query } = slowQuery(() => 1_000);
    const runner = throttledRunner(query, () => undefined, 2_000);
    const writes = setInterval(() => runner.changed(), 100);
    await vi.advanceTimersByTimeAsync(5_000);
    clearInterval(writes);
    // The back-off had the next run at 20 s; the end of the writes brings it to now.
    runner.now();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs.map((t) => t - start)).toEqual([0, 5_000]);
    runner.stop();
  });

  test('now() during a run runs once more right after it: that run may have read before the last writes', async () => {
    const start = Date.now();
    const { runs, query } = slowQuery(() => 1_000);
    const values: number[] = [];
    const runner = throttledRunner(query, (v) => values.push(v), 2_000);
    await vi.advanceTimersByTimeAsync(500);
    runner.now();
    runner.now();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs.map((t) => t - start)).toEqual([0, 1_000]);
    expect(values).toEqual([1, 2]);
    runner.stop();
  });

  test('nothing runs or is reported after stop', async () => {
    const { runs, query } = slowQuery(() => 50);
    const values: number[] = [];
    const runner = throttledRunner(query, (v) => values.push(v), 100);
    runner.stop();
    runner.changed();
    runner.now();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
    expect(values).toEqual([]);
  });
});
