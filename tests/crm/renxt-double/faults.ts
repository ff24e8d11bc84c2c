// Fault injection: each queued fault applies to the next N requests its `match` accepts. Faults act
// where a proxy or a flaky network would: before the gateway (status, latency, drop before) or
// after the call ran (drop after apply: the write landed, the client never hears of it).
import { describeFault as describe, FaultQueue } from '../double-kit';
import type { Fault } from './types';

export const skyFaults = () => new FaultQueue<{ method: string; path: string }, Fault>();

export const describeFault = (f: Fault): string => describe(f);
