// Labels of customer fields, used by the detail page, the form and the change history.
export const CUSTOMER_FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'E-mail',
  phone: 'Phone',
  organizationId: 'Organization',
  segment: 'Segment',
  language: 'Language',
  timeZone: 'Time zone',
  externalId: 'External ID',
  organizationAccess: 'Organization access',
  customFields: 'Custom fields',
};

export const fieldLabel = (field: string) => CUSTOMER_FIELD_LABELS[field] ?? field;
