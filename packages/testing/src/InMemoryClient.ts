/**
 * The transport client of the reference provider: a small JSON-over-HTTP messaging API, the kind a custom
 * adapter talks to. It is the first half of the worked example for adapter authors (`InMemoryChannel` is the
 * second): it owns the wire format (Schemas with `fromKey` renames), authentication (a Bearer API key kept
 * `Redacted` until the request is built), the request timeout, and the translation of every transport
 * outcome into one typed `InMemoryClientError`, so no `HttpClientError` or `ParseError` leaves the module.
 *
 * The API:
 * - `POST {baseUrl}/v1/messages` with `Authorization: Bearer <api key>`, `Idempotency-Key: <message id>` and
 *   a JSON `SendRequest` (`to`, `from`, `client_ref`, `ttl_seconds`, `content` by `type`);
 * - `201` with a `SendResponse` (`message_ids` one per part, `parts`, `price`, `currency`, `accepted_at`);
 * - errors as `{ "error": { "code", "message" } }` with the HTTP status, `Retry-After` on `429`.
 *
 * `InMemoryProvider` implements the same API in memory, for tests.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { InMemoryClient } from "@switchboard/testing"
 * import { Config, Effect, Layer } from "effect"
 *
 * const ClientLive = InMemoryClient.layerConfig({
 *   baseUrl: Config.string("INMEMORY_BASE_URL"),
 *   apiKey: Config.redacted("INMEMORY_API_KEY")
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* InMemoryClient.InMemoryClient
 *   return yield* client.send({
 *     to: "+31612345678",
 *     clientRef: "order-1234",
 *     content: { type: "text", text: "Your parcel is on its way" }
 *   }, { idempotencyKey: "order-1234" })
 * }).pipe(Effect.provide(ClientLive))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
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
import { retryAfterMillis } from "./internal/retryAfter.js"

// ---------------------------------------------------------------------------------------------------------
// wire format
// ---------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category wire
 */
export const TextContent = Schema.Struct({ type: Schema.Literal("text"), text: Schema.String })

const media = <T extends "image" | "audio" | "video">(type: T) =>
  Schema.Struct({ type: Schema.Literal(type), url: Schema.String, caption: Schema.optional(Schema.String) })

/**
 * @since 0.1.0
 * @category wire
 */
export const ImageContent = media("image")

/**
 * @since 0.1.0
 * @category wire
 */
export const AudioContent = media("audio")

/**
 * @since 0.1.0
 * @category wire
 */
export const VideoContent = media("video")

/**
 * @since 0.1.0
 * @category wire
 */
export const FileContent = Schema.Struct({
  type: Schema.Literal("file"),
  url: Schema.String,
  caption: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category wire
 */
export const TemplateContent = Schema.Struct({
  type: Schema.Literal("template"),
  name: Schema.String,
  parameters: Schema.Array(Schema.String),
  locale: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category wire
 */
export const CustomContent = Schema.Struct({
  type: Schema.Literal("custom"),
  payload: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * @since 0.1.0
 * @category wire
 */
export const BinaryContent = Schema.Struct({
  type: Schema.Literal("binary"),
  bodyHex: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("body_hex")),
  udhHex: Schema.optional(Schema.String).pipe(Schema.fromKey("udh_hex")),
  protocolId: Schema.optional(Schema.Int).pipe(Schema.fromKey("protocol_id"))
})

/**
 * What a message carries, on the wire.
 *
 * @since 0.1.0
 * @category wire
 */
export const WireContent = Schema.Union(
  TextContent,
  ImageContent,
  AudioContent,
  VideoContent,
  FileContent,
  TemplateContent,
  CustomContent,
  BinaryContent
)

/**
 * @since 0.1.0
 * @category wire
 */
export type WireContent = typeof WireContent.Type

/**
 * The body of `POST /v1/messages`.
 *
 * @since 0.1.0
 * @category wire
 */
export const SendRequest = Schema.Struct({
  to: Schema.String,
  from: Schema.optional(Schema.String),
  clientRef: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("client_ref")),
  ttlSeconds: Schema.optional(Schema.Int).pipe(Schema.fromKey("ttl_seconds")),
  content: WireContent
})

/**
 * @since 0.1.0
 * @category wire
 */
export type SendRequest = typeof SendRequest.Type

/**
 * The `201` answer to `POST /v1/messages`.
 *
 * @since 0.1.0
 * @category wire
 */
export const SendResponse = Schema.Struct({
  messageIds: Schema.propertySignature(Schema.NonEmptyArray(Schema.String)).pipe(Schema.fromKey("message_ids")),
  parts: Schema.Int,
  price: Schema.optional(Schema.String),
  currency: Schema.optional(Schema.String),
  acceptedAt: Schema.propertySignature(Schema.DateTimeUtc).pipe(Schema.fromKey("accepted_at"))
})

/**
 * @since 0.1.0
 * @category wire
 */
export type SendResponse = typeof SendResponse.Type

/**
 * The body of every error answer.
 *
 * @since 0.1.0
 * @category wire
 */
export const ErrorBody = Schema.Struct({
  error: Schema.Struct({ code: Schema.String, message: Schema.String })
})

/**
 * @since 0.1.0
 * @category wire
 */
export type ErrorBody = typeof ErrorBody.Type

// ---------------------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------------------

/**
 * Everything that can go wrong talking to the provider, as data: `Transport` (no connection), `Timeout`
 * (no answer in time), `Status` (an error answer: `status`, the provider's `code` and `text`, and
 * `retryAfterMillis` from `Retry-After`), `Decode` (an answer the client cannot read). It never carries the
 * request, its headers or the API key.
 *
 * @since 0.1.0
 * @category errors
 */
export class InMemoryClientError extends Schema.TaggedError<InMemoryClientError>(
  "@switchboard/testing/InMemoryClient/InMemoryClientError"
)("InMemoryClientError", {
  reason: Schema.Literal("Transport", "Timeout", "Status", "Decode"),
  message: Schema.String,
  status: Schema.optional(Schema.Int),
  code: Schema.optional(Schema.String),
  text: Schema.optional(Schema.String),
  retryAfterMillis: Schema.optional(Schema.NonNegative)
}) {}

// ---------------------------------------------------------------------------------------------------------
// service
// ---------------------------------------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The API's base URL, without the `/v1/...` path (`https://api.example.com`). */
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted
  /** How long to wait for an answer; 30 seconds by default. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Sends one message. `idempotencyKey` (use the message id) makes the provider answer a repeated request
   * with its first answer instead of sending twice.
   */
  readonly send: (
    request: SendRequest,
    options?: { readonly idempotencyKey?: string | undefined }
  ) => Effect.Effect<SendResponse, InMemoryClientError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class InMemoryClient extends Context.Tag("@switchboard/testing/InMemoryClient")<InMemoryClient, Service>() {}

/**
 * The default request timeout.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

const decodeSendResponse = HttpClientResponse.schemaBodyJson(SendResponse)

const errorAnswer = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<never, InMemoryClientError> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const body = yield* Effect.option(
      Effect.flatMap(response.json, Schema.decodeUnknown(ErrorBody, { onExcessProperty: "ignore" }))
    )
    const retryAfter = retryAfterMillis(response.headers["retry-after"], now)
    const code = Option.map(body, (b) => b.error.code)
    const text = Option.map(body, (b) => b.error.message)
    return yield* new InMemoryClientError({
      reason: "Status",
      message: `the provider answered HTTP ${response.status}${Option.match(code, { onNone: () => "", onSome: (c) => ` (${c})` })}`,
      status: response.status,
      ...Option.match(code, { onNone: () => ({}), onSome: (c) => ({ code: c }) }),
      ...Option.match(text, { onNone: () => ({}), onSome: (t) => ({ text: t }) }),
      ...(retryAfter === undefined ? {} : { retryAfterMillis: retryAfter })
    })
  })

/**
 * Builds the client on the `HttpClient` it is given.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const timeout = Duration.decode(options.timeout ?? defaultTimeout)
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(options.baseUrl.replace(/\/+$/, "")),
          HttpClientRequest.bearerToken(options.apiKey),
          HttpClientRequest.acceptJson
        )
      )
    )

    const send: Service["send"] = (body, sendOptions) =>
      Effect.gen(function*() {
        const request = yield* HttpClientRequest.post("/v1/messages").pipe(
          sendOptions?.idempotencyKey === undefined
            ? (r) => r
            : HttpClientRequest.setHeader("idempotency-key", sendOptions.idempotencyKey),
          HttpClientRequest.schemaBodyJson(SendRequest)(body)
        )
        const response = yield* client.execute(request)
        if (response.status < 200 || response.status >= 300) return yield* errorAnswer(response)
        return yield* decodeSendResponse(response)
      }).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new InMemoryClientError({
              reason: "Timeout",
              message: `the provider did not answer within ${Duration.format(timeout)}`
            })
        }),
        Effect.catchTags({
          // the request and its headers stay here: only the kind of failure goes out
          RequestError: (error) =>
            Effect.fail(
              new InMemoryClientError({
                reason: error.reason === "Transport" ? "Transport" : "Decode",
                message: error.reason === "Transport"
                  ? "the provider could not be reached"
                  : `the request could not be built (${error.reason})`
              })
            ),
          ResponseError: (error) =>
            Effect.fail(
              new InMemoryClientError({
                reason: "Decode",
                status: error.response.status,
                message: `the provider's answer (HTTP ${error.response.status}) could not be read`
              })
            ),
          ParseError: () =>
            Effect.fail(
              new InMemoryClientError({
                reason: "Decode",
                message: "the provider's answer is not the expected JSON"
              })
            ),
          HttpBodyError: () =>
            Effect.fail(new InMemoryClientError({ reason: "Decode", message: "the request body could not be encoded" }))
        }),
        Effect.withSpan("InMemoryClient.send", { attributes: { "message.client_ref": body.clientRef } })
      )

    return { send }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<InMemoryClient, never, HttpClient.HttpClient> =>
  Layer.effect(InMemoryClient, make(options))

/**
 * The client configured from `Config`, the API key read with `Config.redacted`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<Options>
): Layer.Layer<InMemoryClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(InMemoryClient, Effect.flatMap(Config.unwrap(options), make))
