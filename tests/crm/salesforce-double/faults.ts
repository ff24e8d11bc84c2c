// Fault injection (§5 "fault-injection switches"): each fault applies to the next N requests its
// `match` accepts. By default only REST requests match: the login host's OAuth endpoints are
// faulted only when a test asks for them explicitly.
import { describeFault as describe, FaultQueue } from '../double-kit';
import type { FaultTarget, SfFault } from './types';



/** The login host's OAuth endpoints are faulted only when a fault's `match` names them. */
export const sfFaults = () => new FaultQueue<FaultTarget, SfFault>((target) => target.resource !== 'oauth');

export const describeFault = (f: SfFault): string => describe(f, f.errorCode ? `:${f.errorCode}` : '');

const DEFAULTS: Record<number, { errorCode: string; message: string }> = {
  401: { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
  403: { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
  404: { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
  500: { errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1793021546-48152 (-1280136483)' },
  503: { errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' },
};

/** The reply a fault stands for, or null when it only delays or drops. */
export function faultReply(f: SfFault): { status: number; type: string; body: string; headers: Record<string, string> } | null {
  if (f.body !== undefined) return { status: f.status ?? 200, type: f.contentType ?? 'application/json', body: f.body, headers: f.headers ?? {} };
  if (!f.status) return null;
  const base = DEFAULTS[f.status] ?? { errorCode: 'UNKNOWN_EXCEPTION', message: `HTTP ${f.status}` };
  const body = [{ message: f.message ?? base.message, errorCode: f.errorCode ?? base.errorCode }];
  return { status: f.status, type: 'application/json;charset=UTF-8', body: JSON.stringify(body), headers: f.headers ?? {} };
}
