import { describe, expect, it } from 'vitest';
import { OrganizationCreate } from '../../shared/schemas/organizations.js';
import { domainsOf } from './domain-list.js';

describe('domainsOf', () => {
  it.each([
    ['acme.com, acme.de', ['acme.com', 'acme.de']],
    ['acme.com;acme.de\nacme.at\r\n', ['acme.com', 'acme.de', 'acme.at']],
    [' , ', []],
    ['not a domain', ['not a domain']],
  ])('%j is %j', (typed, list) => expect(domainsOf(typed)).toEqual(list));

  it('gives a typed phrase one message, naming it', () => {
    const r = OrganizationCreate.safeParse({ name: 'Acme', domains: domainsOf('not a domain') });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['domains.0', '"not a domain" is not a domain such as example.com'],
    ]);
  });
});
