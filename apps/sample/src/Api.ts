/**
 * The gateway's HTTP API as an `@effect/platform` `HttpApi`: its endpoints, their schemas and errors. The
 * same definition serves the API (`Http`), documents it (`/openapi.json`, `/docs`) and derives the typed
 * client the CLI uses.
 *
 * @example
 * ```ts
 * import { HttpApiClient } from "@effect/platform"
 * import { Api } from "@switchboard/sample/Api"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* HttpApiClient.make(Api.Api, { baseUrl: "http://127.0.0.1:3000" })
 *   const { id } = yield* client.messages.send({
 *     payload: { to: "+31612345678", content: { type: "text", text: "Hello" } }
 *   })
 *   return yield* client.messages.get({ path: { id } })
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as OpenApi from "@effect/platform/OpenApi"
import * as MessageLog from "@switchboard/router/MessageLog"
import * as Outcome from "@switchboard/router/Outcome"
import * as Route from "@switchboard/router/Route"
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The request is wrong; `message` says how.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", { message: Schema.String }, HttpApiSchema.annotations({ status: 400 })) {}

/**
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { message: Schema.String }, HttpApiSchema.annotations({ status: 404 })) {}

/**
 * A webhook's signature is missing, forged or stale.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", { message: Schema.String }, HttpApiSchema.annotations({ status: 401 })) {}

/**
 * @since 0.1.0
 * @category errors
 */
export class MethodNotAllowed extends Schema.TaggedError<MethodNotAllowed>()("MethodNotAllowed", { message: Schema.String }, HttpApiSchema.annotations({ status: 405 })) {}

/**
 * The body is larger than `SWITCHBOARD_MAX_BODY_BYTES`.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", { message: Schema.String }, HttpApiSchema.annotations({ status: 413 })) {}

/**
 * Storage is unavailable; try again.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", { message: Schema.String }, HttpApiSchema.annotations({ status: 503 })) {}

// -----------------------------------------------------------------------------
// messages
// -----------------------------------------------------------------------------

/**
 * Who to send to: a phone number (E.164, or national with `country`), a Messenger PSID, a Viber id.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RecipientInput = Schema.Struct({
  phone: Schema.optional(Schema.String.annotations({ description: "E.164 (+31612345678), or national with `country`", examples: ["+31612345678"] })),
  country: Schema.optional(Schema.String.pipe(Schema.pattern(/^[A-Z]{2}$/)).annotations({ description: "ISO 3166 country of a national phone number" })),
  messengerId: Schema.optional(Schema.NonEmptyTrimmedString),
  viberId: Schema.optional(Schema.NonEmptyTrimmedString)
}).annotations({ identifier: "Recipient" })

const Url = Schema.String.pipe(Schema.pattern(/^https?:\/\/\S+$/i, { message: () => "expected an http(s) URL" }))

/**
 * What to send.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ContentInput = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text"), text: Schema.String.pipe(Schema.minLength(1, { message: () => "the text is empty" })) }),
  Schema.Struct({ type: Schema.Literal("image", "audio", "video"), url: Url, caption: Schema.optional(Schema.String) }),
  Schema.Struct({ type: Schema.Literal("file"), url: Url, caption: Schema.optional(Schema.String), name: Schema.optional(Schema.String) }),
  Schema.Struct({
    type: Schema.Literal("template"),
    name: Schema.NonEmptyTrimmedString,
    parameters: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
    locale: Schema.optional(Schema.String)
  })
).annotations({ identifier: "Content" })

/**
 * @since 0.1.0
 * @category schemas
 */
export type ContentInput = typeof ContentInput.Type

/**
 * `POST /messages`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SendRequest extends Schema.Class<SendRequest>("SendRequest")({
  to: Schema.Union(Schema.String, RecipientInput).annotations({
    description: "A phone number (E.164), or a recipient with several addresses"
  }),
  content: ContentInput,
  route: Schema.optional(
    Schema.Union(Schema.String, Route.Route).annotations({
      description: "The name of a configured route, or a route given inline; the default route when left out"
    })
  ),
  idempotencyKey: Schema.optional(
    Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({
      description: "Sending again with the same key sends nothing and answers with the first message's id (the Idempotency-Key header works too)"
    })
  ),
  sender: Schema.optional(Schema.NonEmptyTrimmedString),
  clientReference: Schema.optional(Schema.String.pipe(Schema.maxLength(100))),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  ttl: Schema.optional(Route.DurationFromInput)
}) {}

/**
 * `202 Accepted`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class SendAccepted extends Schema.Class<SendAccepted>("SendAccepted")({
  id: Schema.String,
  status: MessageLog.MessageStatus,
  /** True when the idempotency key had been used: nothing new was sent. */
  duplicate: Schema.Boolean,
  route: Schema.String,
  links: Schema.Struct({ self: Schema.String })
}) {}

/**
 * One event of a message's timeline.
 *
 * @since 0.1.0
 * @category schemas
 */
export class TimelineEntry extends Schema.Class<TimelineEntry>("TimelineEntry")({
  seq: Schema.Number,
  at: Schema.DateTimeUtc,
  kind: Schema.String,
  step: Schema.optional(Schema.Int),
  channel: Schema.optional(Schema.String),
  description: Schema.String,
  event: MessageLog.Event
}) {}

/**
 * `GET /messages/:id`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class MessageView extends Schema.Class<MessageView>("MessageView")({
  id: Schema.String,
  status: MessageLog.MessageStatus,
  route: Schema.optional(Schema.String),
  channel: Schema.optional(Schema.String),
  lateDelivery: Schema.Boolean,
  acceptedAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  outcome: Schema.optional(Outcome.Outcome),
  timeline: Schema.Array(TimelineEntry)
}) {}

/**
 * `GET /messages`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class MessagePage extends Schema.Class<MessagePage>("MessagePage")({
  items: Schema.Array(MessageLog.Summary),
  next: Schema.optional(Schema.String)
}) {}

/**
 * The list's filters and paging.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ListParams = Schema.Struct({
  status: Schema.optional(Schema.String.annotations({ description: "Comma-separated: pending, read, delivered, accepted, failed" })),
  channel: Schema.optional(Schema.String.annotations({ description: "The channel that succeeded" })),
  since: Schema.optional(Schema.DateTimeUtc.annotations({ description: "Accepted at or after (ISO 8601)" })),
  before: Schema.optional(Schema.DateTimeUtc.annotations({ description: "Accepted before (ISO 8601)" })),
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 500))),
  cursor: Schema.optional(Schema.String.annotations({ description: "`next` of the previous page" }))
})

/**
 * `GET /health`.
 *
 * @since 0.1.0
 * @category schemas
 */
export class Health extends Schema.Class<Health>("Health")({
  status: Schema.Literal("ok"),
  providers: Schema.Literal("simulator", "live"),
  storage: Schema.String,
  channels: Schema.Array(Schema.String),
  missingChannels: Schema.Array(Schema.Struct({ channel: Schema.String, reason: Schema.String })),
  routes: Schema.Array(Schema.String),
  defaultRoute: Schema.String,
  simulatorUrl: Schema.optional(Schema.String),
  publicUrl: Schema.String,
  uptimeSeconds: Schema.Number
}) {}

const idParam = HttpApiSchema.param("id", Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9._:-]{1,64}$/, { message: () => "a message id is 1 to 64 letters, digits, '.', '_', ':' or '-'" })))

/**
 * @since 0.1.0
 * @category groups
 */
export class MessagesGroup extends HttpApiGroup.make("messages")
  .add(
    HttpApiEndpoint.post("send", "/messages")
      .setPayload(SendRequest)
      .setHeaders(Schema.Struct({ "idempotency-key": Schema.optional(Schema.String) }))
      .addSuccess(SendAccepted, { status: 202 })
      .addError(BadRequest)
      .addError(PayloadTooLarge)
      .annotate(OpenApi.Summary, "Send a message along a route")
  )
  .add(
    HttpApiEndpoint.get("get")`/messages/${idParam}`
      .addSuccess(MessageView)
      .addError(NotFound)
      .annotate(OpenApi.Summary, "A message's outcome and timeline")
  )
  .add(
    HttpApiEndpoint.get("list", "/messages")
      .setUrlParams(ListParams)
      .addSuccess(MessagePage)
      .addError(BadRequest)
      .annotate(OpenApi.Summary, "Messages, newest first")
  )
  .addError(ServiceUnavailable)
  .annotate(OpenApi.Title, "Messages")
{}

/**
 * @since 0.1.0
 * @category groups
 */
export class SystemGroup extends HttpApiGroup.make("system")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(Health).annotate(OpenApi.Summary, "Liveness and configuration"))
  .add(
    HttpApiEndpoint.get("metrics", "/metrics")
      .addSuccess(HttpApiSchema.Text({ contentType: "text/plain; version=0.0.4; charset=utf-8" }))
      .annotate(OpenApi.Summary, "Metrics in the Prometheus text format")
  )
  .annotate(OpenApi.Title, "System")
{}

const webhook = <Name extends string, Method extends "POST" | "GET">(
  name: Name,
  method: Method,
  path: HttpApiEndpoint.PathSegment,
  summary: string
) =>
  (method === "POST" ? HttpApiEndpoint.post(name, path) : HttpApiEndpoint.get(name, path))
    .addSuccess(HttpApiSchema.Text())
    .addError(BadRequest)
    .addError(Unauthorized)
    .addError(MethodNotAllowed)
    .addError(PayloadTooLarge)
    .addError(ServiceUnavailable)
    .annotate(OpenApi.Summary, summary) as HttpApiEndpoint.HttpApiEndpoint<
      Name,
      Method,
      never,
      never,
      never,
      never,
      string,
      BadRequest | Unauthorized | MethodNotAllowed | PayloadTooLarge | ServiceUnavailable
    >

/**
 * The provider webhooks: each verifies the request (signature), parses it with the adapter's parser and feeds
 * the router. The body is read raw (signatures cover the exact bytes), so it is not described here.
 *
 * @since 0.1.0
 * @category groups
 */
export class WebhooksGroup extends HttpApiGroup.make("webhooks")
  .add(webhook("vonageSmsDlr", "POST", "/webhooks/vonage/sms/dlr", "Vonage SMS delivery receipt (form or JSON)"))
  .add(webhook("vonageSmsDlrGet", "GET", "/webhooks/vonage/sms/dlr", "Vonage SMS delivery receipt (query string)"))
  .add(webhook("vonageSmsInbound", "POST", "/webhooks/vonage/sms/inbound", "Vonage inbound SMS (form or JSON)"))
  .add(webhook("vonageSmsInboundGet", "GET", "/webhooks/vonage/sms/inbound", "Vonage inbound SMS (query string)"))
  .add(webhook("vonageMessagesStatus", "POST", "/webhooks/vonage/messages/status", "Vonage Messages API status"))
  .add(webhook("vonageMessagesInbound", "POST", "/webhooks/vonage/messages/inbound", "Vonage Messages API inbound message"))
  .add(webhook("kpnSmsDlr", "POST", "/webhooks/kpn/sms/dlr", "KPN SMS delivery report"))
  .add(webhook("kpnSmsInbound", "POST", "/webhooks/kpn/sms/inbound", "KPN inbound SMS"))
  .annotate(OpenApi.Title, "Provider webhooks")
{}

/**
 * The whole API.
 *
 * @since 0.1.0
 * @category api
 */
export class Api extends HttpApi.make("switchboard")
  .add(MessagesGroup)
  .add(SystemGroup)
  .add(WebhooksGroup)
  .annotate(OpenApi.Title, "Switchboard gateway")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "Send messages over WhatsApp, Viber and SMS with fallback, follow their timelines, and receive provider webhooks."
  )
{}
