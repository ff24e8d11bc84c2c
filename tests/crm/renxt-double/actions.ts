// Actions (crm-contracts-renxt.md §3, §6 check 13): the five literal categories, an ISO date-time
// `date`, summary ≤ 255, enums and tenant tables checked, `computed_status` derived on read. The
// per-constituent list is a live read, so a write is visible to the idempotency check at once (GUESS §3.4).
import { requireConstituent } from './constituents';
import { bodyObject, oneOf, requireWrite, str, type Ctx } from './context';
import { stampNow, type ActionRow } from './data';
import { fail, invalid, json, notFound, type Reply } from './http';
import { collection, listPage } from './lists';

export const CATEGORIES = ['Phone Call', 'Meeting', 'Mailing', 'Email', 'Task/Other'] as const;
const OPTIONAL = [
  'type', 'summary', 'description', 'direction', 'completed', 'completed_date', 'status', 'start_time', 'end_time',
  'location', 'outcome', 'priority', 'fundraisers', 'opportunity_id', 'author',
] as const;

function computedStatus(row: ActionRow): string {
  if (row.completed) return 'Completed';
  const today = new Date().toISOString().slice(0, 10);
  return row.date.slice(0, 10) >= today ? 'Open' : 'PastDue';
}

export function render(row: ActionRow): Record<string, unknown> {
  const { fields, ...rest } = row;
  return { ...rest, ...fields, computed_status: computedStatus(row) };
}

export function listForConstituent(ctx: Ctx, id: string): Reply {
  requireConstituent(ctx.data, id);
  // No documented parameters (REF): limit/offset are accepted and ignored.
  return collection([...ctx.data.actions.values()].filter((a) => a.constituent_id === id).map(render));
}

export const listAll = (ctx: Ctx): Reply => listPage(ctx.paging, '/constituent/v1/actions', ctx.q, [...ctx.data.actions.values()], render);

export function get(ctx: Ctx, id: string): Reply {
  const row = ctx.data.actions.get(id) ?? fail(notFound('action'));
  return json(200, render(row));
}

export function create(ctx: Ctx): Reply {
  requireWrite(ctx);
  const { data } = ctx;
  const body = bodyObject(ctx, ['constituent_id', 'category', 'date', ...OPTIONAL]);
  if (!str(body.constituent_id) || !data.constituents.has(body.constituent_id)) fail(invalid(`Constituent '${String(body.constituent_id)}' was not found.`));
  oneOf(body.category ?? null, CATEGORIES, 'category');
  // A fuzzy-date object here is §8 item 5 (VERIFY); the double takes only the documented ISO form.
  if (typeof body.date !== 'string' || Number.isNaN(Date.parse(body.date))) fail(invalid(`Error converting value ${JSON.stringify(body.date)} to type 'DateTime'. Path 'date'.`));
  if (body.summary !== undefined && (typeof body.summary !== 'string' || body.summary.length > 255)) fail(invalid('summary must be at most 255 characters.'));
  oneOf(body.direction, ['Inbound', 'Outbound'], 'direction');
  oneOf(body.outcome, ['Successful', 'Unsuccessful'], 'outcome');
  oneOf(body.priority, ['Normal', 'High', 'Low'], 'priority');
  oneOf(body.type, data.tables.actiontypes, 'type');
  oneOf(body.status, data.tables.actionstatustypes, 'status');
  oneOf(body.location, data.tables.actionlocations, 'location');
  for (const t of ['start_time', 'end_time'] as const) if (body[t] !== undefined && !/^\d{2}:\d{2}$/.test(String(body[t]))) fail(invalid(`${t} must be HH:mm.`));
  if (body.completed !== undefined && typeof body.completed !== 'boolean') fail(invalid("Error converting value to type 'Boolean'. Path 'completed'."));
  const id = data.nextId();
  const stamp = stampNow();
  const { constituent_id, category, date, completed, ...fields } = body;
  data.actions.set(id, {
    id, constituent_id: String(constituent_id), category: String(category), date: String(date), completed: completed === true,
    fields, date_added: stamp, date_modified: stamp,
  });
  return json(200, { id });
}

export function remove(ctx: Ctx, id: string): Reply {
  requireWrite(ctx);
  if (!ctx.data.actions.delete(id)) fail(notFound('action'));
  return { status: 200, type: 'application/json', body: '' };
}
