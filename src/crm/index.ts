// Registry of CRM connectors: one line per CRM.
import { ConnectorError } from './types';
import { civicrmConfigSchema, createCiviConnector } from './civicrm';
import { createLocalConnector, localConfigSchema } from './local';
import { createRaisersEdgeConnector, raisersEdgeConfigSchema } from './raisers-edge';
import { createSalesforceConnector, salesforceConfigSchema } from './salesforce';
import type { Connector, ConnectorDeps } from './types';
import type { KindredDB } from '../store/db';

export type ConnectorId = 'local' | 'civicrm' | 'raisers-edge' | 'salesforce';
export type { CiviConfig } from './civicrm';
export { civicrmConfigSchema } from './civicrm';
export type { RaisersEdgeConfig } from './raisers-edge';
export { raisersEdgeConfigSchema } from './raisers-edge';
export type { SalesforceConfig, SalesforceConnector } from './salesforce';
export { salesforceConfigSchema } from './salesforce';
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
    case 'raisers-edge': return createRaisersEdgeConnector(raisersEdgeConfigSchema.parse(config), deps);
    case 'salesforce': return createSalesforceConnector(salesforceConfigSchema.parse(config), deps);
  }
}
