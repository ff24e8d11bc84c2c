// Gifts, giving summaries (crm-contracts-renxt.md §4, §6 check 15) and solicit codes (§2.7, check
// 16). Gift data is gated by the user's rights: a user without them is refused with 403 (or 401,
// the ambiguity of §4.3), never shown an empty list.
import { requireConstituent } from './constituents';
import type { Ctx } from './context';
import type { GiftRow } from './data';
import { fail, gateway, json, notFound, refused, type Reply } from './http';
import { intParam, listPage } from './lists';

/** Schedules, not money received (§4.1): left out of every total. */
const SCHEDULE_TYPES = new Set(['RecurringGift', 'Pledge', 'MatchingGiftPledge']);

export function requireGiftRights(ctx: Ctx): void {
  if (ctx.grant.user.canReadGifts) return;
  if (ctx.options.giftDenialStatus === 401) fail(gateway(401, 'The authenticated user does not have rights to access the requested data.'));
  fail(refused(403, 'The user does not have permission to view gifts.'));
}

function render(ctx: Ctx, row: GiftRow): Record<string, unknown> {
  const { amount, fund_id, extra, ...rest } = row;
  return {
    ...rest, ...extra,
    amount: { value: amount },
    gift_splits: [{ id: `${row.id}1`, amount: { value: amount }, fund_id, campaign_id: null, appeal_id: null, package_id: null }],
  };
}

export function list(ctx: Ctx): Reply {
  requireGiftRights(ctx);
  const ids = ctx.q.getAll('constituent_id');
  const types = ctx.q.getAll('gift_type');
  const rows = [...ctx.data.gifts.values()].filter((g) => (!ids.length || ids.includes(g.constituent_id)) && (!types.length || types.includes(g.type)));
  return listPage(ctx.paging, '/gift/v1/gifts', ctx.q, rows, (row) => render(ctx, row));
}

export function get(ctx: Ctx, id: string): Reply {
  requireGiftRights(ctx);
  return json(200, render(ctx, ctx.data.gifts.get(id) ?? fail(notFound('gift'))));
}

const received = (ctx: Ctx, id: string) => [...ctx.data.gifts.values()].filter((g) => g.constituent_id === id && !SCHEDULE_TYPES.has(g.type));

export function lifetime(ctx: Ctx, id: string): Reply {
  requireGiftRights(ctx);
  requireConstituent(ctx.data, id);
  const gifts = received(ctx, id);
  const total = gifts.reduce((sum, g) => sum + g.amount, 0);
  const years = new Set(gifts.map((g) => g.date.slice(0, 4)));
  return json(200, {
    constituent_id: id,
    total_giving: { value: total },
    total_received_giving: { value: total },
    total_pledge_balance: { value: 0 },
    total_soft_credits: { value: 0 },
    total_committed_matching_gifts: { value: 0 },
    total_received_matching_gifts: { value: 0 },
    consecutive_years_given: Math.min(years.size, 1),
    total_years_given: years.size,
  });
}

export function summary(ctx: Ctx, id: string, which: 'first' | 'latest' | 'greatest'): Reply {
  requireGiftRights(ctx);
  requireConstituent(ctx.data, id);
  const gifts = received(ctx, id).sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const pick = which === 'first' ? gifts[0] : which === 'latest' ? gifts.at(-1) : [...gifts].sort((a, b) => b.amount - a.amount)[0];
  if (!pick) return ctx.options.noGiftsReply === '404' ? notFound('gift') : json(200, {});
  const fund = pick.fund_id ? ctx.data.funds.get(pick.fund_id) : undefined;
  return json(200, {
    id: pick.id, type: pick.type, date: pick.date, amount: { value: pick.amount },
    funds: fund ? [{ id: pick.fund_id, description: fund }] : [], campaigns: [], appeals: [],
  });
}

export function solicitCodes(ctx: Ctx, id: string): Reply {
  requireConstituent(ctx.data, id);
  const rows = [...ctx.data.solicitCodes.values()].filter((s) => s.constituent_id === id);
  // commpref pages with limit/skip, not offset (§2.7).
  const limit = intParam(ctx.q, 'limit', 500, 5000);
  const skip = intParam(ctx.q, 'skip', 0);
  return json(200, { count: rows.length, value: rows.slice(skip, skip + limit) });
}
