// The double's tables, keyed by SKY's string ids. Rows are kept in the wire shape (snake_case),
// so a GET answers a row as stored plus whatever a test adds; timestamps are ISO strings in the
// mixed styles real replies use (`Z`, `+00:00`, zone-less business dates, §6 check 17).

export interface Stamped {
  id: string;
  date_added: string;
  date_modified: string;
}

export interface ConstituentRow extends Stamped {
  type: 'Individual' | 'Organization';
  lookup_id: string;
  name: string;
  first?: string;
  last?: string;
  inactive: boolean;
  deceased: boolean;
  requests_no_email: boolean;
  gives_anonymously: boolean;
  fundraiser_status: 'Active' | 'Inactive' | 'None';
  /** Anything else of the documented sample (birthdate, spouse, address…), echoed verbatim. */
  extra: Record<string, unknown>;
}

export interface EmailRow extends Stamped {
  constituent_id: string;
  address: string;
  type: string;
  primary: boolean;
  inactive: boolean;
  do_not_email: boolean;
}

export interface PhoneRow extends Stamped {
  constituent_id: string;
  number: string;
  type: string;
  primary: boolean;
  inactive: boolean;
  do_not_call: boolean;
}

export interface OnlinePresenceRow extends Stamped {
  constituent_id: string;
  type: string;
  address: string;
  primary: boolean;
  inactive: boolean;
}

export interface ActionRow extends Stamped {
  constituent_id: string;
  category: string;
  date: string;
  completed: boolean;
  /** Optional fields as posted (summary, description, type, direction, author…). */
  fields: Record<string, unknown>;
}

export interface GiftRow extends Stamped {
  constituent_id: string;
  type: string;
  date: string;
  amount: number;
  fund_id: string | null;
  extra: Record<string, unknown>;
}

export interface SolicitCodeRow {
  id: string;
  constituent_id: string;
  solicit_code: string;
  start_date?: string;
  end_date?: string;
}

export interface ConstituentCodeRow extends Stamped {
  constituent_id: string;
  description: string;
  inactive: boolean;
}

export interface SkyData {
  constituents: Map<string, ConstituentRow>;
  emails: Map<string, EmailRow>;
  phones: Map<string, PhoneRow>;
  onlinePresences: Map<string, OnlinePresenceRow>;
  actions: Map<string, ActionRow>;
  gifts: Map<string, GiftRow>;
  solicitCodes: Map<string, SolicitCodeRow>;
  constituentCodes: Map<string, ConstituentCodeRow>;
  funds: Map<string, string>;
  /** The tenant's code tables (§3.3): active entries only, as the API lists them. */
  tables: {
    onlinepresencetypes: string[];
    actiontypes: string[];
    actionstatustypes: string[];
    actionlocations: string[];
    emailaddresstypes: string[];
    phonetypes: string[];
    constituentcodetypes: string[];
  };
  /** The next id for a created record: SKY ids are digit strings. */
  nextId(): string;
}

export function createData(): SkyData {
  let next = 5000;
  return {
    constituents: new Map(),
    emails: new Map(),
    phones: new Map(),
    onlinePresences: new Map(),
    actions: new Map(),
    gifts: new Map(),
    solicitCodes: new Map(),
    constituentCodes: new Map(),
    funds: new Map(),
    tables: {
      onlinepresencetypes: [],
      actiontypes: [],
      actionstatustypes: [],
      actionlocations: [],
      emailaddresstypes: [],
      phonetypes: [],
      constituentcodetypes: [],
    },
    nextId: () => String(++next),
  };
}

/** Audit stamps as SKY writes them: `…Z` with 7 fraction digits. */
export function stampNow(at = new Date()): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
