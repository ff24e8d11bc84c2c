// The CRMs Kindred speaks to and their names, apart from the connection code so the popup's first
// paint can name a record's CRM without loading zod.
export const CRM_IDS = ['civicrm', 'salesforce', 'raisers-edge'] as const;
export type CrmId = (typeof CRM_IDS)[number];
export const CRM_LABELS: Record<CrmId | 'local', string> = {
  local: 'Kindred (this browser)',
  civicrm: 'CiviCRM',
  salesforce: 'Salesforce',
  'raisers-edge': "Raiser's Edge NXT",
};
