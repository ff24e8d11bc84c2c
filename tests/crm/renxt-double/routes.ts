// The API routes the double serves, one line each: method, path pattern, handler.
import * as actions from './actions';
import * as constituents from './constituents';
import type { Ctx } from './context';
import * as gifts from './gifts';
import type { Reply } from './http';
import * as presences from './presences';

type Handler = (ctx: Ctx, ...params: string[]) => Reply;
const ID = '(\\d+)';
const routes: [string, RegExp, Handler][] = [
  ['GET', /^\/constituent\/v1\/constituents\/search$/, constituents.search],
  ['GET', /^\/constituent\/v1\/constituents$/, constituents.listConstituents],
  ['POST', /^\/constituent\/v1\/constituents$/, constituents.createConstituent],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}$`), constituents.getConstituent],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/emailaddresses$`), (c, id) => constituents.perConstituent(c, id!, 'emails')],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/phones$`), (c, id) => constituents.perConstituent(c, id!, 'phones')],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/constituentcodes$`), (c, id) => constituents.perConstituent(c, id!, 'constituentCodes')],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/onlinepresences$`), (c, id) => presences.listForConstituent(c, id!)],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/actions$`), (c, id) => actions.listForConstituent(c, id!)],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/givingsummary/lifetimegiving$`), (c, id) => gifts.lifetime(c, id!)],
  ['GET', new RegExp(`^/constituent/v1/constituents/${ID}/givingsummary/(first|latest|greatest)$`), (c, id, w) => gifts.summary(c, id!, w as 'first')],
  ['GET', /^\/constituent\/v1\/(onlinepresencetypes|actiontypes|actionstatustypes|actionlocations|emailaddresstypes|phonetypes|constituentcodetypes)$/, (c, t) => constituents.codeTable(c, t!)],
  ['GET', /^\/constituent\/v1\/onlinepresences$/, presences.listAll],
  ['POST', /^\/constituent\/v1\/onlinepresences$/, presences.create],
  ['DELETE', new RegExp(`^/constituent/v1/onlinepresences/${ID}$`), (c, id) => presences.remove(c, id!)],
  ['GET', /^\/constituent\/v1\/actions$/, actions.listAll],
  ['POST', /^\/constituent\/v1\/actions$/, actions.create],
  ['GET', new RegExp(`^/constituent/v1/actions/${ID}$`), (c, id) => actions.get(c, id!)],
  ['DELETE', new RegExp(`^/constituent/v1/actions/${ID}$`), (c, id) => actions.remove(c, id!)],
  ['GET', /^\/gift\/v1\/gifts$/, gifts.list],
  ['GET', new RegExp(`^/gift/v1/gifts/${ID}$`), (c, id) => gifts.get(c, id!)],
  ['GET', new RegExp(`^/commpref/v1/constituents/${ID}/constituentsolicitcodes$`), (c, id) => gifts.solicitCodes(c, id!)],
];

/** `{handler, params}` for a request, `'method'` when only the method is wrong, null when no path matches. */
export function route(method: string, path: string): { handler: Handler; params: string[] } | 'method' | null {
  let pathMatched = false;
  for (const [m, pattern, handler] of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (m === method) return { handler, params: match.slice(1) };
  }
  return pathMatched ? 'method' : null;
}

/** Paths behind the gateway (§6 check 1); anything else under the API host is a plain 404. */
export const isApiPath = (path: string) => /^\/(constituent|gift|fundraising|commpref)\//.test(path);
