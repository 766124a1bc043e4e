/** Tiny runtime shape checks for payloads that cross the bridge (no dependencies: shared/ runs everywhere). */
export type Validator<T> = (value: unknown) => value is T;

export const isNone: Validator<undefined> = (v): v is undefined => v === undefined || v === null;
export const isString: Validator<string> = (v): v is string => typeof v === 'string';
export const isBoolean: Validator<boolean> = (v): v is boolean => typeof v === 'boolean';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isArrayOf<T>(item: Validator<T>): Validator<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every(item);
}

/** An object with exactly these keys (optional ones may be missing or undefined) and no others. */
export function isShape<T extends object>(
  required: { [K in keyof T]-?: Validator<T[K]> },
  optional: readonly (keyof T)[] = [],
): Validator<T> {
  const keys = Object.keys(required);
  return (v): v is T => {
    if (!isRecord(v)) return false;
    if (Object.keys(v).some((k) => !keys.includes(k))) return false;
    return keys.every((k) => {
      const value = v[k];
      if (value === undefined && optional.includes(k as keyof T)) return true;
      return (required as Record<string, Validator<unknown>>)[k]!(value);
    });
  };
}
