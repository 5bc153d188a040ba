import { describe, expect, it } from 'vitest';
import { customerZone, type CustomerZones } from './customer-zone.js';

const own = 'America/New_York';
const calendar = 'Europe/Berlin';
const company = 'Asia/Tokyo';
const unknown = 'Mars/Olympus_Mons';

describe('customerZone', () => {
  it.each<[string, CustomerZones, string]>([
    ['their own first', { own, calendar, company }, own],
    ['no own zone: the calendar’s', { own: null, calendar, company }, calendar],
    ['an unknown own zone: the calendar’s', { own: unknown, calendar, company }, calendar],
    ['an empty own zone: the calendar’s', { own: '', calendar, company }, calendar],
    ['no own zone nor calendar: the company’s', { own: null, calendar: null, company }, company],
    ['no own zone, an unknown calendar zone: the company’s', { calendar: unknown, company }, company],
    ['unknown own and calendar zones: the company’s', { own: unknown, calendar: unknown, company }, company],
    ['own zone over an unknown calendar zone', { own, calendar: unknown, company }, own],
    ['only an unknown company zone: UTC', { company: unknown }, 'UTC'],
    ['every step unknown: UTC', { own: unknown, calendar: unknown, company: unknown }, 'UTC'],
    ['nothing at all: UTC', {}, 'UTC'],
    ['all null: UTC', { own: null, calendar: null, company: null }, 'UTC'],
    ['UTC named is UTC', { own: 'UTC', calendar, company }, 'UTC'],
  ])('%s', (_name, zones, expected) => {
    expect(customerZone(zones)).toBe(expected);
  });
});
