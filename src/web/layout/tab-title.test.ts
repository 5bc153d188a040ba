import { describe, expect, it } from 'vitest';
import { tabTitle } from './tab-title.js';

describe('the tab title', () => {
  it('puts the brand after the page title, or stands alone', () => {
    expect(tabTitle('Customers', 'Steward')).toBe('Customers · Steward');
    expect(tabTitle(undefined, 'Acme Shop')).toBe('Acme Shop');
    expect(tabTitle('', 'Acme Shop')).toBe('Acme Shop');
  });

  it('does not repeat a brand the title names already', () => {
    expect(tabTitle('Welcome to Acme Shop', 'Acme Shop')).toBe('Welcome to Acme Shop');
    expect(tabTitle('Welcome to ACME shop', 'Acme Shop')).toBe('Welcome to ACME shop');
    expect(tabTitle('Welcome to Acme', 'Acme Shop')).toBe('Welcome to Acme · Acme Shop');
  });
});
