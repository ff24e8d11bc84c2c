// Fault injection: a queue of faults, each applied to the next N requests its `match` accepts.
// Faults model what sits in front of CiviCRM (a proxy's 429, maintenance mode's 503, a dropped
// connection), so they act before authentication and routing.
import { describeFault as describe, FaultQueue } from '../double-kit';
import type { Fault } from './types';

export interface FaultTarget {
  entity: string;
  action: string;
  method: string;
}

/** `/civicrm/authx/id` is faulted only when a fault's `match` names it. */
export const civiFaults = () => new FaultQueue<FaultTarget, Fault>((target) => target.entity !== 'authx');

export const describeFault = (f: Fault): string => describe(f);
