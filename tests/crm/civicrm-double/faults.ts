// Fault injection: a queue of faults, each applied to the next N requests its `match` accepts.
// Faults model what sits in front of CiviCRM (a proxy's 429, maintenance mode's 503, a dropped
// connection), so they act before authentication and routing.
import type { Fault } from './types';

export interface FaultTarget {
  entity: string;
  action: string;
  method: string;
}

export class FaultQueue {
  private queue: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`double: fault times must be a positive integer, got ${times}`);
    this.queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  /** The first queued fault this request matches, consumed once. `/civicrm/authx/id` only matches an explicit `match`. */
  take(target: FaultTarget): Fault | null {
    for (const [i, entry] of this.queue.entries()) {
      const { match } = entry.fault;
      if (match ? !match(target) : target.entity === 'authx') continue;
      if (--entry.remaining === 0) this.queue.splice(i, 1);
      return entry.fault;
    }
    return null;
  }
}

/** A short label for the request log: `status:503`, `latency:200+drop-after-apply`… */
export function describeFault(f: Fault): string {
  const parts: string[] = [];
  if (f.latencyMs) parts.push(`latency:${f.latencyMs}`);
  if (f.body !== undefined) parts.push(`body:${f.status ?? 200}`);
  else if (f.status) parts.push(`status:${f.status}`);
  if (f.dropBeforeApply) parts.push('drop-before-apply');
  if (f.dropAfterApply) parts.push('drop-after-apply');
  return parts.join('+') || 'none';
}
