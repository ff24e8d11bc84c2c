// Fault injection: each queued fault applies to the next N requests its `match` accepts. Faults act
// where a proxy or a flaky network would: before the gateway (status, latency, drop before) or
// after the call ran (drop after apply: the write landed, the client never hears of it).
import type { Fault } from './types';

export class FaultQueue {
  private queue: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`double: fault times must be a positive integer, got ${times}`);
    this.queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  take(target: { method: string; path: string }): Fault | null {
    for (const [i, entry] of this.queue.entries()) {
      if (entry.fault.match && !entry.fault.match(target)) continue;
      if (--entry.remaining === 0) this.queue.splice(i, 1);
      return entry.fault;
    }
    return null;
  }
}

export function describeFault(f: Fault): string {
  const parts: string[] = [];
  if (f.latencyMs) parts.push(`latency:${f.latencyMs}`);
  if (f.status) parts.push(`status:${f.status}`);
  if (f.dropBeforeApply) parts.push('drop-before-apply');
  if (f.dropAfterApply) parts.push('drop-after-apply');
  return parts.join('+') || 'none';
}
