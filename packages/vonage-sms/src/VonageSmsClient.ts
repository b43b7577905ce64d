/**
 * The transport for Vonage's SMS API, in one of two modes chosen by configuration:
 *
 * - **direct**: `POST https://rest.nexmo.com/sms/json`, a form body, authenticated with HTTP Basic
 *   (`basic`), with `api_key` + `api_secret` in the body (`key-secret`), or signed (`signed`: `api_key`,
 *   `timestamp` and `sig` over every parameter, with `md5hash`, `md5`, `sha1`, `sha256` or `sha512`);
 * - **through KPN**: `POST https://api-prd.kpn.com/communication/nexmo/sms/send`, the same body and answer,
 *   with an OAuth2 bearer token from KPN's API Store (`OAuthClientCredentials` from `@switchboard/auth`,
 *   which renews a rejected token and retries once). This mode also has KPN's management calls: `register`
 *   (a webhook for a test number) and `updateNumber` (`moHttpUrl` of a virtual number).
 *
 * Every base URL can be changed (tests and the simulator rely on it). Requests are rate limited per client,
 * that is per account (30 a second by default, Effect's `RateLimiter`), and time out (30 seconds by default).
 * Failures are `ChannelError`s: HTTP 429 → `RateLimited` with `Retry-After`, 401/403 → `AuthenticationFailed`,
 * 5xx, timeouts and network errors → `ProviderUnavailable`, an unreadable answer → `ProviderUnavailable`;
 * no `HttpClientError` or `ParseError` gets out. Secrets stay `Redacted` until a request is built and never
 * appear in an error.
 *
 * `send` returns Vonage's answer as it is: one entry per part, each accepted (`status` 0, with its id, price,
 * remaining balance and network) or refused (a status code and text). `VonageSmsChannel` turns that into a
 * `Receipt` or an error.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { VonageSmsClient } from "@switchboard/vonage-sms"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* VonageSmsClient.VonageSmsClient
 *   const response = yield* client.send(
 *     new VonageSmsClient.SendRequest({ from: "Acme", to: "447700900000", text: "Hello", type: "text" })
 *   )
 *   return response.messages.map((part) => part.status)
 * }).pipe(
 *   Effect.provide(VonageSmsClient.layer({
 *     mode: "direct",
 *     authentication: { type: "basic", apiKey: "abcd1234", apiSecret: Redacted.make("my-api-secret") }
 *   })),
 *   Effect.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OAuthClientCredentials, VonageCredentials, VonageSignature } from "@switchboard/auth"
import { ChannelError } from "@switchboard/core"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/RateLimiter"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Http from "./internal/http.js"

// ---------------------------------------------------------------------------------------------------------
// wire formats
// ---------------------------------------------------------------------------------------------------------

const IntString = Schema.compose(Schema.NumberFromString, Schema.Int)
const BooleanString = Schema.BooleanFromString

/**
 * The `type` of an outbound SMS: GSM-7 `text`, UCS-2 `unicode`, or `binary` (`udh` + `body`).
 *
 * @since 0.1.0
 * @category models
 */
export const MessageType = Schema.Literal("text", "unicode", "binary")

/**
 * @since 0.1.0
 * @category models
 */
export type MessageType = typeof MessageType.Type

/**
 * The data coding scheme's message class (0: flash SMS, 1: ME-specific, 2: SIM-specific, 3: TE-specific).
 *
 * @since 0.1.0
 * @category models
 */
export const MessageClass = Schema.Literal(0, 1, 2, 3)

/**
 * One send request: the body of `POST /sms/json`, without the credentials (the client adds them). Encodes to
 * the form fields Vonage documents (`status-report-req`, `client-ref`, …), every value a string.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SendRequest extends Schema.Class<SendRequest>("@switchboard/vonage-sms/VonageSmsClient/SendRequest")({
  from: Schema.String,
  to: Schema.String,
  type: Schema.optional(MessageType),
  text: Schema.optional(Schema.String),
  /** Hexadecimal, for `binary`. */
  body: Schema.optional(Schema.String),
  /** Hexadecimal user data header, for `binary`. */
  udh: Schema.optional(Schema.String),
  protocolId: Schema.optional(IntString).pipe(Schema.fromKey("protocol-id")),
  /** Milliseconds, 20000 to 604800000. */
  ttl: Schema.optional(IntString),
  statusReportReq: Schema.optional(BooleanString).pipe(Schema.fromKey("status-report-req")),
  callback: Schema.optional(Schema.String),
  messageClass: Schema.optional(Schema.compose(Schema.NumberFromString, MessageClass)).pipe(
    Schema.fromKey("message-class")
  ),
  clientRef: Schema.optional(Schema.String).pipe(Schema.fromKey("client-ref")),
  accountRef: Schema.optional(Schema.String).pipe(Schema.fromKey("account-ref")),
  entityId: Schema.optional(Schema.String).pipe(Schema.fromKey("entity-id")),
  contentId: Schema.optional(Schema.String).pipe(Schema.fromKey("content-id")),
  trustedNumber: Schema.optional(BooleanString).pipe(Schema.fromKey("trusted-number")),
  poolId: Schema.optional(Schema.String).pipe(Schema.fromKey("pool-id"))
}) {}

/**
 * A part Vonage accepted (`status` 0).
 *
 * @since 0.1.0
 * @category schemas
 */
export class AcceptedPart extends Schema.Class<AcceptedPart>("@switchboard/vonage-sms/VonageSmsClient/AcceptedPart")({
  status: Http.Stringish.pipe(Schema.compose(Schema.Literal("0"))),
  messageId: Http.Stringish.pipe(Schema.compose(Schema.NonEmptyString), Schema.propertySignature, Schema.fromKey("message-id")),
  to: Schema.optional(Http.Stringish),
  remainingBalance: Schema.optional(Http.Stringish).pipe(Schema.fromKey("remaining-balance")),
  messagePrice: Schema.optional(Http.Stringish).pipe(Schema.fromKey("message-price")),
  network: Schema.optional(Http.Stringish),
  clientRef: Schema.optional(Http.Stringish).pipe(Schema.fromKey("client-ref")),
  accountRef: Schema.optional(Http.Stringish).pipe(Schema.fromKey("account-ref"))
}) {
  /** @since 0.1.0 */
  get accepted(): true {
    return true
  }
}

/**
 * A part Vonage refused: a status code from 1 and its text.
 *
 * @since 0.1.0
 * @category schemas
 */
export class RefusedPart extends Schema.Class<RefusedPart>("@switchboard/vonage-sms/VonageSmsClient/RefusedPart")({
  status: Http.Stringish.pipe(Schema.filter((status) => status.trim() !== "0" || "a refused part has a status other than 0")),
  errorText: Schema.optional(Http.Stringish).pipe(Schema.fromKey("error-text")),
  to: Schema.optional(Http.Stringish),
  messageId: Schema.optional(Http.Stringish).pipe(Schema.fromKey("message-id"))
}) {
  /** @since 0.1.0 */
  get accepted(): false {
    return false
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type ResponsePart = AcceptedPart | RefusedPart

/**
 * Vonage's answer to a send: one entry per part.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SendResponse extends Schema.Class<SendResponse>("@switchboard/vonage-sms/VonageSmsClient/SendResponse")({
  messageCount: Schema.optional(Http.Stringish).pipe(Schema.fromKey("message-count")),
  messages: Schema.Array(Schema.Union(AcceptedPart, RefusedPart))
}) {}

/**
 * KPN's answer to `/register`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class RegisterResponse extends Schema.Class<RegisterResponse>(
  "@switchboard/vonage-sms/VonageSmsClient/RegisterResponse"
)({
  message: Schema.optional(Schema.String)
}) {}

/**
 * The Numbers API's answer to `number/update` (`"error-code": "200"` on success).
 *
 * @since 0.1.0
 * @category schemas
 */
export class UpdateNumberResponse extends Schema.Class<UpdateNumberResponse>(
  "@switchboard/vonage-sms/VonageSmsClient/UpdateNumberResponse"
)({
  errorCode: Http.Stringish.pipe(Schema.propertySignature, Schema.fromKey("error-code")),
  errorCodeLabel: Schema.optional(Http.Stringish).pipe(Schema.fromKey("error-code-label"))
}) {}

// built once: Either-returning codecs run synchronously, without a fiber step per schema
const encodeSendRequest = Schema.encodeEither(SendRequest)
const decodeSendResponse = Schema.decodeUnknownEither(Schema.parseJson(SendResponse))
const decodeRegisterResponse = Schema.decodeUnknownEither(Schema.parseJson(RegisterResponse))
const decodeUpdateNumberResponse = Schema.decodeUnknownEither(Schema.parseJson(UpdateNumberResponse))

// ---------------------------------------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------------------------------------

/**
 * Vonage's SMS API base URL.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultDirectBaseUrl = "https://rest.nexmo.com"

/**
 * KPN's gateway to Vonage's SMS API (`/send`, `/register`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultKpnBaseUrl = "https://api-prd.kpn.com/communication/nexmo/sms"

/**
 * KPN's gateway to Vonage's Numbers API (`/number/update`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultKpnNumbersBaseUrl = "https://api-prd.kpn.com/communication/nexmo/phone-numbers"

/**
 * How a direct client authenticates.
 *
 * @since 0.1.0
 * @category models
 */
export type Authentication =
  | {
    /** `Authorization: Basic base64(api_key:api_secret)`. */
    readonly type: "basic"
    readonly apiKey: string
    readonly apiSecret: Redacted.Redacted<string>
  }
  | {
    /** `api_key` and `api_secret` in the form body. */
    readonly type: "key-secret"
    readonly apiKey: string
    readonly apiSecret: Redacted.Redacted<string>
  }
  | {
    /** `api_key`, `timestamp` and `sig` in the form body. */
    readonly type: "signed"
    readonly apiKey: string
    readonly signatureSecret: Redacted.Redacted<string>
    readonly algorithm: VonageSignature.SignatureAlgorithm
  }

/**
 * A client-side rate limit: at most `limit` requests per `interval`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  readonly limit: number
  readonly interval: Duration.DurationInput
}

/**
 * Vonage's default throughput for the SMS API: 30 requests a second per account.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRateLimit: RateLimit = { limit: 30, interval: "1 second" }

/**
 * @since 0.1.0
 * @category models
 */
export interface CommonOptions {
  /** Requests per interval, per client. Default `defaultRateLimit`. */
  readonly rateLimit?: RateLimit | undefined
  /** Each request fails with `ProviderUnavailable` after this long. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The `channel` errors carry. Default `sms.vonage`. */
  readonly channel?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DirectOptions extends CommonOptions {
  readonly mode: "direct"
  readonly authentication: Authentication
  /** Default `https://rest.nexmo.com`; the client posts to `{baseUrl}/sms/json`. */
  readonly baseUrl?: string | URL | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface KpnOptions extends CommonOptions {
  readonly mode: "kpn"
  /** Default `https://api-prd.kpn.com/communication/nexmo/sms`; the client posts to `{baseUrl}/send`. */
  readonly baseUrl?: string | URL | undefined
  /** Default `https://api-prd.kpn.com/communication/nexmo/phone-numbers`. */
  readonly numbersBaseUrl?: string | URL | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Options = DirectOptions | KpnOptions

/**
 * Errors of the transport.
 *
 * @since 0.1.0
 * @category errors
 */
export type ClientError =
  | ChannelError.AuthenticationFailed
  | ChannelError.RateLimited
  | ChannelError.ProviderUnavailable
  | ChannelError.InvalidMessage
  | ChannelError.Rejected

// ---------------------------------------------------------------------------------------------------------
// service
// ---------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly mode: "direct" | "kpn"
  /** Sends one SMS (Vonage splits long text into parts) and returns Vonage's answer, part by part. */
  readonly send: (request: SendRequest) => Effect.Effect<SendResponse, ClientError>
  /**
   * KPN mode: registers `callbackUrl` as the inbound SMS webhook of a test number (`POST {baseUrl}/register`).
   * Fails with `Rejected` (`NotPermitted`) in direct mode.
   */
  readonly register: (options: {
    readonly to: string
    readonly callbackUrl: string
  }) => Effect.Effect<RegisterResponse, ClientError>
  /**
   * KPN mode: sets the inbound SMS webhook (`moHttpUrl`) of a virtual number (`POST
   * {numbersBaseUrl}/number/update`). Fails with `Rejected` (`NotPermitted`) in direct mode.
   */
  readonly updateNumber: (options: {
    /** ISO 3166-1 alpha-2 (`NL`). */
    readonly country: string
    readonly msisdn: string
    /** An empty string removes the webhook. */
    readonly moHttpUrl: string
    readonly appId?: string | undefined
  }) => Effect.Effect<UpdateNumberResponse, ClientError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class VonageSmsClient extends Context.Tag("@switchboard/vonage-sms/VonageSmsClient")<VonageSmsClient, Service>() {}

const definedOnly = (form: Readonly<Record<string, string | undefined>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(form)) {
    if (value !== undefined) out[key] = value
  }
  return out
}

const trimSlash = (url: string | URL): string => url.toString().replace(/\/+$/, "")

const secretsOf = (options: Options): ReadonlyArray<Redacted.Redacted<string>> =>
  options.mode === "kpn"
    ? []
    : options.authentication.type === "signed"
    ? [options.authentication.signatureSecret]
    : [options.authentication.apiSecret]

const makeWith = (
  options: Options,
  oauth: Option.Option<OAuthClientCredentials.Service>
): Effect.Effect<Service, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const channel = options.channel ?? "sms.vonage"
    const rateLimit = options.rateLimit ?? defaultRateLimit
    const limiter = yield* RateLimiter.make({ limit: rateLimit.limit, interval: rateLimit.interval })
    const timeout = Duration.decode(options.timeout ?? "30 seconds")
    const secrets = secretsOf(options)
    const base = yield* HttpClient.HttpClient
    const http: HttpClient.HttpClient.With<ClientError | HttpClientError.HttpClientError> =
      options.mode === "kpn"
        ? Option.match(oauth, {
          onNone: () => base,
          onSome: (service) => service.withBearer(base)
        })
        : options.authentication.type === "basic"
        ? VonageCredentials.withBasicAuth(base, options.authentication.apiKey, options.authentication.apiSecret)
        : base
    const what = options.mode === "kpn" ? "KPN's Vonage SMS gateway" : "Vonage's SMS API"
    const sendUrl = options.mode === "kpn"
      ? `${trimSlash(options.baseUrl ?? defaultKpnBaseUrl)}/send`
      : `${trimSlash(options.baseUrl ?? defaultDirectBaseUrl)}/sms/json`

    const unreadable = (status: number) =>
      new ChannelError.ProviderUnavailable({
        channel,
        message: `${what} answered with a body that is not what it documents (HTTP ${status})`,
        status
      })

    const post = (
      url: string | HttpClientRequest.HttpClientRequest,
      form: Record<string, string>
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, ClientError> =>
      http.execute(
        HttpClientRequest.bodyUrlParams(
          typeof url === "string" ? HttpClientRequest.post(url).pipe(HttpClientRequest.acceptJson) : url,
          form
        )
      ).pipe(
        (request) =>
          Http.timeoutFail(request, timeout, () =>
            new ChannelError.ProviderUnavailable({
              channel,
              message: `${what} did not answer within ${Duration.format(timeout)}`
            })),
        Effect.catchTags({
          RequestError: (error) => Effect.fail(Http.transportError(channel, what, error)),
          ResponseError: (error) => Effect.fail(Http.transportError(channel, what, error))
        }),
        Effect.mapError((error): ClientError =>
          // the token middleware's errors name the OAuth channel; ours name this one
          Http.withChannel(error, channel)
        ),
        limiter
      )

    const readJson = <A>(
      response: HttpClientResponse.HttpClientResponse,
      decode: (body: string) => Either.Either<A, unknown>
    ): Effect.Effect<A, ClientError> =>
      response.status >= 200 && response.status < 300
        ? Effect.flatMap(
          Effect.mapError(response.text, () => unreadable(response.status)),
          (body) => Effect.mapError(decode(body), () => unreadable(response.status))
        )
        : Effect.flatMap(Http.statusError({ channel, what, response, secrets }), Effect.fail)

    const credentials = (form: Record<string, string>): Effect.Effect<Record<string, string>> => {
      if (options.mode === "kpn") return Effect.succeed(form)
      const auth = options.authentication
      switch (auth.type) {
        case "basic":
          return Effect.succeed(form)
        case "key-secret":
          return Effect.succeed({ ...form, ...VonageCredentials.keySecretParams(auth.apiKey, auth.apiSecret) })
        case "signed":
          return VonageSignature.sign({
            params: { ...form, api_key: auth.apiKey },
            secret: auth.signatureSecret,
            algorithm: auth.algorithm
          })
      }
    }

    // the request line and headers of every send, built once
    const sendRequest = HttpClientRequest.post(sendUrl).pipe(HttpClientRequest.acceptJson)
    const sendSpan = { captureStackTrace: false, attributes: { "vonage.mode": options.mode } } as const
    const readSendResponse = (response: HttpClientResponse.HttpClientResponse) =>
      readJson(response, decodeSendResponse)

    const send = (request: SendRequest): Effect.Effect<SendResponse, ClientError> =>
      Effect.suspend(() => {
        const form = encodeSendRequest(request)
        if (Either.isLeft(form)) {
          return Effect.fail(
            new ChannelError.InvalidMessage({
              channel,
              message: `the SMS cannot be encoded for ${what}: ${form.left.message.split("\n")[0]}`
            })
          )
        }
        return credentials(definedOnly(form.right)).pipe(
          Effect.flatMap((body) => post(sendRequest, body)),
          Effect.flatMap(readSendResponse)
        )
      }).pipe(Effect.withSpan("VonageSmsClient.send", sendSpan))

    const kpnOnly = (call: string) =>
      Effect.fail(
        new ChannelError.Rejected({
          channel,
          rejection: "NotPermitted",
          message: `${call} is a call of KPN's gateway; this client talks to Vonage directly (mode "direct")`
        })
      )

    const register: Service["register"] = ({ callbackUrl, to }) =>
      options.mode !== "kpn"
        ? kpnOnly("register")
        : Effect.flatMap(
          post(`${trimSlash(options.baseUrl ?? defaultKpnBaseUrl)}/register`, { to, callback_url: callbackUrl }),
          (response) => readJson(response, decodeRegisterResponse)
        ).pipe(Effect.withSpan("VonageSmsClient.register"))

    const updateNumber: Service["updateNumber"] = (update) =>
      options.mode !== "kpn"
        ? kpnOnly("number/update")
        : Effect.gen(function*() {
          const response = yield* post(
            `${trimSlash(options.numbersBaseUrl ?? defaultKpnNumbersBaseUrl)}/number/update`,
            {
              country: update.country,
              msisdn: update.msisdn,
              moHttpUrl: update.moHttpUrl,
              ...(update.appId === undefined ? {} : { app_id: update.appId })
            }
          )
          const answer = yield* readJson(response, decodeUpdateNumberResponse)
          if (answer.errorCode.trim() !== "200") {
            return yield* Effect.fail(numbersError(channel, answer))
          }
          return answer
        }).pipe(Effect.withSpan("VonageSmsClient.updateNumber"))

    return { mode: options.mode, send, register, updateNumber } satisfies Service
  })

const numbersError = (channel: string, answer: UpdateNumberResponse): ClientError => {
  const code = Number(answer.errorCode)
  const common = {
    channel,
    message: `the Numbers API refused the update (error-code ${answer.errorCode})`,
    providerCode: answer.errorCode,
    ...(answer.errorCodeLabel === undefined ? {} : { providerText: answer.errorCodeLabel })
  }
  if (code === 401 || code === 403) return new ChannelError.AuthenticationFailed(common)
  if (code === 429) return new ChannelError.RateLimited(common)
  if (code >= 500) return new ChannelError.ProviderUnavailable(common)
  return new ChannelError.InvalidMessage(common)
}

/**
 * Builds a client. KPN mode needs `OAuthClientCredentials` (from `@switchboard/auth`) for its tokens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: {
  (options: DirectOptions): Effect.Effect<Service, never, HttpClient.HttpClient | Scope.Scope>
  (
    options: KpnOptions
  ): Effect.Effect<Service, never, HttpClient.HttpClient | Scope.Scope | OAuthClientCredentials.OAuthClientCredentials>
  (
    options: Options
  ): Effect.Effect<Service, never, HttpClient.HttpClient | Scope.Scope | OAuthClientCredentials.OAuthClientCredentials>
} = (options: Options): Effect.Effect<Service, never, any> =>
  options.mode === "kpn"
    ? Effect.flatMap(OAuthClientCredentials.OAuthClientCredentials, (oauth) => makeWith(options, Option.some(oauth)))
    : makeWith(options, Option.none())

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: {
  (options: DirectOptions): Layer.Layer<VonageSmsClient, never, HttpClient.HttpClient>
  (
    options: KpnOptions
  ): Layer.Layer<VonageSmsClient, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
  (
    options: Options
  ): Layer.Layer<VonageSmsClient, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
} = (options: Options): Layer.Layer<VonageSmsClient, never, any> => Layer.scoped(VonageSmsClient, make(options))

// ---------------------------------------------------------------------------------------------------------
// configuration
// ---------------------------------------------------------------------------------------------------------

/**
 * Everything `layerConfig` reads.
 *
 * @since 0.1.0
 * @category config
 */
export type Configuration =
  | { readonly options: DirectOptions }
  | { readonly options: KpnOptions; readonly oauth: OAuthClientCredentials.Options }

const algorithmConfig = Config.string("VONAGE_SIGNATURE_METHOD").pipe(
  Config.map((value) => value.trim().toLowerCase().replace(/[^a-z0-9]/g, "")),
  Config.map((value) => (value === "md5hmac" ? "md5" : value.replace(/hmac$/, ""))),
  Config.validate({
    message: `VONAGE_SIGNATURE_METHOD must be one of ${VonageSignature.algorithms.join(", ")}`,
    validation: (value): value is VonageSignature.SignatureAlgorithm =>
      (VonageSignature.algorithms as ReadonlyArray<string>).includes(value)
  }),
  Config.withDefault<VonageSignature.SignatureAlgorithm>("md5hash")
)

const rateLimitConfig = Config.integer("VONAGE_SMS_RATE_LIMIT").pipe(
  Config.validate({ message: "VONAGE_SMS_RATE_LIMIT must be a positive integer", validation: (n) => n > 0 }),
  Config.withDefault(defaultRateLimit.limit),
  Config.map((limit): RateLimit => ({ limit, interval: "1 second" }))
)

const directConfig: Config.Config<DirectOptions> = Config.all({
  apiKey: Config.string("VONAGE_API_KEY"),
  apiSecret: Config.option(Config.redacted("VONAGE_API_SECRET")),
  signatureSecret: Config.option(Config.redacted("VONAGE_SIGNATURE_SECRET")),
  algorithm: algorithmConfig,
  auth: Config.option(Config.literal("basic", "key-secret", "signed")("VONAGE_SMS_AUTH")),
  baseUrl: Config.url("VONAGE_SMS_BASE_URL").pipe(Config.withDefault(new URL(defaultDirectBaseUrl))),
  rateLimit: rateLimitConfig
}).pipe(
  Config.mapOrFail((c) => {
    const type = Option.getOrElse(c.auth, () => Option.isSome(c.signatureSecret) ? "signed" as const : "basic" as const)
    const authentication: Option.Option<Authentication> = type === "signed"
      ? Option.map(c.signatureSecret, (signatureSecret) => ({
        type,
        apiKey: c.apiKey,
        signatureSecret,
        algorithm: c.algorithm
      }))
      : Option.map(c.apiSecret, (apiSecret) => ({ type, apiKey: c.apiKey, apiSecret }))
    const needed = type === "signed" ? "VONAGE_SIGNATURE_SECRET" : "VONAGE_API_SECRET"
    return Option.match(authentication, {
      onNone: () =>
        Either.left(ConfigError.MissingData([needed], `${needed} is required for ${type} authentication`)),
      onSome: (authentication) =>
        Either.right<DirectOptions>({ mode: "direct", authentication, baseUrl: c.baseUrl, rateLimit: c.rateLimit })
    })
  })
)

const kpnConfig: Config.Config<Configuration> = Config.all({
  oauth: OAuthClientCredentials.config,
  baseUrl: Config.url("KPN_NEXMO_SMS_BASE_URL").pipe(Config.withDefault(new URL(defaultKpnBaseUrl))),
  numbersBaseUrl: Config.url("KPN_NEXMO_NUMBERS_BASE_URL").pipe(
    Config.withDefault(new URL(defaultKpnNumbersBaseUrl))
  ),
  rateLimit: rateLimitConfig
}).pipe(
  Config.map(({ oauth, ...rest }): Configuration => ({ options: { mode: "kpn", ...rest }, oauth }))
)

/**
 * Reads the configuration from the environment (or the current `ConfigProvider`):
 *
 * - `VONAGE_SMS_MODE`: `direct` or `kpn`; defaults to `kpn` when `KPN_CLIENT_ID` is set, else `direct`.
 * - direct: `VONAGE_API_KEY`; `VONAGE_SMS_AUTH` (`basic`, `key-secret` or `signed`; defaults to `signed`
 *   when `VONAGE_SIGNATURE_SECRET` is set, else `basic`); `VONAGE_API_SECRET` (basic, key-secret);
 *   `VONAGE_SIGNATURE_SECRET` and `VONAGE_SIGNATURE_METHOD` (`md5hash` (default), `md5`, `sha1`, `sha256`,
 *   `sha512`; the dashboard's names such as `SHA-256 HMAC` work too); `VONAGE_SMS_BASE_URL` (default
 *   `https://rest.nexmo.com`).
 * - kpn: `KPN_CLIENT_ID`, `KPN_CLIENT_SECRET`, `KPN_TOKEN_URL` (see `OAuthClientCredentials`);
 *   `KPN_NEXMO_SMS_BASE_URL` (default `https://api-prd.kpn.com/communication/nexmo/sms`),
 *   `KPN_NEXMO_NUMBERS_BASE_URL` (default `https://api-prd.kpn.com/communication/nexmo/phone-numbers`).
 * - both: `VONAGE_SMS_RATE_LIMIT`, requests a second (default 30).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Effect.Effect<Configuration, ConfigError.ConfigError> = Effect.gen(function*() {
  const mode = yield* Config.option(Config.literal("direct", "kpn")("VONAGE_SMS_MODE"))
  const kpnClientId = yield* Config.option(Config.string("KPN_CLIENT_ID"))
  const resolved = Option.getOrElse(mode, () => Option.isSome(kpnClientId) ? "kpn" : "direct")
  return resolved === "kpn" ? yield* kpnConfig : { options: yield* directConfig }
})

/**
 * A client from the environment (see `config`). In KPN mode it builds its own `OAuthClientCredentials` from
 * `KPN_CLIENT_ID`, `KPN_CLIENT_SECRET` and `KPN_TOKEN_URL`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<VonageSmsClient, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.scoped(
  VonageSmsClient,
  Effect.gen(function*() {
    const configuration = yield* config
    if (!("oauth" in configuration)) return yield* makeWith(configuration.options, Option.none())
    const oauth = yield* OAuthClientCredentials.make({ ...configuration.oauth, channel: "sms.vonage" })
    return yield* makeWith(configuration.options, Option.some(oauth))
  })
)
