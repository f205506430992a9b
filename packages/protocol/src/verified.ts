declare const verifiedBrand: unique symbol

/**
 * A record whose signature (and, for log entries, authority) was checked. Only verify functions
 * produce one, so code that holds a Verified<T> never has to ask again.
 */
export type Verified<T> = T & { readonly [verifiedBrand]: true }

export function markVerified<T> (value: T): Verified<T> {
  return value as Verified<T>
}
