// Reading requests and writing replies for the double.
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export interface Reply {
  status: number;
  type: string;
  body: string;
  headers: Record<string, string>;
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  type: 'application/json;charset=UTF-8',
  body: status === 204 ? '' : JSON.stringify(value),
  headers,
});

export function send(res: ServerResponse, reply: Reply): void {
  // No Access-Control-* headers: the extension's service worker needs none (§1).
  res.writeHead(reply.status, { ...(reply.status === 204 ? {} : { 'Content-Type': reply.type }), ...reply.headers });
  res.end(reply.body);
}
