import { Type, type TUnsafe } from 'typebox';

/**
 * A string that is one of `values`, as `{ type: 'string', enum }`: the form OpenAPI 3.0 and its readers
 * know (a TypeBox union of literals would be an `anyOf` of `const`s), typed as the union of the values.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
