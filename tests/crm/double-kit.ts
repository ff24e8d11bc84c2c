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
