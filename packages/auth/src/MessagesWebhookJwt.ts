/**
 * Signed webhooks of the Vonage Messages API (v1). Vonage sends `Authorization: Bearer <JWT>` with every
 * status and inbound webhook: the JWT is signed **HS256** with the account's signature secret and carries
 * `iat`, `jti`, `iss: "Vonage"`, `payload_hash` (the SHA-256 hex of the raw body), `api_key` and
 * `application_id`.
 *
 * `verify` accepts exactly HS256 (`alg: none` and every other algorithm are rejected), requires `iat` to be
 * within a window of now (5 minutes by default; `toleranceSeconds: Infinity` turns it off), and requires
 * `payload_hash` to equal the SHA-256 of the raw body, so a body changed by one byte fails. Failures are
 * `SignatureError`s; nothing throws.
 *
 * @example
 * ```ts
 * import { MessagesWebhookJwt } from "@switchboard/auth"
 * import { Webhook } from "@switchboard/core"
 * import { Redacted } from "effect"
 *
 * const secret = Redacted.make("my-signature-secret")
 *
 * const verifyWebhook = (request: Webhook.Request) =>
 *   MessagesWebhookJwt.verify({
 *     authorization: Webhook.header(request, "authorization"),
 *     body: request.body,
 *     secret
 *   })
 *
 * // the simulator's side: the JWT for a body (send it as `Authorization: Bearer <jwt>`)
 * const jwt = MessagesWebhookJwt.sign({ body: '{"status":"delivered"}', secret, applicationId: "aaaaaaaa-bbbb" })
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Jose from "jose"
import * as Crypto from "./internal/crypto.js"
import { verifyJwt } from "./internal/jwt.js"
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
 * The only algorithm Vonage signs webhooks with, and the only one `verify` accepts.
 *
 * @since 0.1.0
 * @category constants
 */
export const algorithm = "HS256"

/**
 * The `iat` window `verify` applies when none is given: 5 minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultToleranceSeconds = 300

/**
 * The SHA-256 hex of a raw body, as in `payload_hash` (a string is taken as UTF-8).
 *
 * @since 0.1.0
 * @category signing
 */
export const payloadHash = (body: string | Uint8Array): string => Crypto.digestHex("sha256", body)

const keyOf = (secret: Redacted.Redacted<string>): Uint8Array => new TextEncoder().encode(Redacted.value(secret))

/**
 * @since 0.1.0
 * @category models
 */
export interface SignOptions {
  /** The raw body the webhook will carry. */
  readonly body: string | Uint8Array
  /** The signature secret; must not be empty. */
  readonly secret: Redacted.Redacted<string>
  /** The issue time in unix seconds. Defaults to the `Clock`. */
  readonly now?: number | undefined
  readonly applicationId?: string | undefined
  readonly apiKey?: string | undefined
}

/**
 * The JWT Vonage would send for a body; the header value is `Bearer <jwt>`.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (options: SignOptions): Effect.Effect<string> =>
  Effect.gen(function*() {
    const iat = Math.floor(options.now ?? (yield* Clock.currentTimeMillis) / 1000)
    const claims: Jose.JWTPayload = { payload_hash: payloadHash(options.body) }
    if (options.apiKey !== undefined) claims["api_key"] = options.apiKey
    if (options.applicationId !== undefined) claims["application_id"] = options.applicationId
    const key = keyOf(options.secret)
    return yield* Effect.promise(() =>
      new Jose.SignJWT(claims)
        .setProtectedHeader({ alg: algorithm, typ: "JWT" })
        .setIssuedAt(iat)
        .setJti(Crypto.randomId())
        .setIssuer("Vonage")
        .sign(key)
    )
  })

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** The `Authorization` header as received (`Bearer <jwt>`), or `undefined` when there was none. */
  readonly authorization: string | undefined
  /** The raw body, exactly as received. */
  readonly body: string | Uint8Array
  readonly secret: Redacted.Redacted<string>
  /** The current time in unix seconds. Defaults to the `Clock`. */
  readonly now?: number | undefined
  /** How far `iat` may be from `now`, either way, in seconds. Defaults to 300; `Infinity` turns time checks off. */
  readonly toleranceSeconds?: number | undefined
  /** When given, the token's `application_id` must be this one. */
  readonly applicationId?: string | undefined
}

const bearer = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i

/**
 * Succeeds when the bearer token is an HS256 JWT signed with `secret`, issued within the window, whose
 * `payload_hash` is the SHA-256 of `body`.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verify = (options: VerifyOptions): Effect.Effect<void, SignatureError> =>
  Effect.gen(function*() {
    if (options.authorization === undefined || options.authorization === null) {
      return yield* Effect.fail(Errors.missing("the request has no Authorization header"))
    }
    const match = typeof options.authorization === "string" ? bearer.exec(options.authorization) : null
    if (match === null) {
      return yield* Effect.fail(Errors.malformed("the Authorization header is not \"Bearer <jwt>\""))
    }
    if (typeof options.body !== "string" && !(options.body instanceof Uint8Array)) {
      return yield* Effect.fail(Errors.malformed("the body is neither text nor bytes"))
    }
    const tolerance = Crypto.tolerance(options.toleranceSeconds, defaultToleranceSeconds)
    const now = options.now ?? (yield* Clock.currentTimeMillis) / 1000
    const claims = yield* verifyJwt(match[1]!, keyOf(options.secret), {
      algorithm,
      nowSeconds: now,
      clockToleranceSeconds: tolerance
    })
    const hash = claims["payload_hash"]
    if (hash === undefined) return yield* Effect.fail(Errors.missing("the token has no payload_hash claim"))
    if (typeof hash !== "string" || !Crypto.isHex(hash) || hash.length !== 64) {
      return yield* Effect.fail(Errors.malformed("the token's payload_hash is not a SHA-256 hex digest"))
    }
    if (!Crypto.hexEquals(payloadHash(options.body), hash)) {
      return yield* Effect.fail(Errors.mismatch("the body does not match the token's payload_hash"))
    }
    if (options.applicationId !== undefined && claims["application_id"] !== options.applicationId) {
      return yield* Effect.fail(Errors.mismatch("the token was issued for another application"))
    }
    if (claims.iat === undefined) return yield* Effect.fail(Errors.missing("the token has no iat claim"))
    if (Number.isFinite(tolerance)) {
      const skew = Math.abs(now - claims.iat)
      if (!(skew <= tolerance)) {
        return yield* Effect.fail(
          Errors.expired(`the token was issued ${Math.round(skew)} s from now, outside the ${tolerance} s window`)
        )
      }
    }
  })
