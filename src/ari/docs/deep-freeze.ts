/** Freeze a plain-data document and everything in it: cached discovery documents are shared between
 *  responses, so nothing may change them after they are built. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
