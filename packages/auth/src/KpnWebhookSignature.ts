/**
 * KPN's webhook signatures. KPN signs every webhook it delivers (SMS delivery reports, inbound SMS) with
 * HMAC-SHA256 over the **raw request body**, keyed with the signing key's shared secret, hex-encoded, and
 * sends it with three headers:
 *
 * - `X-KPN-Webhook-Signature`: the hex digest;
 * - `X-KPN-Webhook-Timestamp`: unix seconds, for replay protection;
 * - `X-KPN-Webhook-Key-Id`: which signing key was used (keys rotate: staged → active → retiring → retired).
 *
 * `verify` takes every secret the receiver accepts, by key id, so both keys work during a rotation. It compares
 * in constant time, accepts either hex case and rejects a timestamp outside the window (5 minutes by
 * default). When the key id header is absent, every configured secret is tried.
 *
 * KPN documents the signature as covering the body only, so the timestamp header is not itself signed: the
 * window rejects stale redeliveries, but de-duplicate on the message id as well (KPN delivers at least once).
 *
 * @example
 * ```ts
 * import { KpnWebhookSignature } from "@switchboard/auth"
 * import { Webhook } from "@switchboard/core"
 * import { Redacted } from "effect"
 *
 * const secrets = {
 *   wk_2C6EDCDFDFD944F3A75D0D36: Redacted.make("the-active-key-secret"),
 *   wk_1A3BCDEFFE2311E0B94E0A25: Redacted.make("the-retiring-key-secret")
 * }
 *
 * const verifyWebhook = (request: Webhook.Request) =>
 *   KpnWebhookSignature.verify({ headers: request.headers, body: request.body, secrets })
 *
 * // the simulator's side: the three headers for a body
 * const headers = KpnWebhookSignature.sign({
 *   body: JSON.stringify({ message_id: "1", content: "hi" }),
 *   secret: secrets.wk_2C6EDCDFDFD944F3A75D0D36,
 *   keyId: "wk_2C6EDCDFDFD944F3A75D0D36"
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
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
 * @category constants
 */
export const signatureHeader = "X-KPN-Webhook-Signature"

/**
 * @since 0.1.0
 * @category constants
 */
export const timestampHeader = "X-KPN-Webhook-Timestamp"

/**
 * @since 0.1.0
 * @category constants
 */
export const keyIdHeader = "X-KPN-Webhook-Key-Id"

/**
 * The delivery attempt, 1-based. Informational; not part of the signature.
 *
 * @since 0.1.0
 * @category constants
 */
export const attemptHeader = "X-KPN-Webhook-Attempt"

/**
 * The freshness window `verify` applies when none is given: 5 minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultToleranceSeconds = 300

/**
 * The hex HMAC-SHA256 of a body (a string is taken as UTF-8).
 *
 * @since 0.1.0
 * @category signing
 */
export const signature = (body: string | Uint8Array, secret: Redacted.Redacted<string>): string =>
  Crypto.hmacHex("sha256", Redacted.value(secret), body)

/**
 * @since 0.1.0
 * @category models
 */
export interface SignOptions {
  readonly body: string | Uint8Array
  readonly secret: Redacted.Redacted<string>
  readonly keyId: string
  /** Unix seconds. Defaults to the current time of the `Clock`. */
  readonly timestamp?: number | undefined
}

/**
 * The three headers KPN sends with a webhook body.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (options: SignOptions): Effect.Effect<Record<string, string>> =>
  Effect.gen(function*() {
    const timestamp = options.timestamp ?? (yield* Clock.currentTimeMillis) / 1000
    return {
      [signatureHeader]: signature(options.body, options.secret),
      [timestampHeader]: String(Math.floor(timestamp)),
      [keyIdHeader]: options.keyId
    }
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** The request headers; names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  /** The raw body, exactly as received. */
  readonly body: string | Uint8Array
  /** Every accepted signing secret, by key id. */
  readonly secrets: Readonly<Record<string, Redacted.Redacted<string>>>
  /** The current time in unix seconds. Defaults to the `Clock`. */
  readonly now?: number | undefined
  /** How far the timestamp may be from `now`, either way, in seconds. Defaults to 300; `Infinity` turns it off. */
  readonly toleranceSeconds?: number | undefined
}

const timestampPattern = /^\d{1,15}$/

/**
 * Succeeds when the signature header is the HMAC-SHA256 of the body under the secret of the key id header,
 * and the timestamp is fresh.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verify = (options: VerifyOptions): Effect.Effect<void, SignatureError> =>
  Effect.gen(function*() {
    const headers: Readonly<Record<string, unknown>> = typeof options.headers === "object" && options.headers !== null
      ? options.headers
      : {}
    const sig = Crypto.header(headers, signatureHeader)
    if (sig._tag === "Absent") return yield* Effect.fail(Errors.missing(`the request has no ${signatureHeader} header`))
    if (sig._tag === "Invalid" || !Crypto.isHex(sig.value) || sig.value.length !== 64) {
      return yield* Effect.fail(Errors.malformed(`${signatureHeader} is not a hex HMAC-SHA256 (64 hex digits)`))
    }
    const tolerance = Crypto.tolerance(options.toleranceSeconds, defaultToleranceSeconds)
    const timestamp = Crypto.header(headers, timestampHeader)
    if (Number.isFinite(tolerance)) {
      if (timestamp._tag === "Absent") {
        return yield* Effect.fail(Errors.missing(`the request has no ${timestampHeader} header`))
      }
      if (timestamp._tag === "Invalid" || !timestampPattern.test(timestamp.value)) {
        return yield* Effect.fail(Errors.malformed(`${timestampHeader} is not unix seconds`))
      }
    }
    const secrets: Readonly<Record<string, Redacted.Redacted<string>>> =
      typeof options.secrets === "object" && options.secrets !== null ? options.secrets : {}
    const keyId = Crypto.header(headers, keyIdHeader)
    if (keyId._tag === "Invalid") return yield* Effect.fail(Errors.malformed(`${keyIdHeader} is not a single value`))
    const candidates: ReadonlyArray<Redacted.Redacted<string>> = keyId._tag === "Value"
      ? (Object.prototype.hasOwnProperty.call(secrets, keyId.value) ? [secrets[keyId.value]!] : [])
      : Object.keys(secrets).map((id) => secrets[id]!)
    if (candidates.length === 0) {
      return yield* Effect.fail(
        keyId._tag === "Value"
          ? Errors.mismatch(`no signing secret is configured for key id ${Crypto.quote(keyId.value)}`)
          : Errors.mismatch("no signing secret is configured")
      )
    }
    if (typeof options.body !== "string" && !(options.body instanceof Uint8Array)) {
      return yield* Effect.fail(Errors.malformed("the body is neither text nor bytes"))
    }
    // Every candidate is compared, so the time taken does not depend on which one matched.
    let matched = false
    for (const secret of candidates) {
      if (Crypto.hexEquals(signature(options.body, secret), sig.value)) matched = true
    }
    if (!matched) {
      return yield* Effect.fail(Errors.mismatch(`${signatureHeader} does not match the body`))
    }
    if (Number.isFinite(tolerance) && timestamp._tag === "Value") {
      const now = options.now ?? (yield* Clock.currentTimeMillis) / 1000
      const skew = Math.abs(now - Number(timestamp.value))
      if (!(skew <= tolerance)) {
        return yield* Effect.fail(
          Errors.expired(`the timestamp is ${Math.round(skew)} s from now, outside the ${tolerance} s window`)
        )
      }
    }
  })
