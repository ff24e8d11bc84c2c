// CRM settings an organisation presets by enterprise policy (Chrome: the extension's managed
// storage, described by managed_schema.json; Firefox: policies.json "3rdparty" → this add-on), so
// staff connect to the right Salesforce org or SKY application without typing its ids. What is
// preset is shown read-only in the connect form; secrets the user signs in with never are.
import * as z from '../zod';

const text = z.lazy(() => z.string().trim().min(1).max(2000));

export const crmPresetsSchema = z.lazy(() =>
  z
    .object({
      salesforce: z.object({ loginUrl: text.optional(), clientId: text.optional() }).optional(),
      raisersEdge: z.object({ applicationId: text.optional(), subscriptionKey: text.optional() }).optional(),
    })
    .catch({}),
);
export type CrmPresets = z.infer<typeof crmPresetsSchema>;

/** The managed settings as read from `storage.managed.get()`; anything malformed is ignored, never fatal. */
export function parseCrmPresets(value: unknown): CrmPresets {
  return crmPresetsSchema.parse(value);
}

export const SALESFORCE_LOGIN_HOSTS = ['https://login.salesforce.com', 'https://test.salesforce.com'] as const;

/** How a preset login address fills the Salesforce form: one of the two standard hosts, or a My Domain. */
export function salesforceHostChoice(loginUrl: string | undefined): { host: string; myDomain: string } | null {
  if (!loginUrl) return null;
  const trimmed = loginUrl.replace(/\/+$/, '');
  if ((SALESFORCE_LOGIN_HOSTS as readonly string[]).includes(trimmed)) return { host: trimmed, myDomain: '' };
  return { host: 'mydomain', myDomain: trimmed };
}
