// What every CRM contract double does the same way around a request: read it, and play an
// injected fault (latency, a connection dropped before or after the write is applied, a canned
// error reply) around the double's own answer. The CRM-specific parts stay in each double.
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** Request headers, names lower-cased, repeated ones joined as HTTP joins them. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Queued faults, each applied to the next N requests its `match` accepts. A fault without `match`
 * applies to the requests `byDefault` accepts (each double keeps its sign-in endpoints out unless
 * a test names them).
 */
export class FaultQueue<T, F extends { match?: ((target: T) => boolean) | undefined }> {
  private queue: { fault: F; remaining: number }[] = [];

  constructor(private readonly byDefault: (target: T) => boolean = () => true) {}

  add(fault: F, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`double: fault times must be a positive integer, got ${times}`);
    this.queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  /** The first queued fault this request matches, consumed once. */
  take(target: T): F | null {
    for (const [i, entry] of this.queue.entries()) {
      const { match } = entry.fault;
      if (match ? !match(target) : !this.byDefault(target)) continue;
      if (--entry.remaining === 0) this.queue.splice(i, 1);
      return entry.fault;
    }
    return null;
  }
}

/** A short label for the request log: `status:503`, `latency:200+drop-after-apply`… (`status` may carry a detail). */
export function describeFault(f: FaultTiming & { status?: number | undefined; body?: string | undefined }, statusDetail = ''): string {
  const parts: string[] = [];
  if (f.latencyMs) parts.push(`latency:${f.latencyMs}`);
  if (f.body !== undefined) parts.push(`body:${f.status ?? 200}`);
  else if (f.status) parts.push(`status:${f.status}${statusDetail}`);
  if (f.dropBeforeApply) parts.push('drop-before-apply');
  if (f.dropAfterApply) parts.push('drop-after-apply');
  return parts.join('+') || 'none';
}

/** The parts of a fault this kit plays; each double's fault type has them. */
export interface FaultTiming {
  latencyMs?: number | undefined;
  dropBeforeApply?: boolean | undefined;
  dropAfterApply?: boolean | undefined;
}

/**
 * Answers one request under `fault` (or none): waits its latency; drops the connection before the
 * double applies anything; answers the fault's canned reply instead of the double's; or lets the
 * double apply the request and then drops the connection, so the client never hears the reply of
 * a write that happened. `entry` is the double's log line for the request.
 */
export async function answerWithFault<F extends FaultTiming, R extends { status: number }>(
  req: IncomingMessage,
  res: ServerResponse,
  entry: { status: number; fault: string | null; reason: string | null },
  fault: F | null,
  hooks: { describe(f: F): string; cannedReply(f: F): R | null; answer(): R; send(res: ServerResponse, reply: R): void },
): Promise<void> {
  if (fault) {
    entry.fault = hooks.describe(fault);
    if (fault.latencyMs) await new Promise((done) => setTimeout(done, fault.latencyMs));
    if (fault.dropBeforeApply) {
      req.socket.destroy();
      return;
    }
    const canned = hooks.cannedReply(fault);
    if (canned) {
      entry.status = canned.status;
      entry.reason = `injected fault ${entry.fault}`;
      hooks.send(res, canned);
      return;
    }
  }
  const reply = hooks.answer();
  if (fault?.dropAfterApply) {
    req.socket.destroy();
    return;
  }
  entry.status = reply.status;
  hooks.send(res, reply);
}
