// The one place Kindred imports zod from (`import * as z from './zod'`), so that its configuration
// comes before any schema is built.
//
// Jitless: zod compiles a fast path for object schemas with `new Function`, and first checks that
// eval is allowed by trying it. An extension's content security policy forbids eval, so the check
// throws and the browser reports a CSP violation, at every start of the service worker and of each
// extension page (issue 5, `npm run bench -- --only startup`), for a fast path that cannot be used
// here anyway.
//
// Schemas a context does not need as it starts are built on first use (`z.lazy`, messages.ts's
// `define`): building a zod schema costs tens of microseconds a node, and the worker's cold start
// is on the path of the first badge after Chrome stopped it.
import { config } from 'zod';

config({ jitless: true });

export * from 'zod';
