/**
 * The transport client for KPN's own SMS API (`POST https://api-prd.kpn.com/communication/kpn/sms/send`, or
 * the older `/messaging/sms-kpn/v1/send`), authenticated with an OAuth2 bearer token from
 * `@switchboard/auth`'s `OAuthClientCredentials`.
 *
 * - `send` makes one call: up to 200 message × recipient combinations, each recipient a Dutch mobile number
 *   (`06…`, `+316…`, `00316…`, `097…`; checked before any I/O and sent in E.164).
 * - `broadcast` sends one text to any number of recipients, in calls of at most 200 recipients each, and
 *   reports every batch's outcome.
 * - Every answer's quota headers (`quota-limit`, `quota-used`, `quota-interval`, `quota-time-unit`,
 *   `quota-reset-UTC`) plus `api-version` and `sunset` are parsed: they come back on each `SendResult`, and
 *   `lastQuota` returns the most recent quota KPN reported on any answer, failures included, so an
 *   application can watch its headroom without sending. A `sunset` other than `n/a` is logged once as a
 *   warning.
 * - Failures are `ChannelError`s: the gateway's Apigee faults and the API's `errorResponse` bodies are mapped
 *   in one table (see the README); 429 → `RateLimited` with `retryAfterMillis` from `Retry-After`, else from
 *   the quota reset; network errors and timeouts → `ProviderUnavailable`. No `HttpClientError` or
 *   `ParseError` leaves this module, and no secret appears in an error.
 * - Calls pass through a client-side `RateLimiter` (10 calls a second by default; configurable or off).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { OAuthClientCredentials } from "@switchboard/auth"
 * import { KpnSmsClient } from "@switchboard/kpn-sms"
 * import { Effect, Layer, Option } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const kpn = yield* KpnSmsClient.KpnSmsClient
 *   const result = yield* kpn.broadcast({
 *     sender: "Switchboard",
 *     text: "The office is closed today.",
 *     to: ["0612345678", "+31687654321"]
 *   })
 *   yield* Effect.log(`accepted ${result.accepted.length}, failed ${result.failed.length}`)
 *   const quota = yield* kpn.lastQuota
 *   if (Option.isSome(quota)) yield* Effect.log(`${quota.value.remaining} calls left this period`)
 * })
 *
 * program.pipe(
 *   Effect.provide(KpnSmsClient.layerConfig),
 *   Effect.provide(OAuthClientCredentials.layerConfig),
 *   Effect.provide(NodeHttpClient.layerUndici),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OAuthClientCredentials } from "@switchboard/auth"
import { Channel, ChannelError, type Phone } from "@switchboard/core"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as RateLimiter from "effect/RateLimiter"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Errors from "./internal/errors.js"
import * as QuotaHeaders from "./internal/quota.js"
import * as Validate from "./internal/validation.js"

/**
 * The channel id used in errors and receipts.
 *
 * @since 0.1.0
 * @category constants
 */
export const channelId = "sms.kpn"

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api-prd.kpn.com"

/**
 * The current path (KPN's "SMS - KPN" 1.0.6 definition, basePath `/communication/kpn/sms`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPath = "/communication/kpn/sms/send"

/**
 * The older path, still served for clients written in 2018–2021.
 *
 * @since 0.1.0
 * @category constants
 */
export const legacyPath = "/messaging/sms-kpn/v1/send"

/**
 * At most this many message × recipient combinations go in one call.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRecipientsPerCall = Validate.maxRecipientsPerCall

/**
 * @since 0.1.0
 * @category constants
 */
export const maxSenderLength = Validate.maxSenderLength

/**
 * @since 0.1.0
 * @category constants
 */
export const maxTextLength = Validate.maxTextLength

/**
 * The client-side limit applied when none is configured: 10 calls a second (each call carries up to 200
 * recipients). KPN publishes no numeric quota; the real one is in the `quota-*` headers.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRateLimit: RateLimit = { limit: 10, interval: Duration.seconds(1) }

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

// -----------------------------------------------------------------------------
// wire formats
// -----------------------------------------------------------------------------

/**
 * One entry of `messages`: a text and one number, or several separated by commas (KPN's bulk form).
 *
 * @since 0.1.0
 * @category schemas
 */
export class WireMessage extends Schema.Class<WireMessage>("@switchboard/kpn-sms/KpnSmsClient/WireMessage")({
  mobileNumber: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("mobile_number")),
  content: Schema.String
}) {}

/**
 * The body of `POST /send`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class WireRequest extends Schema.Class<WireRequest>("@switchboard/kpn-sms/KpnSmsClient/WireRequest")({
  sender: Schema.optional(Schema.String),
  messages: Schema.NonEmptyArray(WireMessage),
  webhookUrl: Schema.optional(Schema.String).pipe(Schema.fromKey("webhook_url")),
  /** Seconds, as a string. */
  expireIn: Schema.optional(Schema.String).pipe(Schema.fromKey("expirein"))
}) {}

/**
 * The body of a successful answer.
 *
 * @since 0.1.0
 * @category schemas
 */
export class WireResponse extends Schema.Class<WireResponse>("@switchboard/kpn-sms/KpnSmsClient/WireResponse")({
  documentId: Schema.optional(Schema.String).pipe(Schema.fromKey("document_id")),
  status: Schema.optional(Schema.String)
}) {}

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The account's quota as KPN reported it on an answer. KPN counts API calls, not messages.
 *
 * @since 0.1.0
 * @category models
 */
export class Quota extends Schema.Class<Quota>("@switchboard/kpn-sms/KpnSmsClient/Quota")({
  /** `quota-limit`: calls allowed in the window. */
  limit: Schema.optional(Schema.NonNegativeInt),
  /** `quota-used`: calls made in the window. */
  used: Schema.optional(Schema.NonNegativeInt),
  /** `quota-interval`: the window's length, in `timeUnit`s. */
  interval: Schema.optional(Schema.NonNegativeInt),
  /** `quota-time-unit`: `minute`, `hour`, `day`, `week` or `month`. */
  timeUnit: Schema.optional(Schema.String),
  /** `quota-reset-UTC`: when the window resets. */
  resetAt: Schema.optional(Schema.DateTimeUtcFromSelf),
  /** When the answer carrying it arrived. */
  observedAt: Schema.DateTimeUtcFromSelf
}) {
  /**
   * Calls left in the window, when KPN sent both the limit and the count.
   *
   * @since 0.1.0
   */
  get remaining(): number | undefined {
    return this.limit === undefined || this.used === undefined ? undefined : Math.max(0, this.limit - this.used)
  }
}

/**
 * What KPN answered to one accepted call.
 *
 * @since 0.1.0
 * @category models
 */
export class SendResult extends Schema.Class<SendResult>("@switchboard/kpn-sms/KpnSmsClient/SendResult")({
  /** KPN's tracking id for the call (delivery reports refer to it). */
  documentId: Schema.String,
  /** KPN's `status` (`OK`). */
  status: Schema.String,
  /** Every recipient of the call, in E.164. */
  recipients: Schema.Array(Schema.String),
  quota: Schema.optional(Quota),
  /** The `api-version` header. */
  apiVersion: Schema.optional(Schema.String),
  /** The `sunset` header when it announces a deprecation (anything but `n/a`). */
  sunset: Schema.optional(Schema.String),
  acceptedAt: Schema.DateTimeUtcFromSelf
}) {}

/**
 * One message of a call: a text for one or more recipients (any Dutch format; sent as E.164).
 *
 * @since 0.1.0
 * @category models
 */
export interface OutgoingMessage {
  readonly to: string | ReadonlyArray<string>
  readonly text: string
}

/**
 * One call to `POST /send`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SendRequest {
  /** Up to 11 characters; KPN uses `KPN` when absent. */
  readonly sender?: string | undefined
  readonly messages: ReadonlyArray<OutgoingMessage>
  /** Where KPN posts delivery reports for this call. */
  readonly webhookUrl?: string | undefined
  /** How long KPN keeps trying to deliver (sent as whole seconds, at least 1). */
  readonly expireIn?: Duration.DurationInput | undefined
}

/**
 * One text for many recipients.
 *
 * @since 0.1.0
 * @category models
 */
export interface BroadcastRequest {
  readonly text: string
  /** Any number of recipients (any Dutch format); duplicates are sent once. */
  readonly to: ReadonlyArray<string>
  readonly sender?: string | undefined
  readonly webhookUrl?: string | undefined
  readonly expireIn?: Duration.DurationInput | undefined
  /** Retries for each batch's retryable failures (rate limits, outages); none by default. */
  readonly retry?: Channel.RetryPolicy | undefined
  /** How many batches are in flight at once (the rate limiter still applies). Defaults to 1. */
  readonly concurrency?: number | undefined
}

/**
 * A batch KPN accepted.
 *
 * @since 0.1.0
 * @category models
 */
export class BatchAccepted extends Data.TaggedClass("BatchAccepted")<{
  readonly recipients: ReadonlyArray<Phone.E164>
  readonly result: SendResult
}> {}

/**
 * A batch that failed (`attempted: false` when it was not sent because the credentials had already been
 * refused for an earlier batch).
 *
 * @since 0.1.0
 * @category models
 */
export class BatchFailed extends Data.TaggedClass("BatchFailed")<{
  readonly recipients: ReadonlyArray<Phone.E164>
  readonly error: ChannelError.ChannelError
  readonly attempted: boolean
}> {}

/**
 * @since 0.1.0
 * @category models
 */
export type Batch = BatchAccepted | BatchFailed

/**
 * The outcome of a broadcast, batch by batch and summed up.
 *
 * @since 0.1.0
 * @category models
 */
export interface BroadcastResult {
  readonly batches: ReadonlyArray<Batch>
  readonly accepted: ReadonlyArray<Phone.E164>
  readonly failed: ReadonlyArray<Phone.E164>
  readonly documentIds: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  /** Calls allowed per `interval`. */
  readonly limit: number
  readonly interval: Duration.DurationInput
  readonly algorithm?: "fixed-window" | "token-bucket" | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Defaults to `https://api-prd.kpn.com`. */
  readonly baseUrl?: string | undefined
  /** Defaults to `/communication/kpn/sms/send`; `legacyPath` is the older one. */
  readonly path?: string | undefined
  /** KPN's optional `SubAccount` header. */
  readonly subAccount?: string | undefined
  /** Client-side rate limit; `false` turns it off. Defaults to `defaultRateLimit`. */
  readonly rateLimit?: RateLimit | false | undefined
  /** How long to wait for an answer before failing with `ProviderUnavailable`. Defaults to 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The full URL calls go to. */
  readonly url: string
  /** One call (at most 200 message × recipient combinations), validated before any I/O. */
  readonly send: (request: SendRequest) => Effect.Effect<SendResult, ChannelError.ChannelError>
  /**
   * One text for many recipients, in calls of at most 200. Fails only when the request itself is invalid
   * (before any I/O); each batch's outcome is in the result.
   */
  readonly broadcast: (request: BroadcastRequest) => Effect.Effect<BroadcastResult, ChannelError.ChannelError>
  /** The quota KPN reported on its latest answer (success or failure); `None` before the first. */
  readonly lastQuota: Effect.Effect<Option.Option<Quota>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class KpnSmsClient extends Context.Tag("@switchboard/kpn-sms/KpnSmsClient")<KpnSmsClient, Service>() {}

// -----------------------------------------------------------------------------
// implementation
// -----------------------------------------------------------------------------

const encodeRequest = Schema.encodeSync(WireRequest)
const decodeResponse = Schema.decodeUnknownEither(WireResponse)

const expireInSeconds = (input: Duration.DurationInput | undefined): string | undefined => {
  if (input === undefined) return undefined
  const duration = Duration.decode(input)
  if (!Duration.isFinite(duration)) return undefined
  return String(Math.max(1, Math.floor(Duration.toSeconds(duration))))
}

const unique = <A>(values: ReadonlyArray<A>): ReadonlyArray<A> => [...new Set(values)]

const validateRecipients = (
  inputs: ReadonlyArray<string>
): Either.Either<ReadonlyArray<Phone.E164>, ChannelError.InvalidMessage | ChannelError.Unaddressable> => {
  const out: Array<Phone.E164> = []
  for (const input of inputs) {
    const checked = Validate.recipient(input)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    out.push(checked.right)
  }
  return Either.right(out)
}

const wireRequest = (
  request: {
    readonly sender?: string | undefined
    readonly webhookUrl?: string | undefined
    readonly expireIn?: Duration.DurationInput | undefined
  },
  messages: ReadonlyArray<WireMessage>
): WireRequest => {
  const expireIn = expireInSeconds(request.expireIn)
  return new WireRequest({
    messages: messages as readonly [WireMessage, ...Array<WireMessage>],
    ...(request.sender === undefined ? {} : { sender: request.sender }),
    ...(request.webhookUrl === undefined ? {} : { webhookUrl: request.webhookUrl }),
    ...(expireIn === undefined ? {} : { expireIn })
  })
}

interface Prepared {
  readonly wire: WireRequest
  readonly recipients: ReadonlyArray<Phone.E164>
}

const prepare = (
  request: SendRequest
): Either.Either<Prepared, ChannelError.InvalidMessage | ChannelError.Unaddressable> =>
  Either.gen(function*() {
    yield* Validate.sender(request.sender)
    yield* Validate.webhookUrl(request.webhookUrl)
    if (request.messages.length === 0) {
      return yield* Either.left(
        new ChannelError.InvalidMessage({ channel: channelId, field: "messages", message: "KPN SMS: no messages" })
      )
    }
    const messages: Array<WireMessage> = []
    const recipients: Array<Phone.E164> = []
    for (const message of request.messages) {
      yield* Validate.text(message.text)
      const inputs = typeof message.to === "string" ? message.to.split(",") : message.to
      if (inputs.length === 0) {
        return yield* Either.left(
          new ChannelError.InvalidMessage({
            channel: channelId,
            field: "recipient.phone",
            message: "KPN SMS: a message has no recipient"
          })
        )
      }
      const numbers = unique(yield* validateRecipients(inputs))
      recipients.push(...numbers)
      messages.push(new WireMessage({ mobileNumber: numbers.join(","), content: message.text }))
    }
    if (recipients.length > maxRecipientsPerCall) {
      return yield* Either.left(
        new ChannelError.InvalidMessage({
          channel: channelId,
          field: "messages",
          message: `KPN SMS accepts at most ${maxRecipientsPerCall} message × recipient combinations a call; this one has ${recipients.length} (use broadcast to send in batches)`
        })
      )
    }
    return { wire: wireRequest(request, messages), recipients }
  })

const encodeError = Schema.encodeEither(ChannelError.ChannelError)
const decodeError = Schema.decodeUnknownEither(ChannelError.ChannelError)

/** The token endpoint's errors name the auth layer's channel; report them as this channel's. */
const relabel = (error: ChannelError.ChannelError): ChannelError.ChannelError => {
  if (error.channel === channelId) return error
  const encoded = encodeError(error)
  if (Either.isLeft(encoded)) return error
  return Either.getOrElse(decodeError({ ...encoded.right, channel: channelId }), () => error)
}

/**
 * Turns whatever the HTTP layer failed with into a channel error. The bearer middleware may surface the
 * token endpoint's `AuthenticationFailed` / `ProviderUnavailable` directly or as the cause of a request
 * error; both come through as they are.
 */
const fromHttpFailure = (error: unknown): ChannelError.ChannelError => {
  if (ChannelError.isChannelError(error)) return relabel(error)
  if (Predicate.hasProperty(error, "cause") && ChannelError.isChannelError(error.cause)) return relabel(error.cause)
  const described = Predicate.hasProperty(error, "_tag") && error._tag === "RequestError"
    ? (error as HttpClientError.RequestError).reason === "Transport"
      ? "KPN SMS could not be reached"
      : `KPN SMS: the request could not be sent (${(error as HttpClientError.RequestError).reason})`
    : Predicate.hasProperty(error, "_tag") && error._tag === "ResponseError"
    ? "KPN SMS: the answer could not be read"
    : "KPN SMS: the call failed"
  return new ChannelError.ProviderUnavailable({ channel: channelId, message: described })
}

const headerOf = (response: HttpClientResponse.HttpClientResponse) => (name: string): string | undefined => {
  const value = response.headers[name.toLowerCase()]
  return value === undefined || value.length === 0 ? undefined : value
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Builds the client. Needs an `HttpClient` and `OAuthClientCredentials`; the scope owns the rate limiter.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials | Scope.Scope> =>
  Effect.gen(function*() {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const path = options.path ?? defaultPath
    const url = `${baseUrl}${path.startsWith("/") ? path : `/${path}`}`
    if (!URL.canParse(url)) return yield* Effect.dieMessage(`KpnSmsClient: "${url}" is not a URL`)

    const oauth = yield* OAuthClientCredentials.OAuthClientCredentials
    const http = oauth.withBearer(yield* HttpClient.HttpClient)
    const rateLimit = options.rateLimit === undefined ? defaultRateLimit : options.rateLimit
    const limiter: RateLimiter.RateLimiter = rateLimit === false
      ? (effect) => effect
      : yield* RateLimiter.make({
        limit: rateLimit.limit,
        interval: rateLimit.interval,
        ...(rateLimit.algorithm === undefined ? {} : { algorithm: rateLimit.algorithm })
      })
    const timeout = options.timeout ?? defaultTimeout
    const lastQuotaRef = yield* Ref.make(Option.none<Quota>())
    const sunsetWarned = yield* Ref.make(false)

    const observe = (response: HttpClientResponse.HttpClientResponse, now: number) =>
      Effect.gen(function*() {
        const header = headerOf(response)
        const fields = QuotaHeaders.fromHeaders(header)
        const quota = fields === undefined ? undefined : new Quota({
          ...(fields.limit === undefined ? {} : { limit: fields.limit }),
          ...(fields.used === undefined ? {} : { used: fields.used }),
          ...(fields.interval === undefined ? {} : { interval: fields.interval }),
          ...(fields.timeUnit === undefined ? {} : { timeUnit: fields.timeUnit }),
          ...(fields.resetAt === undefined ? {} : { resetAt: DateTime.unsafeMake(fields.resetAt) }),
          observedAt: DateTime.unsafeMake(now)
        })
        if (quota !== undefined) yield* Ref.set(lastQuotaRef, Option.some(quota))
        const rawSunset = header("sunset")
        const sunset = rawSunset === undefined || rawSunset.trim().toLowerCase() === "n/a" ? undefined : rawSunset
        if (sunset !== undefined && !(yield* Ref.getAndSet(sunsetWarned, true))) {
          yield* Effect.logWarning(`KPN announces the end of this SMS API version (${url}): sunset ${sunset}`)
        }
        return { quota, sunset, apiVersion: header("api-version") }
      })

    const call = (prepared: Prepared): Effect.Effect<SendResult, ChannelError.ChannelError> =>
      Effect.gen(function*() {
        let request = HttpClientRequest.post(url).pipe(
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUnsafeJson(encodeRequest(prepared.wire))
        )
        if (options.subAccount !== undefined) {
          request = HttpClientRequest.setHeader(request, "SubAccount", options.subAccount)
        }
        // the timeout covers the call and reading the answer, not the wait for the rate limiter
        const { response, text } = yield* limiter(
          http.execute(request).pipe(
            Effect.flatMap((response) => Effect.map(response.text, (text) => ({ response, text }))),
            Effect.mapError(fromHttpFailure),
            Effect.timeoutFail({
              duration: timeout,
              onTimeout: () =>
                new ChannelError.ProviderUnavailable({
                  channel: channelId,
                  message: `KPN SMS did not answer within ${Duration.format(Duration.decode(timeout))}`
                })
            })
          )
        )
        const now = yield* Clock.currentTimeMillis
        const meta = yield* observe(response, now)
        const body = parseJson(text)
        if (response.status < 200 || response.status >= 300) {
          return yield* Effect.fail(
            Errors.fromAnswer({ status: response.status, body, headers: response.headers, now })
          )
        }
        const decoded = decodeResponse(body)
        const documentId = Either.isRight(decoded) ? decoded.right.documentId : undefined
        if (documentId === undefined || documentId.length === 0) {
          const status = Either.isRight(decoded) ? decoded.right.status : undefined
          return yield* Effect.fail(
            new ChannelError.Rejected({
              channel: channelId,
              rejection: "Other",
              message: `KPN SMS answered HTTP ${response.status} without a document id, so the messages were not accepted${
                status === undefined ? "" : ` (status ${status})`
              }`,
              providerCode: String(response.status),
              ...(status === undefined ? {} : { providerText: status })
            })
          )
        }
        return new SendResult({
          documentId,
          status: (Either.isRight(decoded) ? decoded.right.status : undefined) ?? "OK",
          recipients: prepared.recipients,
          acceptedAt: DateTime.unsafeMake(now),
          ...(meta.quota === undefined ? {} : { quota: meta.quota }),
          ...(meta.apiVersion === undefined ? {} : { apiVersion: meta.apiVersion }),
          ...(meta.sunset === undefined ? {} : { sunset: meta.sunset })
        })
      })

    const send = (request: SendRequest): Effect.Effect<SendResult, ChannelError.ChannelError> =>
      Effect.flatMap(prepare(request), call).pipe(
        Effect.withSpan("KpnSmsClient.send", {
          attributes: { "kpn.url": url, "kpn.messages": request.messages.length }
        })
      )

    const broadcast = (request: BroadcastRequest): Effect.Effect<BroadcastResult, ChannelError.ChannelError> =>
      Effect.gen(function*() {
        yield* Validate.sender(request.sender)
        yield* Validate.webhookUrl(request.webhookUrl)
        yield* Validate.text(request.text)
        const recipients = unique(yield* validateRecipients(request.to))
        const chunks: Array<ReadonlyArray<Phone.E164>> = []
        for (let i = 0; i < recipients.length; i += maxRecipientsPerCall) {
          chunks.push(recipients.slice(i, i + maxRecipientsPerCall))
        }
        const refused = yield* Ref.make(Option.none<ChannelError.AuthenticationFailed>())
        const batch = (chunk: ReadonlyArray<Phone.E164>): Effect.Effect<Batch> =>
          Effect.gen(function*() {
            const earlier = yield* Ref.get(refused)
            if (Option.isSome(earlier)) {
              return new BatchFailed({ recipients: chunk, error: earlier.value, attempted: false })
            }
            const attempt = call({
              recipients: chunk,
              wire: wireRequest(request, [new WireMessage({ mobileNumber: chunk.join(","), content: request.text })])
            })
            const outcome = yield* Effect.either(
              request.retry === undefined ? attempt : Channel.withRetry(attempt, request.retry)
            )
            if (Either.isRight(outcome)) return new BatchAccepted({ recipients: chunk, result: outcome.right })
            if (outcome.left._tag === "AuthenticationFailed") yield* Ref.set(refused, Option.some(outcome.left))
            return new BatchFailed({ recipients: chunk, error: outcome.left, attempted: true })
          })
        const batches = yield* Effect.forEach(chunks, batch, { concurrency: request.concurrency ?? 1 })
        return {
          batches,
          accepted: batches.flatMap((b) => b._tag === "BatchAccepted" ? b.recipients : []),
          failed: batches.flatMap((b) => b._tag === "BatchFailed" ? b.recipients : []),
          documentIds: batches.flatMap((b) => b._tag === "BatchAccepted" ? [b.result.documentId] : [])
        }
      }).pipe(
        Effect.withSpan("KpnSmsClient.broadcast", {
          attributes: { "kpn.url": url, "kpn.recipients": request.to.length }
        })
      )

    return { url, send, broadcast, lastQuota: Ref.get(lastQuotaRef) }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<KpnSmsClient, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials> =>
  Layer.scoped(KpnSmsClient, make(options))

/**
 * The options from the environment:
 * - `KPN_BASE_URL` (default `https://api-prd.kpn.com`);
 * - `KPN_SMS_PATH` (default `/communication/kpn/sms/send`; `/messaging/sms-kpn/v1/send` for the older path);
 * - `KPN_SMS_SUBACCOUNT` (optional `SubAccount` header);
 * - `KPN_SMS_RATE_LIMIT`: calls per `KPN_SMS_RATE_INTERVAL` (default 10), or `off`;
 * - `KPN_SMS_RATE_INTERVAL` (default `1 second`);
 * - `KPN_SMS_TIMEOUT` (default `30 seconds`).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  baseUrl: Config.withDefault(Config.string("KPN_BASE_URL"), defaultBaseUrl),
  path: Config.withDefault(Config.string("KPN_SMS_PATH"), defaultPath),
  subAccount: Config.option(Config.string("KPN_SMS_SUBACCOUNT")),
  rateLimit: Config.withDefault(
    Config.string("KPN_SMS_RATE_LIMIT").pipe(
      Config.validate({
        message: "KPN_SMS_RATE_LIMIT must be a positive whole number of calls, or off",
        validation: (s) => s.trim().toLowerCase() === "off" || /^[1-9]\d*$/.test(s.trim())
      })
    ),
    String(defaultRateLimit.limit)
  ),
  rateInterval: Config.withDefault(Config.duration("KPN_SMS_RATE_INTERVAL"), Duration.decode(defaultRateLimit.interval)),
  timeout: Config.withDefault(Config.duration("KPN_SMS_TIMEOUT"), defaultTimeout)
}).pipe(
  Config.validate({
    message: "KPN_BASE_URL and KPN_SMS_PATH must form an absolute URL",
    validation: (c) => URL.canParse(`${c.baseUrl.replace(/\/+$/, "")}${c.path.startsWith("/") ? "" : "/"}${c.path}`)
  }),
  Config.map((c): Options => ({
    baseUrl: c.baseUrl,
    path: c.path,
    ...(Option.isSome(c.subAccount) ? { subAccount: c.subAccount.value } : {}),
    rateLimit: c.rateLimit.trim().toLowerCase() === "off"
      ? false
      : { limit: Number(c.rateLimit.trim()), interval: c.rateInterval },
    timeout: c.timeout
  }))
)

/**
 * `layer` with the options from the environment (see `config`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<
  KpnSmsClient,
  ConfigError.ConfigError,
  HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials
> = Layer.unwrapEffect(Effect.map(config, layer))
