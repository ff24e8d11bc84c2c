// Reading requests and writing replies for the double.
import type { IncomingMessage, ServerResponse } from 'node:http';


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
