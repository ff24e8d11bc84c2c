// Registry of CRM connectors: one line per CRM.
import { createLocalConnector, localConfigSchema, type LocalDeps } from './local';
import type { Connector } from './types';

export type ConnectorId = 'local';
export { ConnectorError } from './types';
export type { Connector } from './types';

export function createConnector(id: ConnectorId, config: unknown, deps: LocalDeps): Connector {
  switch (id) {
    case 'local':
      return createLocalConnector(localConfigSchema.parse(config), deps);
  }
}
