import { describe, expect, it } from 'vitest';
import { Key } from '../../shared/schemas/cases.js';
import { keyFrom } from './fields-page.js';

describe('keyFrom', () => {
  it.each([
    ['Order number', 'order_number'],
    ['Warranty claim', 'warranty_claim'],
    ['Rückgabe – Grund', 'ruckgabe_grund'],
    ['3D printer model', 'd_printer_model'],
    ['  Spaces  around ', 'spaces_around'],
    ['x'.repeat(80), 'x'.repeat(50)],
  ])('%j gives %j, a key the API takes', (name, key) => {
    expect(keyFrom(name)).toBe(key);
    expect(Key.safeParse(keyFrom(name)).success).toBe(true);
  });
  it('gives nothing for a name without a letter (the key must then be typed)', () => {
    expect(keyFrom('123 !!')).toBe('');
  });
});
