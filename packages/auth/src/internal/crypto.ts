/**
 * Hashing, HMAC and constant-time comparison on top of `node:crypto`.
 *
 * @internal
 */
import * as Crypto from "node:crypto"

/** @internal */
export type HashName = "md5" | "sha1" | "sha256" | "sha512"

/** @internal */
export const digestHex = (algorithm: HashName, data: string | Uint8Array): string =>
  Crypto.createHash(algorithm).update(data).digest("hex")

/** @internal */
export const hmacHex = (algorithm: HashName, key: string, data: string | Uint8Array): string =>
  Crypto.createHmac(algorithm, key).update(data).digest("hex")

/** Hex digits of each algorithm's digest. @internal */
export const hexLength: Readonly<Record<HashName, number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 }

const hexPattern = /^[0-9a-fA-F]+$/

/** Whether `value` is a string of an even number of hex digits, of either case. @internal */
export const isHex = (value: string): boolean => value.length % 2 === 0 && hexPattern.test(value)

/**
 * Compares two hex strings of either case in constant time (for strings of equal length). Both must have
 * passed `isHex`.
 *
 * @internal
 */
export const hexEquals = (expected: string, provided: string): boolean => {
  const a = Buffer.from(expected, "hex")
  const b = Buffer.from(provided, "hex")
  return a.length === b.length && Crypto.timingSafeEqual(a, b)
}

/** @internal */
export const randomId = (): string => Crypto.randomUUID()

/** Truncates text that came from outside (a header, a parameter name) before it goes into a message. @internal */
export const quote = (value: string, max = 64): string =>
  JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value)

/** Reads a header case-insensitively; a repeated header (an array) is reported as such. @internal */
export const header = (
  headers: Readonly<Record<string, unknown>>,
  name: string
): { readonly _tag: "Absent" } | { readonly _tag: "Value"; readonly value: string } | { readonly _tag: "Invalid" } => {
  const lower = name.toLowerCase()
  let found: unknown = undefined
  let seen = false
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== lower) continue
    const value = headers[key]
    if (value === undefined) continue
    if (seen) return { _tag: "Invalid" }
    seen = true
    found = value
  }
  if (!seen) return { _tag: "Absent" }
  if (typeof found === "string") return { _tag: "Value", value: found }
  if (Array.isArray(found) && found.length === 1 && typeof found[0] === "string") {
    return { _tag: "Value", value: found[0] }
  }
  return { _tag: "Invalid" }
}

/** The tolerance to apply: `NaN` and negative values fail closed (no tolerance). @internal */
export const tolerance = (seconds: number | undefined, fallback: number): number => {
  const value = seconds ?? fallback
  return Number.isNaN(value) ? 0 : Math.max(0, value)
}
