// Registry of CRM connectors: one line per CRM.
import { ConnectorError } from './types';
import { civicrmConfigSchema, createCiviConnector } from './civicrm';
import { createLocalConnector, localConfigSchema } from './local';
import type { Connector, ConnectorDeps } from './types';
import type { KindredDB } from '../store/db';

export type ConnectorId = 'local' | 'civicrm';
export type { CiviConfig } from './civicrm';
export { civicrmConfigSchema } from './civicrm';
export { ConnectorError } from './types';
export type { Connector, ConnectorDeps } from './types';

/** `db` is for the local connector (IndexedDB is its CRM); network connectors use `fetch`. */
export function createConnector(id: ConnectorId, config: unknown, deps: ConnectorDeps & { db?: KindredDB } = {}): Connector {
  switch (id) {
    case 'local': {
      if (!deps.db) throw new ConnectorError('invalid', 'The local connector needs the database.');
      return createLocalConnector(localConfigSchema.parse(config), { ...deps, db: deps.db });
    }
    case 'civicrm': return createCiviConnector(civicrmConfigSchema.parse(config), deps);
  }
}
