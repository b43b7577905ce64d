/**
 * Vonage signed requests and signed webhooks (`sig`), as Vonage documents them:
 *
 * 1. take every parameter except `sig` (the request's `timestamp`, unix seconds, included);
 * 2. sort them by name;
 * 3. in every value, replace each `&` and `=` with `_`;
 * 4. build `&name1=value1&name2=value2…` (note the leading `&`);
 * 5. `md5hash`: the MD5 of that string with the signature secret appended; `md5`, `sha1`, `sha256`, `sha512`:
 *    the HMAC of that string keyed with the signature secret;
 * 6. hex-encode.
 *
 * `verify` accepts the hex in either case, compares in constant time, checks the `timestamp` is within a
 * window (5 minutes by default; `toleranceSeconds: Infinity` turns the check off) and never throws: a missing
 * `sig`, a non-hex one, a value that is not a string (a nested object or a number from a JSON body) all
 * fail with a typed `SignatureError`. Webhook parameters may be merged from the query string and the body
 * (`Webhook.params` from `@switchboard/core` does that).
 *
 * @example
 * ```ts
 * import { VonageSignature } from "@switchboard/auth"
 * import { Webhook } from "@switchboard/core"
 * import { Effect, Redacted } from "effect"
 *
 * const secret = Redacted.make("my-signature-secret")
 *
 * // an outbound SMS request, signed
 * const signed = VonageSignature.sign({
 *   params: { api_key: "abcd1234", from: "Acme", to: "447700900000", text: "Hello & welcome" },
 *   secret,
 *   algorithm: "sha256"
 * }) // Effect<{ api_key, from, to, text, timestamp, sig }>
 *
 * // an inbound webhook, verified
 * const verifyWebhook = (request: Webhook.Request) =>
 *   VonageSignature.verify({ params: Webhook.params(request), secret, algorithm: "sha256" })
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Crypto from "./internal/crypto.js"
import * as Errors from "./internal/signatureError.js"
import type { SignatureError } from "./SignatureError.js"

export {
  /**
   * @since 0.1.0
   * @category errors
   */
  SignatureError
} from "./SignatureError.js"

/**
 * @since 0.1.0
 * @category models
 */
export const SignatureAlgorithm = Schema.Literal("md5hash", "md5", "sha1", "sha256", "sha512")

/**
 * `md5hash` is a plain MD5 over the parameters and the secret; the others are HMACs keyed with the secret.
 *
 * @since 0.1.0
 * @category models
 */
export type SignatureAlgorithm = typeof SignatureAlgorithm.Type

/**
 * Every algorithm, in the order Vonage lists them.
 *
 * @since 0.1.0
 * @category models
 */
export const algorithms: ReadonlyArray<SignatureAlgorithm> = SignatureAlgorithm.literals

/**
 * The freshness window `verify` applies when none is given: 5 minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultToleranceSeconds = 300

const hashOf: Readonly<Record<SignatureAlgorithm, Crypto.HashName>> = {
  md5hash: "md5",
  md5: "md5",
  sha1: "sha1",
  sha256: "sha256",
  sha512: "sha512"
}

/**
 * The string that is hashed: `&name=value` for every parameter but `sig`, sorted by name, with `&` and `=`
 * inside values replaced by `_`.
 *
 * @since 0.1.0
 * @category signing
 */
export const signingString = (params: Readonly<Record<string, string>>): string =>
  baseOf(Object.keys(params).filter((name) => name !== "sig").map((name) => [name, params[name]!] as const))

const baseOf = (entries: ReadonlyArray<readonly [string, string]>): string =>
  [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `&${name}=${value.replace(/[&=]/g, "_")}`)
    .join("")

/**
 * The lower-case hex signature of a signing string.
 *
 * @since 0.1.0
 * @category signing
 */
export const signature = (
  base: string,
  secret: Redacted.Redacted<string>,
  algorithm: SignatureAlgorithm
): string =>
  algorithm === "md5hash"
    ? Crypto.digestHex("md5", base + Redacted.value(secret))
    : Crypto.hmacHex(hashOf[algorithm], Redacted.value(secret), base)

/**
 * @since 0.1.0
 * @category models
 */
export interface SignOptions {
  /** The request's parameters, `api_key` included. A `sig` already present is replaced. */
  readonly params: Readonly<Record<string, string>>
  readonly secret: Redacted.Redacted<string>
  readonly algorithm: SignatureAlgorithm
  /**
   * Unix seconds. Defaults to a `timestamp` already in `params`, else the current time of the `Clock`.
   */
  readonly timestamp?: number | undefined
}

/**
 * Returns the parameters with `timestamp` and `sig` added.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (options: SignOptions): Effect.Effect<Record<string, string>> =>
  Effect.gen(function*() {
    const params: Record<string, string> = {}
    for (const name of Object.keys(options.params)) {
      if (name !== "sig") defineParam(params, name, String(options.params[name]))
    }
    if (options.timestamp !== undefined) {
      defineParam(params, "timestamp", String(Math.floor(options.timestamp)))
    } else if (!Object.prototype.hasOwnProperty.call(params, "timestamp")) {
      defineParam(params, "timestamp", String(Math.floor((yield* Clock.currentTimeMillis) / 1000)))
    }
    defineParam(params, "sig", signature(signingString(params), options.secret, options.algorithm))
    return params
  })

// `params["__proto__"] = …` would replace the prototype rather than add a parameter.
const defineParam = (target: Record<string, string>, name: string, value: string): void => {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /**
   * The request's parameters as received, from the query string, the body, or both merged. Values that are
   * not strings fail with `Malformed`.
   */
  readonly params: Readonly<Record<string, unknown>>
  readonly secret: Redacted.Redacted<string>
  readonly algorithm: SignatureAlgorithm
  /** The current time in unix seconds. Defaults to the `Clock`. */
  readonly now?: number | undefined
  /**
   * How far `timestamp` may be from `now`, either way, in seconds. Defaults to 300; `Infinity` turns the
   * check off (and then `timestamp` is not required).
   */
  readonly toleranceSeconds?: number | undefined
}

const timestampPattern = /^\d{1,15}$/

/**
 * Succeeds when `sig` is the signature of the other parameters under `secret`, and `timestamp` is fresh.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verify = (options: VerifyOptions): Effect.Effect<void, SignatureError> =>
  Effect.gen(function*() {
    const { algorithm, params } = options
    if (typeof params !== "object" || params === null) {
      return yield* Effect.fail(Errors.malformed("the request parameters are not an object"))
    }
    if (!Object.prototype.hasOwnProperty.call(params, "sig") || params["sig"] === undefined) {
      return yield* Effect.fail(Errors.missing("the request has no sig parameter"))
    }
    const sig = params["sig"]
    if (typeof sig !== "string") {
      return yield* Effect.fail(Errors.malformed("the sig parameter is not a string"))
    }
    const entries: Array<readonly [string, string]> = []
    let timestamp: string | undefined = undefined
    for (const name of Object.keys(params)) {
      if (name === "sig") continue
      const value = params[name]
      if (typeof value !== "string") {
        return yield* Effect.fail(
          Errors.malformed(`the parameter ${Crypto.quote(name)} is ${describe(value)}, not a string`)
        )
      }
      if (name === "timestamp") timestamp = value
      entries.push([name, value])
    }
    const expectedLength = Crypto.hexLength[hashOf[algorithm]]
    if (!Crypto.isHex(sig) || sig.length !== expectedLength) {
      return yield* Effect.fail(
        Errors.malformed(`the sig parameter is not a ${algorithm} signature (${expectedLength} hex digits)`)
      )
    }
    const tolerance = Crypto.tolerance(options.toleranceSeconds, defaultToleranceSeconds)
    const checkTime = Number.isFinite(tolerance)
    if (checkTime && timestamp === undefined) {
      return yield* Effect.fail(Errors.missing("the request has no timestamp parameter"))
    }
    if (timestamp !== undefined && checkTime && !timestampPattern.test(timestamp)) {
      return yield* Effect.fail(Errors.malformed("the timestamp parameter is not unix seconds"))
    }
    const expected = signature(baseOf(entries), options.secret, algorithm)
    if (!Crypto.hexEquals(expected, sig)) {
      return yield* Effect.fail(Errors.mismatch(`the ${algorithm} signature does not match the parameters`))
    }
    if (checkTime) {
      const now = options.now ?? (yield* Clock.currentTimeMillis) / 1000
      const skew = Math.abs(now - Number(timestamp))
      if (!(skew <= tolerance)) {
        return yield* Effect.fail(
          Errors.expired(`the timestamp is ${Math.round(skew)} s from now, outside the ${tolerance} s window`)
        )
      }
    }
  })

const describe = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
    ? "a list"
    : typeof value === "object"
    ? "an object"
    : `a ${typeof value}`
