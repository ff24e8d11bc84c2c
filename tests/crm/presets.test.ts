import { describe, expect, it } from 'vitest';
import { parseCrmPresets, salesforceHostChoice } from '../../src/crm/presets';

describe('CRM presets from enterprise policy', () => {
  it('reads the Salesforce and SKY settings an administrator set', () => {
    expect(parseCrmPresets({ salesforce: { loginUrl: ' https://acme.my.salesforce.com ', clientId: '3MVG9abc' }, raisersEdge: { applicationId: 'app-1' } })).toEqual({
      salesforce: { loginUrl: 'https://acme.my.salesforce.com', clientId: '3MVG9abc' },
      raisersEdge: { applicationId: 'app-1' },
    });
  });

  it('ignores a malformed policy instead of breaking the options page', () => {
    expect(parseCrmPresets({ salesforce: { clientId: 42 } })).toEqual({});
    expect(parseCrmPresets(undefined)).toEqual({});
    expect(parseCrmPresets('nonsense')).toEqual({});
  });

  it('maps a preset login address to the form: a standard host, or My Domain', () => {
    expect(salesforceHostChoice('https://test.salesforce.com/')).toEqual({ host: 'https://test.salesforce.com', myDomain: '' });
    expect(salesforceHostChoice('https://acme.my.salesforce.com')).toEqual({ host: 'mydomain', myDomain: 'https://acme.my.salesforce.com' });
    expect(salesforceHostChoice(undefined)).toBeNull();
  });
});
