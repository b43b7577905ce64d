/**
 * The transport client of Vonage's Messages API, in the two shapes Switchboard speaks, chosen by configuration:
 *
 * - **v1**, direct to Vonage: `POST https://api.nexmo.com/v1/messages`, a flat body
 *   (`{message_type, channel, to, from, text | image | …}`), authenticated with HTTP Basic (API key and secret,
 *   `mode: "vonage-basic"`) or an application JWT (`mode: "vonage-jwt"`, from `@switchboard/auth`'s
 *   `ApplicationJwt`);
 * - **v0.1**, through KPN's API Store: `POST https://api-prd.kpn.com/communication/nexmo/v0.1/messages`, the nested
 *   body (`{from:{type,number|id}, to:{…}, message:{content:{type,…}}}`) with a KPN OAuth2 bearer token
 *   (`mode: "kpn"`, from `@switchboard/auth`'s `OAuthClientCredentials`, refreshed and retried once on 401) and
 *   the Vonage application id in the `ApplicationId` header.
 *
 * Channel packages (`@switchboard/whatsapp`, `@switchboard/viber`, `@switchboard/messenger`) describe what to send
 * as a shape-neutral `SendRequest`; the client renders it for the configured API, sends it, and translates every
 * failure into a `ChannelError` at this edge: the Messages API's codes 1000–1450 through `ErrorCode`, HTTP
 * statuses otherwise, transport failures and timeouts as `ProviderUnavailable`. Secrets never appear in errors.
 *
 * Configuration (`layerConfig`):
 *
 * | variable | meaning |
 * |---|---|
 * | `VONAGE_MESSAGES_MODE` | `vonage-basic`, `vonage-jwt` or `kpn` (default `vonage-basic`) |
 * | `VONAGE_MESSAGES_BASE_URL` | override the base URL (default per mode) |
 * | `VONAGE_API_KEY`, `VONAGE_API_SECRET` | `vonage-basic` |
 * | `VONAGE_APPLICATION_ID`, `VONAGE_PRIVATE_KEY` | `vonage-jwt` (the PEM private key) |
 * | `KPN_CLIENT_ID`, `KPN_CLIENT_SECRET`, `KPN_TOKEN_URL` | `kpn` (see `OAuthClientCredentials.layerConfig`) |
 * | `KPN_MESSAGES_APPLICATION_ID` | `kpn`: the Vonage application id sent as `ApplicationId` |
 *
 * @example
 * ```ts
 * import { VonageMessagesClient } from "@switchboard/vonage-messages"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const Vonage = VonageMessagesClient.layer({
 *   mode: "vonage-basic",
 *   apiKey: "abcd1234",
 *   apiSecret: Redacted.make("my-api-secret")
 * }).pipe(Layer.provide(NodeHttpClient.layerUndici))
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* VonageMessagesClient.VonageMessagesClient
 *   const { messageUuid } = yield* client.send({
 *     channel: "whatsapp",
 *     from: "447700900001",
 *     to: "447700900000",
 *     payload: { type: "text", text: "Your parcel arrives today" }
 *   })
 *   return messageUuid
 * }).pipe(Effect.provide(Vonage))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { ApplicationJwt, OAuthClientCredentials } from "@switchboard/auth"
import {
  type ChannelError,
  ChannelError as ChannelErrorSchema,
  isChannelError,
  ProviderUnavailable
} from "@switchboard/core/ChannelError"
import type { ContentKind } from "@switchboard/core/Content"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Errors from "./internal/errors.js"
import * as Timeout from "@switchboard/core/Timeout"
import * as Wire from "./internal/wire.js"

/**
 * The two request shapes: `v1` (Vonage direct) and `v0.1` (through KPN).
 *
 * @since 0.1.0
 * @category models
 */
export type Api = "v1" | "v0.1"

/**
 * The channels of the Messages API, by Switchboard's names (`viber` is Vonage's `viber_service` in v1 and
 * `viber_service_msg` in v0.1).
 *
 * @since 0.1.0
 * @category models
 */
export type MessagesChannel = "whatsapp" | "viber" | "messenger" | "sms" | "mms"

/**
 * The Switchboard channel id of a Messages API channel: the id channels report errors, receipts and webhook
 * events under.
 *
 * @since 0.1.0
 * @category models
 */
export const channelId = (channel: MessagesChannel): string => {
  switch (channel) {
    case "whatsapp":
    case "viber":
    case "messenger":
      return channel
    case "sms":
      return "sms.vonage-messages"
    case "mms":
      return "mms.vonage-messages"
  }
}

/**
 * What to send, independent of the API shape.
 *
 * @since 0.1.0
 * @category models
 */
export type Payload =
  | { readonly type: "text"; readonly text: string }
  | {
    readonly type: "image" | "audio" | "video" | "file"
    readonly url: string
    readonly caption?: string | undefined
    readonly name?: string | undefined
  }
  | {
    readonly type: "template"
    readonly name: string
    readonly parameters: ReadonlyArray<string>
  }
  | { readonly type: "custom"; readonly custom: Readonly<Record<string, unknown>> }

/**
 * One message for the Messages API, independent of the API shape. `from` and `to` are the channel's addresses
 * without a leading `+` (a phone number, a Viber service id, a Messenger page id or PSID).
 *
 * @since 0.1.0
 * @category models
 */
export interface SendRequest {
  readonly channel: MessagesChannel
  readonly from: string
  readonly to: string
  readonly payload: Payload
  /** Echoed back in every status webhook (v1 up to 100 characters, v0.1 up to 40). */
  readonly clientRef?: string | undefined
  /** WhatsApp template options. */
  readonly whatsapp?: { readonly policy?: "deterministic" | undefined; readonly locale: string } | undefined
  /** Viber Service Messages options; `ttl` in seconds (30–259200). */
  readonly viber?: {
    readonly category?: "transaction" | "promotion" | undefined
    readonly ttl?: number | undefined
    readonly type?: string | undefined
  } | undefined
  /** Facebook Messenger options; `tag` is required with `category: "message_tag"`. */
  readonly messenger?: {
    readonly category?: "response" | "update" | "message_tag" | undefined
    readonly tag?: string | undefined
  } | undefined
}

/**
 * What the Messages API answered when it accepted a message.
 *
 * @since 0.1.0
 * @category models
 */
export interface Accepted {
  readonly messageUuid: string
  readonly workflowId?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The shape this client speaks. */
  readonly api: Api
  /** Sends one message; fails only with `ChannelError`s, reported under `channelId(request.channel)`. */
  readonly send: (request: SendRequest) => Effect.Effect<Accepted, ChannelError>
  /** The JSON body `send` would post for a request. */
  readonly render: (request: SendRequest) => unknown
}

/**
 * @since 0.1.0
 * @category tags
 */
export class VonageMessagesClient extends Context.Tag("@switchboard/vonage-messages/VonageMessagesClient")<
  VonageMessagesClient,
  Service
>() {}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultVonageBaseUrl = "https://api.nexmo.com"

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultKpnBaseUrl = "https://api-prd.kpn.com/communication/nexmo"

/**
 * The request timeout used when none is configured.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

interface CommonOptions {
  /** The base URL, without the `/v1/messages` or `/v0.1/messages` path. */
  readonly baseUrl?: string | undefined
  /** How long one request may take before it fails with `ProviderUnavailable`. Default 30 s. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * v1 with HTTP Basic authentication.
 *
 * @since 0.1.0
 * @category models
 */
export interface VonageBasicOptions extends CommonOptions {
  readonly mode: "vonage-basic"
  readonly apiKey: string
  readonly apiSecret: Redacted.Redacted<string>
}

/**
 * v1 with an application JWT (requires `ApplicationJwt` from `@switchboard/auth`).
 *
 * @since 0.1.0
 * @category models
 */
export interface VonageJwtOptions extends CommonOptions {
  readonly mode: "vonage-jwt"
}

/**
 * v0.1 through KPN's API Store (requires `OAuthClientCredentials` from `@switchboard/auth`).
 *
 * @since 0.1.0
 * @category models
 */
export interface KpnOptions extends CommonOptions {
  readonly mode: "kpn"
  /** The Vonage application id, sent in the `ApplicationId` header. */
  readonly applicationId?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Options = VonageBasicOptions | VonageJwtOptions | KpnOptions

/**
 * The shape a mode speaks.
 *
 * @since 0.1.0
 * @category models
 */
export const apiOf = (mode: Options["mode"]): Api => mode === "kpn" ? "v0.1" : "v1"

// ---------------------------------------------------------------------------------------------------------
// rendering
// ---------------------------------------------------------------------------------------------------------

const v1Channel: Record<MessagesChannel, string> = {
  whatsapp: "whatsapp",
  viber: "viber_service",
  messenger: "messenger",
  sms: "sms",
  mms: "mms"
}

const v01Type: Record<MessagesChannel, string> = {
  whatsapp: "whatsapp",
  viber: "viber_service_msg",
  messenger: "messenger",
  sms: "sms",
  mms: "mms"
}

const media = (payload: Extract<Payload, { readonly url: string }>) => ({
  url: payload.url,
  ...(payload.caption === undefined ? {} : { caption: payload.caption }),
  ...(payload.name === undefined ? {} : { name: payload.name })
})

const encodeV1 = Schema.encodeSync(Wire.V1Request)
const encodeV01 = Schema.encodeSync(Wire.V01Request)

/** WhatsApp's per-message options, as both shapes carry them. */
const whatsappOptions = (options: NonNullable<SendRequest["whatsapp"]>) => ({
  locale: options.locale,
  ...(options.policy === undefined ? {} : { policy: options.policy })
})

/** Viber's per-message options, as both shapes carry them. */
const viberOptions = (options: NonNullable<SendRequest["viber"]>) => ({
  ...(options.category === undefined ? {} : { category: options.category }),
  ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
  ...(options.type === undefined ? {} : { type: options.type })
})

/** Messenger's per-message options, as both shapes carry them. */
const messengerOptions = (options: NonNullable<SendRequest["messenger"]>) => ({
  ...(options.category === undefined ? {} : { category: options.category }),
  ...(options.tag === undefined ? {} : { tag: options.tag })
})

/**
 * The v1 body for a request.
 *
 * @since 0.1.0
 * @category rendering
 */
export const toV1Body = (request: SendRequest): unknown => {
  const payload = request.payload
  const content: Partial<Wire.V1Request> = payload.type === "text"
    ? { text: payload.text }
    : payload.type === "template"
    ? { template: { name: payload.name, parameters: payload.parameters } }
    : payload.type === "custom"
    ? { custom: payload.custom }
    : { [payload.type]: media(payload) }
  return encodeV1({
    messageType: payload.type,
    channel: v1Channel[request.channel],
    to: request.to,
    from: request.from,
    ...(request.clientRef === undefined ? {} : { clientRef: request.clientRef }),
    ...content,
    ...(request.whatsapp === undefined ? {} : {
      whatsapp: whatsappOptions(request.whatsapp)
    }),
    ...(request.viber === undefined ? {} : {
      viberService: viberOptions(request.viber)
    }),
    ...(request.messenger === undefined ? {} : {
      messenger: messengerOptions(request.messenger)
    })
  })
}

const v01Endpoint = (channel: MessagesChannel, side: "from" | "to", address: string) => {
  const byId = channel === "messenger" || (channel === "viber" && side === "from")
  return byId ? { type: v01Type[channel], id: address } : { type: v01Type[channel], number: address }
}

/**
 * The v0.1 body for a request. WhatsApp template parameters are sent as `{"default": "…"}` objects, as the KPN
 * guide shows; every other channel's as strings.
 *
 * @since 0.1.0
 * @category rendering
 */
export const toV01Body = (request: SendRequest): unknown => {
  const payload = request.payload
  const content: Wire.V01Request["message"]["content"] = payload.type === "text"
    ? { type: "text", text: payload.text }
    : payload.type === "template"
    ? {
      type: "template",
      template: {
        name: payload.name,
        parameters: request.channel === "whatsapp"
          ? payload.parameters.map((parameter) => ({ default: parameter }))
          : payload.parameters
      }
    }
    : payload.type === "custom"
    ? { type: "custom", custom: payload.custom }
    : { type: payload.type, [payload.type]: media(payload) }
  return encodeV01({
    from: v01Endpoint(request.channel, "from", request.from),
    to: v01Endpoint(request.channel, "to", request.to),
    message: {
      content,
      ...(request.whatsapp === undefined ? {} : {
        whatsapp: whatsappOptions(request.whatsapp)
      }),
      ...(request.viber === undefined ? {} : {
        viberServiceMsg: viberOptions(request.viber)
      }),
      ...(request.messenger === undefined ? {} : {
        messenger: messengerOptions(request.messenger)
      })
    },
    ...(request.clientRef === undefined ? {} : { clientRef: request.clientRef })
  })
}

// ---------------------------------------------------------------------------------------------------------
// sending
// ---------------------------------------------------------------------------------------------------------

const contentKind = (payload: Payload): ContentKind => {
  switch (payload.type) {
    case "text":
      return "Text"
    case "image":
      return "Image"
    case "audio":
      return "Audio"
    case "video":
      return "Video"
    case "file":
      return "File"
    case "template":
      return "Template"
    case "custom":
      return "Custom"
  }
}

const decodeAccepted = Schema.decodeUnknownOption(Wire.Accepted)

const encodeError = Schema.encodeSync(ChannelErrorSchema)
const decodeError = Schema.decodeSync(ChannelErrorSchema)

/** The same error, reported under another channel id (an auth middleware reports under its own). */
const rechannel = (error: ChannelError, channel: string): ChannelError =>
  error.channel === channel ? error : decodeError({ ...encodeError(error), channel })

const trimSlash = (url: string): string => url.replace(/\/+$/, "")

/**
 * Builds a client from an already-authenticated `HttpClient`: the low-level constructor behind `make`, for
 * transports this package does not know (a proxy that adds its own credentials, for example).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHttpClient = (options: {
  readonly api: Api
  readonly url: string
  readonly client: HttpClient.HttpClient.With<unknown>
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly timeout?: Duration.DurationInput | undefined
}): Service => {
  const render = options.api === "v1" ? toV1Body : toV01Body
  const timeout = Duration.decode(options.timeout ?? defaultTimeout)
  // the request line and headers of every send, built once
  const baseRequest = options.headers === undefined
    ? HttpClientRequest.post(options.url).pipe(HttpClientRequest.acceptJson)
    : HttpClientRequest.post(options.url).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.setHeaders(options.headers)
    )

  const unreachable = (channel: string, cause: unknown): ChannelError =>
    isChannelError(cause)
      ? rechannel(cause, channel)
      : new ProviderUnavailable({
        channel,
        message: `could not reach the Messages API for ${channel}: ${
          typeof cause === "object" && cause !== null && "_tag" in cause ? String(cause._tag) : "transport failure"
        }`
      })

  const readAccepted = (
    channel: string,
    response: HttpClientResponse.HttpClientResponse
  ): Effect.Effect<Accepted, ChannelError> =>
    Effect.flatMap(
      Effect.orElseSucceed(response.text, () => ""),
      (text) => {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        return Option.match(decodeAccepted(json), {
          onNone: () =>
            Effect.fail(
              new ProviderUnavailable({
                channel,
                status: response.status,
                message:
                  `the Messages API answered HTTP ${response.status} for ${channel} without a message_uuid; the message may or may not have been accepted`
              })
            ),
          onSome: (accepted) =>
            Effect.succeed<Accepted>(
              accepted.workflowId === undefined
                ? { messageUuid: accepted.messageUuid }
                : { messageUuid: accepted.messageUuid, workflowId: accepted.workflowId }
            )
        })
      }
    )

  const send = (request: SendRequest): Effect.Effect<Accepted, ChannelError> => {
    const channel = channelId(request.channel)
    return Effect.gen(function*() {
      const body = render(request)
      const httpRequest = HttpClientRequest.bodyUnsafeJson(baseRequest, body)
      const response = yield* Timeout.timeoutFail(options.client.execute(httpRequest), timeout, () =>
        new ProviderUnavailable({
          channel,
          message: `the Messages API did not answer within ${Duration.format(timeout)} for ${channel}`
        })).pipe(Effect.mapError((cause) => unreachable(channel, cause)))
      if (response.status >= 200 && response.status < 300) return yield* readAccepted(channel, response)
      const bodyText = yield* Effect.orElseSucceed(response.text, () => "")
      const nowMillis = yield* Clock.currentTimeMillis
      return yield* Effect.fail(Errors.fromResponse({
        channel,
        content: contentKind(request.payload),
        status: response.status,
        bodyText,
        retryAfter: response.headers["retry-after"],
        nowMillis
      }))
    }).pipe(
      Effect.withSpan("VonageMessagesClient.send", {
        captureStackTrace: false,
        attributes: { "messages.api": options.api, "messages.channel": request.channel, "messages.type": request.payload.type }
      })
    )
  }

  return { api: options.api, send, render }
}

/**
 * Builds a client. `vonage-basic` needs only an `HttpClient`; `vonage-jwt` also `ApplicationJwt`; `kpn` also
 * `OAuthClientCredentials`.
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(options: VonageBasicOptions): Effect.Effect<Service, never, HttpClient.HttpClient>
export function make(
  options: VonageJwtOptions
): Effect.Effect<Service, never, HttpClient.HttpClient | ApplicationJwt.ApplicationJwt>
export function make(
  options: KpnOptions
): Effect.Effect<Service, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
export function make(
  options: Options
): Effect.Effect<
  Service,
  never,
  HttpClient.HttpClient | ApplicationJwt.ApplicationJwt | OAuthClientCredentials.OAuthClientCredentials
>
export function make(
  options: Options
): Effect.Effect<
  Service,
  never,
  HttpClient.HttpClient | ApplicationJwt.ApplicationJwt | OAuthClientCredentials.OAuthClientCredentials
> {
  return Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const api = apiOf(options.mode)
    const base = trimSlash(options.baseUrl ?? (options.mode === "kpn" ? defaultKpnBaseUrl : defaultVonageBaseUrl))
    const url = `${base}${api === "v1" ? "/v1/messages" : "/v0.1/messages"}`
    const timeout = options.timeout
    switch (options.mode) {
      case "vonage-basic":
        return fromHttpClient({
          api,
          url,
          timeout,
          client: HttpClient.mapRequest(
            http,
            HttpClientRequest.basicAuth(options.apiKey, options.apiSecret)
          )
        })
      case "vonage-jwt": {
        const jwt = yield* ApplicationJwt.ApplicationJwt
        return fromHttpClient({
          api,
          url,
          timeout,
          client: jwt.withBearer(http)
        })
      }
      case "kpn": {
        const oauth = yield* OAuthClientCredentials.OAuthClientCredentials
        return fromHttpClient({
          api,
          url,
          timeout,
          client: oauth.withBearer(http),
          headers: options.applicationId === undefined ? undefined : { applicationid: options.applicationId }
        })
      }
    }
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export function layer(options: VonageBasicOptions): Layer.Layer<VonageMessagesClient, never, HttpClient.HttpClient>
export function layer(
  options: VonageJwtOptions
): Layer.Layer<VonageMessagesClient, never, HttpClient.HttpClient | ApplicationJwt.ApplicationJwt>
export function layer(
  options: KpnOptions
): Layer.Layer<VonageMessagesClient, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
export function layer(
  options: Options
): Layer.Layer<
  VonageMessagesClient,
  never,
  HttpClient.HttpClient | ApplicationJwt.ApplicationJwt | OAuthClientCredentials.OAuthClientCredentials
>
export function layer(
  options: Options
): Layer.Layer<
  VonageMessagesClient,
  never,
  HttpClient.HttpClient | ApplicationJwt.ApplicationJwt | OAuthClientCredentials.OAuthClientCredentials
> {
  return Layer.effect(VonageMessagesClient, make(options))
}

/**
 * The mode and base URL from the environment (see the module's table).
 *
 * @since 0.1.0
 * @category config
 */
export const config = Config.all({
  mode: Config.literal("vonage-basic", "vonage-jwt", "kpn")("VONAGE_MESSAGES_MODE").pipe(
    Config.withDefault("vonage-basic" as const)
  ),
  baseUrl: Config.option(Config.string("VONAGE_MESSAGES_BASE_URL"))
})

/**
 * A client configured from the environment (see the module's table). Builds the `ApplicationJwt` or
 * `OAuthClientCredentials` it needs from their own `layerConfig`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<
  VonageMessagesClient,
  ConfigError.ConfigError | ApplicationJwt.InvalidPrivateKey,
  HttpClient.HttpClient
> = Layer
  .unwrapEffect(
    Effect.gen(function*() {
      const { baseUrl: baseUrlOption, mode } = yield* config
      const baseUrl = Option.getOrUndefined(baseUrlOption)
      switch (mode) {
        case "vonage-basic": {
          const apiKey = yield* Config.string("VONAGE_API_KEY")
          const apiSecret = yield* Config.redacted("VONAGE_API_SECRET")
          return layer({ mode, apiKey, apiSecret, baseUrl })
        }
        case "vonage-jwt":
          return layer({ mode, baseUrl }).pipe(Layer.provide(ApplicationJwt.layerConfig))
        case "kpn": {
          const applicationId = Option.getOrUndefined(
            yield* Config.option(Config.string("KPN_MESSAGES_APPLICATION_ID"))
          )
          return layer({ mode, baseUrl, applicationId }).pipe(Layer.provide(OAuthClientCredentials.layerConfig))
        }
      }
    })
  )
