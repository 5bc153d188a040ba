/** A UUID as text (any case): for SQL's `~*` on JSON values and for checks in code. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const UUID = new RegExp(UUID_PATTERN, 'i');

export const isUuid = (value: string): boolean => UUID.test(value);
