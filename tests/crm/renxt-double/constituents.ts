// Constituent API resources (crm-contracts-renxt.md §2): search, get, list, create, emails, phones,
// constituent codes and the code tables.
import { bodyObject, oneOf, requireWrite, str, type Ctx } from './context';
import { stampNow, type ConstituentRow, type SkyData } from './data';
import { fail, invalid, json, notFound, type Reply } from './http';
import { collection, intParam, listPage } from './lists';

export function requireConstituent(data: SkyData, id: string): ConstituentRow {
  return data.constituents.get(id) ?? fail(notFound('constituent'));
}

const primaryOf = <T extends { constituent_id: string; primary: boolean; inactive: boolean }>(rows: Iterable<T>, id: string): T | undefined => {
  const mine = [...rows].filter((r) => r.constituent_id === id && !r.inactive);
  return mine.find((r) => r.primary) ?? mine[0];
};
const strip = <T extends { constituent_id: string; date_added: string; date_modified: string }>(row: T | undefined) => {
  if (!row) return undefined;
  const { constituent_id: _c, date_added: _a, date_modified: _m, ...rest } = row;
  return rest;
};

export function renderConstituent(data: SkyData, row: ConstituentRow): Record<string, unknown> {
  const { extra, ...fields } = row;
  const email = strip(primaryOf(data.emails.values(), row.id));
  const phone = strip(primaryOf(data.phones.values(), row.id));
  const presence = strip(primaryOf(data.onlinePresences.values(), row.id));
  return { ...fields, ...extra, ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(presence ? { online_presence: presence } : {}) };
}

const SEARCH_FIELDS = ['lookup_id', 'email_address'];
const EMAIL_SEARCH_PARAMS = ['search_text', 'search_field', 'include_inactive'];

export function search(ctx: Ctx): Reply {
  const { data, q } = ctx;
  const text = q.get('search_text')?.trim();
  if (!text) fail(invalid('search_text is required.'));
  const field = q.get('search_field');
  if (field !== null && !SEARCH_FIELDS.includes(field)) fail(invalid(`The value '${field}' is not valid for search_field.`));
  if (field === 'email_address' && ctx.options.strictEmailSearch) {
    const extra = [...q.keys()].find((k) => !EMAIL_SEARCH_PARAMS.includes(k));
    if (extra) fail(invalid(`invalid filters: ${extra} cannot be combined with search_field=email_address`));
  }
  const includeInactive = q.get('include_inactive') === 'true';
  const wanted = text!.toLowerCase();
  const words = wanted.split(/[\s,]+/).filter(Boolean);
  const hits = [...data.constituents.values()].filter((c) => {
    if (c.inactive && !includeInactive) return false;
    // Exact, case-insensitive, against active emails only (§2.1); online presences are never searched.
    const emailHit = [...data.emails.values()].some((e) => e.constituent_id === c.id && !e.inactive && e.address.toLowerCase() === wanted);
    if (field === 'email_address') return emailHit;
    if (field === 'lookup_id') return c.lookup_id.toLowerCase() === wanted;
    const names = [c.name, c.first ?? '', c.last ?? '', String(c.extra.preferred_name ?? '')].join(' ').toLowerCase();
    return emailHit || c.lookup_id.toLowerCase() === wanted || words.every((w) => names.includes(w));
  });
  const limit = field === 'email_address' ? 500 : Math.min(500, intParam(q, 'limit', 500));
  const offset = field === 'email_address' ? 0 : intParam(q, 'offset', 0);
  const value = hits.slice(offset, offset + limit).map((c) => {
    const address = (c.extra.address as { formatted_address?: string } | undefined)?.formatted_address;
    return {
      id: c.id, name: c.name, lookup_id: c.lookup_id,
      // The primary email only, even when another one matched (§2.1).
      email: primaryOf(data.emails.values(), c.id)?.address,
      ...(address ? { address } : {}),
      deceased: c.deceased, inactive: c.inactive, fundraiser_status: c.fundraiser_status,
    };
  });
  return json(200, { count: hits.length, value });
}

export const getConstituent = (ctx: Ctx, id: string): Reply => json(200, renderConstituent(ctx.data, requireConstituent(ctx.data, id)));

export function listConstituents(ctx: Ctx): Reply {
  const { data, q } = ctx;
  const ids = q.getAll('constituent_id');
  const rows = [...data.constituents.values()].filter(
    (c) =>
      (!ids.length || ids.includes(c.id)) &&
      (q.get('include_inactive') === 'true' || !c.inactive) &&
      (q.get('include_deceased') === 'true' || !c.deceased),
  );
  return listPage(ctx.paging, '/constituent/v1/constituents', q, rows, (row) => renderConstituent(data, row));
}

export function createConstituent(ctx: Ctx): Reply {
  requireWrite(ctx);
  const { data } = ctx;
  const body = bodyObject(ctx, ['type', 'first', 'last', 'middle', 'preferred_name', 'title', 'name', 'email', 'phone', 'online_presence', 'lookup_id']);
  oneOf(body.type, ['Individual', 'Organization'], 'type');
  const type = (body.type ?? 'Individual') as 'Individual' | 'Organization';
  if (type === 'Individual' && !str(body.last)) fail(invalid('Missing last name value.'));
  if (type === 'Organization' && !str(body.name)) fail(invalid('Missing name value.'));
  const email = body.email as { address?: unknown; type?: unknown; primary?: unknown } | undefined;
  if (email !== undefined) {
    if (!str(email.address)) fail(invalid('Email address is required.'));
    if (!data.tables.emailaddresstypes.includes(String(email.type))) fail(invalid(`Email address type '${String(email.type)}' was not found. (EmailAddressTypeNotFound)`));
  }
  const id = data.nextId();
  const stamp = stampNow();
  const first = str(body.first) ? body.first : undefined;
  const last = str(body.last) ? body.last : undefined;
  data.constituents.set(id, {
    id, type, lookup_id: str(body.lookup_id) ? body.lookup_id : id,
    name: type === 'Organization' ? String(body.name) : [first, last].filter(Boolean).join(' '),
    ...(first ? { first } : {}), ...(last ? { last } : {}),
    inactive: false, deceased: false, requests_no_email: false, gives_anonymously: false,
    fundraiser_status: type === 'Organization' ? 'None' : 'Inactive', extra: {}, date_added: stamp, date_modified: stamp,
  });
  if (email) {
    const emailId = data.nextId();
    data.emails.set(emailId, {
      id: emailId, constituent_id: id, address: String(email.address), type: String(email.type), primary: email.primary !== false,
      inactive: false, do_not_email: false, date_added: stamp, date_modified: stamp,
    });
  }
  return json(200, { id });
}

export function perConstituent(ctx: Ctx, id: string, table: 'emails' | 'phones' | 'constituentCodes'): Reply {
  requireConstituent(ctx.data, id);
  const includeInactive = ctx.q.get('include_inactive') === 'true' || table === 'constituentCodes';
  return collection([...ctx.data[table].values()].filter((r) => r.constituent_id === id && (includeInactive || !r.inactive)));
}

export function codeTable(ctx: Ctx, name: string): Reply {
  const table = ctx.data.tables[name as keyof SkyData['tables']];
  return table ? collection([...table]) : fail(notFound());
}
