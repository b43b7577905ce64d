/**
 * OAuth2 client-credentials tokens from KPN's API Store gateway (Apigee), and an `HttpClient` middleware that
 * sends them.
 *
 * The token call is `POST {tokenUrl}?grant_type=client_credentials` with the form fields `client_id` and
 * `client_secret`. KPN answers with every value as a string (`"expires_in": "3599"`, `"issued_at"` in
 * milliseconds); both strings and numbers are decoded.
 *
 * - **Cached** until its expiry minus a skew (`expirySkew`, 30 s), measured from when the request was sent.
 * - **Single flight**: however many fibers ask at once, one token request is made and they all share it.
 * - **Proactive refresh**: `refreshBefore` (5 minutes) ahead of expiry a new token is fetched in the
 *   background while callers keep using the current one; if that fails, the current token is used until its
 *   expiry and the next caller fetches.
 * - **Middleware**: `withBearer(client)` adds `Authorization: Bearer …`; when the API answers 401, or with
 *   the gateway's `oauth.v2.InvalidAccessToken` fault (which KPN sometimes sends with HTTP 500), the token is
 *   invalidated, a new one fetched and the request retried once; a second rejection fails with
 *   `AuthenticationFailed`.
 * - `invalid_client` becomes `AuthenticationFailed` with a message saying whether the client id or the client
 *   secret is wrong.
 *
 * The client secret and the tokens are `Redacted` and appear in no error, log line or `toString()`.
 *
 * @example
 * ```ts
 * import { OAuthClientCredentials } from "@switchboard/auth"
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const oauth = yield* OAuthClientCredentials.OAuthClientCredentials
 *   const client = oauth.withBearer(yield* HttpClient.HttpClient)
 *   return yield* client.execute(
 *     HttpClientRequest.post("https://api-prd.kpn.com/communication/kpn/sms/send")
 *   )
 * })
 *
 * // KPN_CLIENT_ID, KPN_CLIENT_SECRET and optionally KPN_TOKEN_URL from the environment
 * program.pipe(
 *   Effect.provide(OAuthClientCredentials.layerConfig.pipe(Layer.provideMerge(NodeHttpClient.layerUndici)))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { ChannelError } from "@switchboard/core"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberHandle from "effect/FiberHandle"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"

/**
 * KPN API Store's token endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTokenUrl = "https://api-prd.kpn.com/oauth/client_credential/accesstoken"

/**
 * The Apigee fault codes that mean "this access token is not (or no longer) valid". KPN sends them with
 * HTTP 401, and from some endpoints with HTTP 500 or 403.
 *
 * @since 0.1.0
 * @category constants
 */
export const invalidTokenFaults: ReadonlySet<string> = new Set([
  "oauth.v2.InvalidAccessToken",
  "oauth.v2.AccessTokenExpired",
  "keymanagement.service.invalid_access_token",
  "keymanagement.service.access_token_expired"
])

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The API Store app's Consumer Key. */
  readonly clientId: string
  /** The API Store app's Consumer Secret. */
  readonly clientSecret: Redacted.Redacted<string>
  /** Defaults to `defaultTokenUrl`. A `grant_type` already in it is replaced. */
  readonly tokenUrl?: string | URL | undefined
  /** A token is used until this long before it expires. Defaults to 30 seconds (at most half its lifetime). */
  readonly expirySkew?: Duration.DurationInput | undefined
  /** A new token is fetched in the background this long before expiry. Defaults to 5 minutes. */
  readonly refreshBefore?: Duration.DurationInput | undefined
  /** Whether to refresh in the background before expiry. Defaults to `true`. */
  readonly proactiveRefresh?: boolean | undefined
  /** The token request fails with `ProviderUnavailable` after this long. Defaults to 30 seconds. */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** The `channel` of the errors. Defaults to `"kpn"`. */
  readonly channel?: string | undefined
}

/**
 * What the token endpoint can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type TokenError = ChannelError.AuthenticationFailed | ChannelError.ProviderUnavailable

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The current access token: cached, shared by concurrent callers, refreshed before it expires. */
  readonly token: Effect.Effect<Redacted.Redacted<string>, TokenError>
  /** Forgets the cached token; the next caller fetches a new one. */
  readonly invalidate: Effect.Effect<void>
  /**
   * A client that sends `Authorization: Bearer <token>` and, when the token is rejected (401 or an
   * invalid-token fault), fetches a new one and retries once; a second rejection fails with
   * `AuthenticationFailed`.
   */
  readonly withBearer: <E, R>(client: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E | TokenError, R>
  /** The same as `withBearer`. */
  readonly middleware: <E, R>(client: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E | TokenError, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class OAuthClientCredentials
  extends Context.Tag("@switchboard/auth/OAuthClientCredentials")<OAuthClientCredentials, Service>()
{}

const NonNegativeFinite = Schema.Number.pipe(Schema.finite(), Schema.nonNegative())

/**
 * A number the gateway may send as a string (`"3599"`) or as a number.
 *
 * @since 0.1.0
 * @category schemas
 */
export const StringOrNumber: Schema.Schema<number, string | number> = Schema.Union(
  NonNegativeFinite,
  Schema.compose(Schema.NumberFromString, NonNegativeFinite)
)

/**
 * The token endpoint's answer. Apigee sends more fields (`api_product_list`, `developer_email`, …); these are
 * the ones used.
 *
 * @since 0.1.0
 * @category schemas
 */
export class TokenResponse extends Schema.Class<TokenResponse>("@switchboard/auth/OAuthClientCredentials/TokenResponse")({
  accessToken: Schema.propertySignature(Schema.Redacted(Schema.NonEmptyString)).pipe(Schema.fromKey("access_token")),
  tokenType: Schema.optional(Schema.String).pipe(Schema.fromKey("token_type")),
  /** Seconds. */
  expiresIn: Schema.propertySignature(StringOrNumber).pipe(Schema.fromKey("expires_in")),
  /** Unix milliseconds. */
  issuedAt: Schema.optional(StringOrNumber).pipe(Schema.fromKey("issued_at")),
  clientId: Schema.optional(Schema.String).pipe(Schema.fromKey("client_id")),
  applicationName: Schema.optional(Schema.String).pipe(Schema.fromKey("application_name")),
  status: Schema.optional(Schema.String)
}) {}

const decodeTokenResponse = Schema.decodeUnknown(Schema.parseJson(TokenResponse))

interface Entry {
  readonly token: Redacted.Redacted<string>
  readonly usableUntil: number
  readonly refreshAt: number
}

interface State {
  readonly cached: Option.Option<Entry>
  readonly inflight: Option.Option<Deferred.Deferred<Entry, TokenError>>
}

const field = (value: unknown, ...path: ReadonlyArray<string>): string | undefined => {
  let current = value
  for (const key of path) {
    if (typeof current !== "object" || current === null || !Object.prototype.hasOwnProperty.call(current, key)) {
      return undefined
    }
    current = (current as Record<string, unknown>)[key]
  }
  return typeof current === "string" ? current : undefined
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The Apigee fault in a response body, when it is one of `invalidTokenFaults`.
 *
 * @since 0.1.0
 * @category faults
 */
export const invalidTokenFault = (
  body: string
): Option.Option<{ readonly code: string; readonly text: string | undefined }> => {
  const json = parseJson(body)
  const code = field(json, "fault", "detail", "errorcode")
  if (code !== undefined && invalidTokenFaults.has(code)) {
    return Option.some({ code, text: field(json, "fault", "faultstring") })
  }
  for (const known of invalidTokenFaults) {
    if (body.includes(known)) return Option.some({ code: known, text: undefined })
  }
  return Option.none()
}

const which = (description: string | undefined): "client id" | "client secret" | undefined => {
  if (description === undefined) return undefined
  if (/secret|credentials are invalid|invalid credentials/i.test(description)) return "client secret"
  if (/client[ _-]?id|consumer[ _-]?key|api[ _-]?key/i.test(description)) return "client id"
  return undefined
}

/**
 * Builds the service. Background refreshes run in the current scope and stop when it closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const httpClient = yield* HttpClient.HttpClient
    const scope = yield* Effect.scope
    const timer = yield* FiberHandle.make<void, never>()
    const state = yield* Ref.make<State>({ cached: Option.none(), inflight: Option.none() })
    const channel = options.channel ?? "kpn"
    const tokenUrl = yield* Effect.suspend(() => {
      try {
        return Effect.succeed(new URL(options.tokenUrl ?? defaultTokenUrl))
      } catch {
        return Effect.dieMessage("OAuthClientCredentials: tokenUrl is not an absolute URL")
      }
    })
    const skewMillis = Duration.toMillis(Duration.decode(options.expirySkew ?? "30 seconds"))
    const refreshBeforeMillis = Duration.toMillis(Duration.decode(options.refreshBefore ?? "5 minutes"))
    const requestTimeout = Duration.decode(options.requestTimeout ?? "30 seconds")
    const proactive = options.proactiveRefresh ?? true

    const scrub = (text: string | undefined): string | undefined => {
      if (text === undefined) return undefined
      const secret = Redacted.value(options.clientSecret)
      const clean = secret.length > 0 ? text.split(secret).join("<redacted>") : text
      return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean
    }

    const unavailable = (message: string, status?: number, code?: string, text?: string) =>
      new ChannelError.ProviderUnavailable({
        channel,
        message,
        ...(status === undefined ? {} : { status }),
        ...(code === undefined ? {} : { providerCode: code }),
        ...(scrub(text) === undefined ? {} : { providerText: scrub(text)! })
      })

    const authenticationFailed = (message: string, code?: string, text?: string) =>
      new ChannelError.AuthenticationFailed({
        channel,
        message,
        ...(code === undefined ? {} : { providerCode: code }),
        ...(scrub(text) === undefined ? {} : { providerText: scrub(text)! })
      })

    const refused = (status: number, body: string): TokenError => {
      const json = parseJson(body)
      const code = field(json, "ErrorCode") ?? field(json, "error") ?? field(json, "fault", "detail", "errorcode")
      const description = field(json, "Error") ?? field(json, "error_description") ??
        field(json, "fault", "faultstring")
      if (status === 429) {
        return unavailable("KPN's token endpoint is throttling this client (HTTP 429)", status, code, description)
      }
      if (status >= 500) {
        return unavailable(`KPN's token endpoint failed (HTTP ${status})`, status, code, description)
      }
      if (code === "invalid_client" || status === 401) {
        switch (which(description)) {
          case "client id":
            return authenticationFailed(
              "KPN does not know the client id (KPN_CLIENT_ID): no API Store app has this Consumer Key",
              code,
              description
            )
          case "client secret":
            return authenticationFailed(
              "KPN rejected the client secret (KPN_CLIENT_SECRET): it is not the Consumer Secret of this client id",
              code,
              description
            )
          default:
            return authenticationFailed(
              "KPN rejected the client credentials: the client id (KPN_CLIENT_ID) or the client secret " +
                "(KPN_CLIENT_SECRET) is wrong",
              code,
              description
            )
        }
      }
      return authenticationFailed(
        `KPN's token endpoint refused the request (HTTP ${status}); check the token URL and the credentials`,
        code,
        description
      )
    }

    const fetchToken: Effect.Effect<Entry, TokenError> = Effect.gen(function*() {
      const startedAt = yield* Clock.currentTimeMillis
      const request = HttpClientRequest.post(tokenUrl).pipe(
        HttpClientRequest.setUrlParam("grant_type", "client_credentials"),
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUrlParams({
          client_id: options.clientId,
          client_secret: Redacted.value(options.clientSecret)
        })
      )
      const response = yield* httpClient.execute(request).pipe(
        Effect.timeoutFail({
          duration: requestTimeout,
          onTimeout: () =>
            unavailable(`KPN's token endpoint did not answer within ${Duration.format(requestTimeout)}`)
        }),
        Effect.catchIf(
          (error): error is HttpClientError.HttpClientError => error._tag !== "ProviderUnavailable",
          (error) => Effect.fail(unavailable(`could not reach KPN's token endpoint (${error.reason})`))
        )
      )
      const body = yield* response.text.pipe(
        Effect.mapError(() => unavailable("could not read the answer of KPN's token endpoint", response.status))
      )
      if (response.status < 200 || response.status >= 300) {
        return yield* Effect.fail(refused(response.status, body))
      }
      const decoded = yield* decodeTokenResponse(body).pipe(
        Effect.mapError(() =>
          unavailable("KPN's token endpoint answered with a body that is not a token response", response.status)
        )
      )
      const lifetime = decoded.expiresIn * 1000
      const usableUntil = startedAt + lifetime - Math.min(skewMillis, lifetime / 2)
      const refreshAt = Math.min(startedAt + lifetime - Math.min(refreshBeforeMillis, lifetime / 2), usableUntil)
      yield* Effect.logDebug("fetched a KPN access token").pipe(
        Effect.annotateLogs({ expiresInSeconds: decoded.expiresIn })
      )
      return { token: decoded.accessToken, usableUntil, refreshAt }
    }).pipe(Effect.withSpan("OAuthClientCredentials.fetchToken"))

    // Runs the token request in the service's scope, so a caller that is interrupted does not take the shared
    // request down with it, and completes `deferred` however it ends. It is forked from uninterruptible
    // regions, so the request itself is made interruptible again (for its timeout and the scope's close).
    const start = (deferred: Deferred.Deferred<Entry, TokenError>) =>
      fetchToken.pipe(
        Effect.interruptible,
        Effect.onExit((exit) =>
          Effect.gen(function*() {
            yield* Ref.update(state, (s) => ({
              cached: Exit.isSuccess(exit) ? Option.some(exit.value) : s.cached,
              inflight: Option.none()
            }))
            if (Exit.isSuccess(exit)) {
              yield* schedule(exit.value)
            } else if (!Exit.isInterrupted(exit)) {
              const failure = Cause.failureOption(exit.cause)
              yield* Effect.logWarning("could not fetch a KPN access token").pipe(
                Effect.annotateLogs({
                  error: Option.isSome(failure) ? `${failure.value._tag}: ${failure.value.message}` : "a defect"
                })
              )
            }
            yield* Deferred.done(deferred, exit)
          })
        ),
        Effect.ignore,
        Effect.forkIn(scope),
        Effect.asVoid
      )

    const refreshInBackground: Effect.Effect<void> = Effect.gen(function*() {
      const deferred = yield* Deferred.make<Entry, TokenError>()
      yield* Effect.uninterruptible(
        Effect.flatten(Ref.modify(state, (s): [Effect.Effect<void>, State] =>
          Option.isSome(s.inflight)
            ? [Effect.void, s]
            : [start(deferred), { ...s, inflight: Option.some(deferred) }]))
      )
    })

    const schedule = (entry: Entry): Effect.Effect<void> =>
      Effect.gen(function*() {
        if (!proactive) return
        const wait = entry.refreshAt - (yield* Clock.currentTimeMillis)
        if (wait < 1000) return
        yield* FiberHandle.run(
          timer,
          Effect.interruptible(Effect.zipRight(Effect.sleep(Duration.millis(wait)), refreshInBackground))
        )
      })

    const usable = (s: State, now: number): Option.Option<Entry> =>
      Option.filter(s.cached, (entry) => now < entry.usableUntil)

    const acquire: Effect.Effect<Entry, TokenError> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cached = usable(yield* Ref.get(state), now)
      if (Option.isSome(cached)) return cached.value
      const deferred = yield* Deferred.make<Entry, TokenError>()
      return yield* Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(
          Ref.modify(state, (s): [Effect.Effect<Entry, TokenError>, State] => {
            const entry = usable(s, now)
            if (Option.isSome(entry)) return [Effect.succeed(entry.value), s]
            if (Option.isSome(s.inflight)) return [restore(Deferred.await(s.inflight.value)), s]
            return [
              Effect.zipRight(start(deferred), restore(Deferred.await(deferred))),
              { ...s, inflight: Option.some(deferred) }
            ]
          }),
          (next) => next
        )
      )
    })

    const invalidate = Ref.update(state, (s) => ({ ...s, cached: Option.none<Entry>() }))

    // Forgets `entry` only if it is still the cached one: concurrent requests rejected with the same token
    // cause one refresh, not one each.
    const invalidateEntry = (entry: Entry) =>
      Ref.update(state, (s) =>
        Option.isSome(s.cached) && s.cached.value === entry ? { ...s, cached: Option.none<Entry>() } : s)

    type Inspected =
      | { readonly _tag: "Accepted"; readonly response: HttpClientResponse.HttpClientResponse }
      | { readonly _tag: "Rejected"; readonly status: number; readonly code?: string; readonly text?: string }

    const inspect = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<Inspected> => {
      const status = response.status
      if (status !== 401 && status !== 403 && status < 500) return Effect.succeed({ _tag: "Accepted", response })
      return Effect.map(Effect.option(response.text), (body): Inspected => {
        if (Option.isNone(body)) {
          return status === 401 ? { _tag: "Rejected", status } : { _tag: "Accepted", response }
        }
        const fault = invalidTokenFault(body.value)
        if (status === 401 || Option.isSome(fault)) {
          return {
            _tag: "Rejected",
            status,
            ...(Option.isSome(fault) ? { code: fault.value.code } : {}),
            ...(Option.isSome(fault) && fault.value.text !== undefined ? { text: fault.value.text } : {})
          }
        }
        // The body has been read: hand on a response that can be read again, as text or as a stream.
        return {
          _tag: "Accepted",
          response: HttpClientResponse.fromWeb(
            response.request,
            new Response(body.value, { status, headers: response.headers as Record<string, string> })
          )
        }
      })
    }

    const withBearer = <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E | TokenError, R> => {
      const attempt = (request: HttpClientRequest.HttpClientRequest, entry: Entry) =>
        Effect.flatMap(client.execute(HttpClientRequest.bearerToken(request, entry.token)), inspect)
      return HttpClient.makeWith<never, never, E | TokenError, R>(
        (requestEffect) =>
          Effect.flatMap(requestEffect, (request) =>
            Effect.gen(function*() {
              const first = yield* acquire
              const answer = yield* attempt(request, first)
              if (answer._tag === "Accepted") return answer.response
              yield* Effect.logDebug("KPN rejected the access token; fetching a new one and retrying once").pipe(
                Effect.annotateLogs({ status: answer.status, fault: answer.code ?? "none" })
              )
              yield* invalidateEntry(first)
              const second = yield* acquire
              const retried = yield* attempt(request, second)
              if (retried._tag === "Accepted") return retried.response
              yield* invalidateEntry(second)
              return yield* Effect.fail(
                authenticationFailed(
                  `KPN rejected the access token again after it was renewed (HTTP ${retried.status}` +
                    `${retried.code === undefined ? "" : `, ${retried.code}`}); ` +
                    "the app may not be subscribed to this API product",
                  retried.code,
                  retried.text
                )
              )
            })),
        Effect.succeed
      )
    }

    return {
      token: Effect.map(acquire, (entry) => entry.token),
      invalidate,
      withBearer,
      middleware: withBearer
    } satisfies Service
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<OAuthClientCredentials, never, HttpClient.HttpClient> =>
  Layer.scoped(OAuthClientCredentials, make(options))

/**
 * The options from configuration: `KPN_CLIENT_ID`, `KPN_CLIENT_SECRET` and `KPN_TOKEN_URL` (defaults to
 * `defaultTokenUrl`).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  clientId: Config.string("KPN_CLIENT_ID"),
  clientSecret: Config.redacted("KPN_CLIENT_SECRET"),
  tokenUrl: Config.url("KPN_TOKEN_URL").pipe(Config.withDefault(new URL(defaultTokenUrl)))
})

/**
 * A layer from any configuration of the options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromConfig = (
  options: Config.Config<Options>
): Layer.Layer<OAuthClientCredentials, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.scoped(OAuthClientCredentials, Effect.flatMap(options, make))

/**
 * The layer from `KPN_CLIENT_ID`, `KPN_CLIENT_SECRET` and `KPN_TOKEN_URL`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<OAuthClientCredentials, ConfigError.ConfigError, HttpClient.HttpClient> =
  layerFromConfig(config)
