// Online presences (crm-contracts-renxt.md §2.4, §6 check 12): where RE NXT keeps social profiles.
// `type` must be one of the tenant's onlinepresencetypes; a create bumps date_modified so sync sees it.
import { requireConstituent } from './constituents';
import { bodyObject, requireWrite, str, type Ctx } from './context';
import { stampNow } from './data';
import { fail, invalid, json, notFound, type Reply } from './http';
import { collection, listPage } from './lists';

const FIELDS = ['constituent_id', 'type', 'address', 'primary', 'inactive'] as const;

export function listForConstituent(ctx: Ctx, id: string): Reply {
  requireConstituent(ctx.data, id);
  const all = ctx.q.get('include_inactive') === 'true';
  return collection([...ctx.data.onlinePresences.values()].filter((p) => p.constituent_id === id && (all || !p.inactive)));
}

export function listAll(ctx: Ctx): Reply {
  const ids = ctx.q.getAll('constituent_id');
  const all = ctx.q.get('include_inactive') === 'true';
  const rows = [...ctx.data.onlinePresences.values()].filter((p) => (!ids.length || ids.includes(p.constituent_id)) && (all || !p.inactive));
  return listPage(ctx.paging, '/constituent/v1/onlinepresences', ctx.q, rows, (row) => row);
}

export function create(ctx: Ctx): Reply {
  requireWrite(ctx);
  const body = bodyObject(ctx, FIELDS);
  if (!str(body.constituent_id) || !str(body.type) || !str(body.address)) fail(invalid('constituent_id, type and address are required.'));
  if (!ctx.data.constituents.has(String(body.constituent_id))) fail(invalid(`Constituent '${String(body.constituent_id)}' was not found.`));
  if (!ctx.data.tables.onlinepresencetypes.includes(String(body.type))) {
    // PHPGEN ErrorCode WebAddressTypeNotFound (GUESS on the wiring, §1.6).
    fail(invalid(`Online presence type '${String(body.type)}' was not found. (WebAddressTypeNotFound)`));
  }
  const id = ctx.data.nextId();
  const stamp = stampNow();
  ctx.data.onlinePresences.set(id, {
    id, constituent_id: String(body.constituent_id), type: String(body.type), address: String(body.address),
    primary: body.primary === true, inactive: body.inactive === true, date_added: stamp, date_modified: stamp,
  });
  return json(200, { id });
}

export function remove(ctx: Ctx, id: string): Reply {
  requireWrite(ctx);
  if (!ctx.data.onlinePresences.delete(id)) fail(notFound('online presence'));
  return { status: 200, type: 'application/json', body: '' };
}
