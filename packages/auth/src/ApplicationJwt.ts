/**
 * Vonage application JWTs: RS256 tokens signed with a Vonage application's private key, used as
 * `Authorization: Bearer <jwt>` by the Messages API (v1) and the Applications API. Claims: `application_id`,
 * `iat`, `exp`, `jti`, and optionally `acl` and `sub`.
 *
 * A token is minted once and reused until shortly before it expires (`refreshBefore`, 1 minute by default,
 * of a 15 minute `ttl`), never per request; concurrent callers share one signing. The private key is parsed
 * once, when the service is made (PKCS#8 `BEGIN PRIVATE KEY`, as Vonage issues them, or PKCS#1
 * `BEGIN RSA PRIVATE KEY`), and it is never logged or put in an error.
 *
 * @example
 * ```ts
 * import { ApplicationJwt } from "@switchboard/auth"
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 *
 * const AppJwtLive = ApplicationJwt.layer({
 *   applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
 *   privateKey: Redacted.make(process.env.VONAGE_PRIVATE_KEY ?? ""),
 *   ttl: "15 minutes"
 * })
 *
 * const program = Effect.gen(function*() {
 *   const jwt = yield* ApplicationJwt.ApplicationJwt
 *   const client = jwt.withBearer(yield* HttpClient.HttpClient)
 *   return yield* client.execute(HttpClientRequest.post("https://api.nexmo.com/v1/messages"))
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Jose from "jose"
import * as NodeCrypto from "node:crypto"
import * as Crypto from "./internal/crypto.js"
import { verifyJwt } from "./internal/jwt.js"
import * as Errors from "./internal/signatureError.js"
import type { SignatureError } from "./SignatureError.js"

/**
 * An access control list, as Vonage's Client SDK expects it: `{ paths: { "/v1/conversations": {}, … } }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Acl {
  readonly paths: Readonly<Record<string, unknown>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly applicationId: string
  /** The application's PEM private key (PKCS#8 or PKCS#1). Literal `\n` sequences are read as newlines. */
  readonly privateKey: Redacted.Redacted<string>
  /** How long each token is valid. Defaults to 15 minutes. */
  readonly ttl?: Duration.DurationInput | undefined
  /** How long before expiry a new token is minted. Defaults to 1 minute (at most half the ttl). */
  readonly refreshBefore?: Duration.DurationInput | undefined
  readonly acl?: Acl | undefined
  readonly sub?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The current token; minted on first use and again shortly before it expires. */
  readonly token: Effect.Effect<Redacted.Redacted<string>>
  /** A client that sends `Authorization: Bearer <jwt>` with every request. */
  readonly withBearer: <E, R>(client: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ApplicationJwt extends Context.Tag("@switchboard/auth/ApplicationJwt")<ApplicationJwt, Service>() {}

/**
 * The private key could not be used: not PEM, not RSA, or shorter than the 2048 bits RS256 requires.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPrivateKey extends Schema.TaggedError<InvalidPrivateKey>(
  "@switchboard/auth/ApplicationJwt/InvalidPrivateKey"
)("InvalidPrivateKey", {
  /** Says what is wrong with the key; never contains it. */
  message: Schema.String
}) {}

/**
 * The claims of an application JWT.
 *
 * @since 0.1.0
 * @category models
 */
export interface Claims {
  readonly application_id: string
  readonly iat: number
  readonly exp: number
  readonly jti: string
  readonly acl?: Acl | undefined
  readonly sub?: string | undefined
}

/**
 * The algorithm of every application JWT.
 *
 * @since 0.1.0
 * @category constants
 */
export const algorithm = "RS256"

const readPem = (pem: string): string => pem.replace(/\\n/g, "\n").trim()

const importPrivateKey = (privateKey: Redacted.Redacted<string>): Effect.Effect<Jose.CryptoKey, InvalidPrivateKey> =>
  Effect.gen(function*() {
    const keyObject = yield* Effect.try({
      try: () => NodeCrypto.createPrivateKey({ key: readPem(Redacted.value(privateKey)), format: "pem" }),
      catch: () => new InvalidPrivateKey({ message: "the private key is not a PEM-encoded private key" })
    })
    if (keyObject.asymmetricKeyType !== "rsa") {
      return yield* new InvalidPrivateKey({
        message: `the private key is ${keyObject.asymmetricKeyType ?? "not"} an RSA key; RS256 needs RSA`
      })
    }
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < 2048) {
      return yield* new InvalidPrivateKey({ message: `the RSA key has ${bits} bits; RS256 needs at least 2048` })
    }
    const jwk = keyObject.export({ format: "jwk" })
    return yield* Effect.tryPromise({
      try: () => Jose.importJWK({ ...jwk, alg: algorithm }, algorithm) as Promise<Jose.CryptoKey>,
      catch: () => new InvalidPrivateKey({ message: "the RSA private key could not be imported" })
    })
  })

interface Minted {
  readonly token: Redacted.Redacted<string>
  readonly renewAt: number
}

/**
 * Parses the key once and returns a service that mints, caches and renews tokens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, InvalidPrivateKey> =>
  Effect.gen(function*() {
    const key = yield* importPrivateKey(options.privateKey)
    const ttlSeconds = Math.max(1, Math.floor(Duration.toSeconds(Duration.decode(options.ttl ?? "15 minutes"))))
    const refreshBeforeMillis = Math.min(
      Duration.toMillis(Duration.decode(options.refreshBefore ?? "1 minute")),
      (ttlSeconds * 1000) / 2
    )
    const cache = yield* Ref.make(Option.none<Minted>())
    const lock = yield* Effect.makeSemaphore(1)

    const mint = Effect.gen(function*() {
      const nowMillis = yield* Clock.currentTimeMillis
      const iat = Math.floor(nowMillis / 1000)
      const claims: Jose.JWTPayload = { application_id: options.applicationId }
      if (options.acl !== undefined) claims["acl"] = options.acl
      let jwt = new Jose.SignJWT(claims)
        .setProtectedHeader({ alg: algorithm, typ: "JWT" })
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(Crypto.randomId())
      if (options.sub !== undefined) jwt = jwt.setSubject(options.sub)
      const token = yield* Effect.promise(() => jwt.sign(key))
      const minted: Minted = {
        token: Redacted.make(token),
        renewAt: (iat + ttlSeconds) * 1000 - refreshBeforeMillis
      }
      yield* Ref.set(cache, Option.some(minted))
      return minted.token
    }).pipe(Effect.withSpan("ApplicationJwt.mint"))

    const fresh = (now: number) => (cached: Option.Option<Minted>) =>
      Option.filter(cached, (minted) => now < minted.renewAt)

    const token: Effect.Effect<Redacted.Redacted<string>> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cached = fresh(now)(yield* Ref.get(cache))
      if (Option.isSome(cached)) return cached.value.token
      return yield* lock.withPermits(1)(
        Effect.gen(function*() {
          const again = fresh(yield* Clock.currentTimeMillis)(yield* Ref.get(cache))
          return Option.isSome(again) ? again.value.token : yield* mint
        })
      )
    })

    const withBearer = <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
      HttpClient.mapRequestEffect(client, (request) =>
        Effect.map(token, (jwt) => HttpClientRequest.bearerToken(request, jwt)))

    return { token, withBearer } satisfies Service
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ApplicationJwt, InvalidPrivateKey> =>
  Layer.effect(ApplicationJwt, make(options))

/**
 * The options from configuration: `VONAGE_APPLICATION_ID` and `VONAGE_PRIVATE_KEY` (the PEM itself; `\n`
 * escapes are accepted).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  applicationId: Config.string("VONAGE_APPLICATION_ID"),
  privateKey: Config.redacted("VONAGE_PRIVATE_KEY")
})

/**
 * A layer from any configuration of the options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromConfig = (
  options: Config.Config<Options>
): Layer.Layer<ApplicationJwt, ConfigError.ConfigError | InvalidPrivateKey> =>
  Layer.effect(ApplicationJwt, Effect.flatMap(options, make))

/**
 * The layer from `VONAGE_APPLICATION_ID` and `VONAGE_PRIVATE_KEY`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<ApplicationJwt, ConfigError.ConfigError | InvalidPrivateKey> =
  layerFromConfig(config)

/**
 * Verifies an application JWT against the application's public key (PEM; a private key PEM also works) and
 * returns its claims. For tests and the simulator: Vonage itself is the verifier in production.
 *
 * @since 0.1.0
 * @category verifying
 */
export const verify = (
  token: string,
  publicKey: string,
  options?: { readonly now?: number | undefined }
): Effect.Effect<Claims, SignatureError> =>
  Effect.gen(function*() {
    if (typeof token !== "string" || token.length === 0) return yield* Effect.fail(Errors.missing("no token"))
    const key = yield* Effect.try({
      try: () => NodeCrypto.createPublicKey({ key: readPem(publicKey), format: "pem" }),
      catch: () => Errors.malformed("the public key is not a PEM-encoded key")
    })
    const now = options?.now ?? (yield* Clock.currentTimeMillis) / 1000
    const payload = yield* verifyJwt(token, key, { algorithm, nowSeconds: now, clockToleranceSeconds: 0 })
    const { acl, application_id, exp, iat, jti, sub } = payload as Record<string, unknown>
    if (typeof application_id !== "string") {
      return yield* Effect.fail(Errors.missing("the token has no application_id claim"))
    }
    if (typeof iat !== "number" || typeof exp !== "number" || typeof jti !== "string") {
      return yield* Effect.fail(Errors.missing("the token lacks one of the iat, exp and jti claims"))
    }
    const claims: Claims = {
      application_id,
      iat,
      exp,
      jti,
      ...(typeof acl === "object" && acl !== null ? { acl: acl as Acl } : {}),
      ...(typeof sub === "string" ? { sub } : {})
    }
    return claims
  })
