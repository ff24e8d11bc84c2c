// Request decoding the way PHP fills $_POST: urlencoded and multipart/form-data bodies become
// fields; any other body (JSON included) is never read by CiviCRM.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface DecodedBody {
  form: Record<string, string>;
  /** The body looks like JSON sent instead of form fields (the §2.8 #1 bug). */
  json: boolean;
}

export function decodeBody(contentType: string | undefined, body: Buffer): DecodedBody {
  const type = (contentType ?? '').toLowerCase();
  if (body.length === 0) return { form: {}, json: false };
  if (type.startsWith('application/x-www-form-urlencoded')) return { form: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), json: false };
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    return { form: boundary ? parseMultipart(body.toString('utf8'), (boundary[1] ?? boundary[2])!.trim()) : {}, json: false };
  }
  const text = body.toString('utf8').trim();
  return { form: {}, json: type.includes('json') || text.startsWith('{') || text.startsWith('[') };
}

/** Text fields of a multipart body (what `fetch(url, {body: new FormData()})` sends). Files are skipped. */
function parseMultipart(text: string, boundary: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const part of text.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /filename=/i.test(head)) continue;
    form[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return form;
}

export interface Reply {
  status: number;
  /** Content-Type; a fault may send any. */
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({ status, type: 'application/json', body: JSON.stringify(value), headers });
export const text = (status: number, body: string, headers?: Record<string, string>): Reply => ({ status, type: 'text/plain', body, headers });

export const NOT_FOUND: Reply = {
  status: 404,
  type: 'text/html; charset=utf-8',
  body: '<!DOCTYPE html><html><head><title>Page not found | CiviCRM</title></head><body><h1>Page not found</h1><p>The requested page could not be found.</p></body></html>',
};

export function send(res: ServerResponse, reply: Reply): void {
  // No Access-Control-* headers: a real CiviCRM sends none, and the extension's worker needs none (§1).
  res.writeHead(reply.status, { 'Content-Type': reply.type, ...reply.headers });
  res.end(reply.body);
}

