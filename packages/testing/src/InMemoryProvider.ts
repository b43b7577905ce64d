/**
 * The reference provider, in memory: it implements the HTTP API `InMemoryClient` speaks as a
 * `MockHttpClient` handler, so a channel under test talks HTTP to something that behaves like a provider
 * without a network. It checks the Bearer API key, decodes requests with the same Schemas, assigns message
 * ids (one per SMS-sized part), answers repeated `Idempotency-Key`s with their first answer, and records
 * every accepted message (`sent`).
 *
 * Tests steer it: `fail` makes it answer with a failure (429 with `Retry-After`, 5xx, 401, 402, 403, 400, a
 * dropped connection, no answer) for all or some recipients, a number of times or until `recover`; `report`
 * emits status updates for a sent message through its signed webhook (the `StatusUpdate`s come out of
 * `InMemoryWebhook.parser`, and are published on `statusUpdates`); `callbacks` gives the signed webhook
 * requests themselves, for tests of an HTTP webhook endpoint.
 *
 * @example
 * ```ts
 * import { InMemoryProvider, MockHttpClient } from "@switchboard/testing"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const provider = yield* InMemoryProvider.make({ apiKey: Redacted.make("test-api-key-0001") })
 *   const http = yield* MockHttpClient.make(provider.handler)
 *   // ... build a channel on http.client and send ...
 *   yield* provider.fail(InMemoryProvider.rateLimited(30), { times: 1 }) // the next send gets a 429
 *   const sent = yield* provider.sent
 *   // yield* provider.report(sent[0]!.messageId, "delivered")
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Content, type Status, type Webhook } from "@switchboard/core"
import type * as Arr from "effect/Array"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as PubSub from "effect/PubSub"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as InMemoryClient from "./InMemoryClient.js"
import * as InMemoryWebhook from "./InMemoryWebhook.js"
import * as MockHttpClient from "./MockHttpClient.js"

/**
 * The base URL the fixtures use (any URL works: the provider answers by path).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.inmemory.test"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The API key the provider accepts as a Bearer token. */
  readonly apiKey: Redacted.Redacted | string
  /** The channel id stamped on status updates; `sms.inmemory` by default. */
  readonly channel?: string | undefined
  /** The secret status callbacks are signed with. */
  readonly webhookSecret?: Redacted.Redacted | undefined
  /** Where status callbacks are addressed (only the `Webhook.Request`s carry it). */
  readonly webhookUrl?: string | undefined
  /** The prefix of the message ids it assigns; `im-` by default. */
  readonly idPrefix?: string | undefined
  /** The price per part it reports, as a decimal string, in EUR; none by default. */
  readonly pricePerPart?: string | undefined
}

/**
 * A message the provider accepted.
 *
 * @since 0.1.0
 * @category models
 */
export interface SentMessage {
  /** The ids it assigned, one per part. */
  readonly providerMessageIds: Arr.NonEmptyReadonlyArray<string>
  /** The client reference, which the reference channel sets to the message id. */
  readonly messageId: string
  readonly to: string
  readonly from: string | undefined
  readonly content: Content.Outbound
  readonly ttl: Duration.Duration | undefined
  readonly parts: number
  readonly acceptedAt: DateTime.Utc
}

/**
 * How the provider can fail.
 *
 * @since 0.1.0
 * @category models
 */
export type Failure =
  | { readonly _tag: "RateLimited"; readonly retryAfterSeconds: number }
  | { readonly _tag: "Unavailable"; readonly status: number }
  | { readonly _tag: "Unauthorized" }
  | { readonly _tag: "InsufficientCredit" }
  | { readonly _tag: "BlockedRecipient" }
  | { readonly _tag: "InvalidRecipient" }
  | { readonly _tag: "TransportError" }
  | { readonly _tag: "Hang" }

/**
 * HTTP 429 with `Retry-After: <seconds>`.
 *
 * @since 0.1.0
 * @category failures
 */
export const rateLimited = (retryAfterSeconds: number): Failure => ({ _tag: "RateLimited", retryAfterSeconds })

/**
 * An HTTP 5xx (503 by default).
 *
 * @since 0.1.0
 * @category failures
 */
export const unavailable = (status = 503): Failure => ({ _tag: "Unavailable", status })

/**
 * HTTP 401.
 *
 * @since 0.1.0
 * @category failures
 */
export const unauthorized: Failure = { _tag: "Unauthorized" }

/**
 * HTTP 402 `insufficient_credit`.
 *
 * @since 0.1.0
 * @category failures
 */
export const insufficientCredit: Failure = { _tag: "InsufficientCredit" }

/**
 * HTTP 403 `blocked_recipient`.
 *
 * @since 0.1.0
 * @category failures
 */
export const blockedRecipient: Failure = { _tag: "BlockedRecipient" }

/**
 * HTTP 400 `invalid_recipient`.
 *
 * @since 0.1.0
 * @category failures
 */
export const invalidRecipient: Failure = { _tag: "InvalidRecipient" }

/**
 * A dropped connection.
 *
 * @since 0.1.0
 * @category failures
 */
export const transportError: Failure = { _tag: "TransportError" }

/**
 * No answer, ever.
 *
 * @since 0.1.0
 * @category failures
 */
export const hang: Failure = { _tag: "Hang" }

/**
 * `report` was asked about a message the provider never accepted.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoSuchMessage extends Schema.TaggedError<NoSuchMessage>(
  "@switchboard/testing/InMemoryProvider/NoSuchMessage"
)("NoSuchMessage", { id: Schema.String, message: Schema.String }) {}

/**
 * Options of a reported status.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportOptions {
  /** When it happened; now by default. */
  readonly at?: DateTime.Utc | undefined
  /** The provider's error code, for failure states. */
  readonly code?: string | undefined
  readonly text?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Answers the provider's HTTP API; give it to `MockHttpClient.make` / `MockHttpClient.layer`. */
  readonly handler: MockHttpClient.Handler
  /** Every accepted message, oldest first. */
  readonly sent: Effect.Effect<ReadonlyArray<SentMessage>>
  /**
   * Makes the provider fail: for recipient `to` only (every recipient by default), `times` times (until
   * `recover` by default). The most recent matching rule applies.
   */
  readonly fail: (
    failure: Failure,
    options?: { readonly to?: string | undefined; readonly times?: number | undefined }
  ) => Effect.Effect<void>
  /** Forgets every failure rule. */
  readonly recover: Effect.Effect<void>
  /**
   * Reports a status for a sent message (by message id or any of its provider ids): one signed callback per
   * part, parsed by `InMemoryWebhook.parser`. The updates are returned, kept (`reported`) and published
   * (`statusUpdates`).
   */
  readonly report: (
    id: string,
    state: typeof InMemoryWebhook.CallbackStatus.Type,
    options?: ReportOptions
  ) => Effect.Effect<ReadonlyArray<Status.StatusUpdate>, NoSuchMessage>
  /** The signed callback requests `report` would parse, without parsing or publishing them. */
  readonly callbacks: (
    id: string,
    state: typeof InMemoryWebhook.CallbackStatus.Type,
    options?: ReportOptions
  ) => Effect.Effect<ReadonlyArray<Webhook.Request>, NoSuchMessage>
  /** Every update reported so far, oldest first. */
  readonly reported: Effect.Effect<ReadonlyArray<Status.StatusUpdate>>
  /** Updates reported from the moment the stream is run. */
  readonly statusUpdates: Stream.Stream<Status.StatusUpdate>
  /** The secret callbacks are signed with (give it to `InMemoryWebhook.parser`). */
  readonly webhookSecret: Redacted.Redacted
}

interface Rule {
  readonly failure: Failure
  readonly to: string | undefined
  readonly remaining: number | undefined
}

const errorReply = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  MockHttpClient.json(Schema.encodeSync(InMemoryClient.ErrorBody)({ error: { code, message } }), {
    status,
    headers
  })

const failureOutcome = (failure: Failure): MockHttpClient.Outcome => {
  switch (failure._tag) {
    case "RateLimited":
      return errorReply(429, "rate_limited", "too many requests", {
        "retry-after": String(failure.retryAfterSeconds)
      })
    case "Unavailable":
      return errorReply(failure.status, "internal_error", "the service is unavailable, try again later")
    case "Unauthorized":
      return errorReply(401, "unauthorized", "the API key is missing or wrong")
    case "InsufficientCredit":
      return errorReply(402, "insufficient_credit", "the account has no credit left")
    case "BlockedRecipient":
      return errorReply(403, "blocked_recipient", "the recipient does not accept messages from this account")
    case "InvalidRecipient":
      return errorReply(400, "invalid_recipient", "the recipient is not a valid address")
    case "TransportError":
      return MockHttpClient.transportError("connection reset by peer")
    case "Hang":
      return MockHttpClient.hang
  }
}

const fromWireContent = (content: InMemoryClient.WireContent): Either.Either<Content.Outbound, unknown> => {
  const encoded = (() => {
    switch (content.type) {
      case "text":
        return { _tag: "Text", text: content.text }
      case "image":
      case "audio":
      case "video":
        return {
          _tag: content.type === "image" ? "Image" : content.type === "audio" ? "Audio" : "Video",
          url: content.url,
          caption: content.caption
        }
      case "file":
        return { _tag: "File", url: content.url, caption: content.caption, name: content.name }
      case "template":
        return { _tag: "Template", name: content.name, parameters: content.parameters, locale: content.locale }
      case "custom":
        return { _tag: "Custom", payload: content.payload }
      case "binary":
        return { _tag: "Binary", body: content.bodyHex, udh: content.udhHex, protocolId: content.protocolId }
    }
  })()
  const defined = Object.fromEntries(Object.entries(encoded).filter(([, value]) => value !== undefined))
  return Schema.decodeUnknownEither(Content.Outbound)(defined)
}

/** Parts as an SMS gateway counts them for plain text: 160 characters in one, 153 per part beyond. */
const partsOf = (content: Content.Outbound): number =>
  content._tag === "Text" && content.text.length > 160 ? Math.ceil(content.text.length / 153) : 1

const decodeSend = Schema.decodeUnknownEither(Schema.parseJson(InMemoryClient.SendRequest))
const encodeSendResponse = Schema.encodeSync(InMemoryClient.SendResponse)

/**
 * Builds an in-memory provider.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const apiKey = Redacted.isRedacted(options.apiKey) ? options.apiKey : Redacted.make(options.apiKey)
    const webhookSecret = options.webhookSecret ?? Redacted.make("inmemory-webhook-secret")
    const webhookUrl = options.webhookUrl ?? "https://app.inmemory.test/webhooks/inmemory"
    const channel = options.channel ?? "sms.inmemory"
    const prefix = options.idPrefix ?? "im-"
    const parse = InMemoryWebhook.parser({ secret: webhookSecret, channel })

    const sentRef = yield* Ref.make<ReadonlyArray<SentMessage>>([])
    const rules = yield* Ref.make<ReadonlyArray<Rule>>([])
    const answered = yield* Ref.make<ReadonlyMap<string, MockHttpClient.Outcome>>(new Map())
    const counter = yield* Ref.make(0)
    const reportedRef = yield* Ref.make<ReadonlyArray<Status.StatusUpdate>>([])
    const pubsub = yield* PubSub.unbounded<Status.StatusUpdate>()

    const takeRule = (to: string) =>
      Ref.modify(rules, (all): [Failure | undefined, ReadonlyArray<Rule>] => {
        for (let i = all.length - 1; i >= 0; i--) {
          const rule = all[i]!
          if (rule.to !== undefined && rule.to !== to) continue
          if (rule.remaining === undefined) return [rule.failure, all]
          const next = rule.remaining <= 1
            ? [...all.slice(0, i), ...all.slice(i + 1)]
            : all.map((r, j) => (j === i ? { ...r, remaining: rule.remaining! - 1 } : r))
          return [rule.failure, next]
        }
        return [undefined, all]
      })

    const accept = (request: InMemoryClient.SendRequest, content: Content.Outbound) =>
      Effect.gen(function*() {
        const parts = partsOf(content)
        const first = yield* Ref.getAndUpdate(counter, (n) => n + parts)
        const ids = Array.from(
          { length: parts },
          (_, i) => `${prefix}${String(first + i + 1).padStart(6, "0")}`
        ) as unknown as Arr.NonEmptyReadonlyArray<string>
        const acceptedAt = yield* DateTime.now
        yield* Ref.update(sentRef, (all) => [...all, {
          providerMessageIds: ids,
          messageId: request.clientRef,
          to: request.to,
          from: request.from,
          content,
          ttl: request.ttlSeconds === undefined ? undefined : Duration.seconds(request.ttlSeconds),
          parts,
          acceptedAt
        }])
        const price = options.pricePerPart === undefined
          ? {}
          : { price: (Number(options.pricePerPart) * parts).toFixed(4), currency: "EUR" }
        return MockHttpClient.json(encodeSendResponse({ messageIds: ids, parts, acceptedAt, ...price }), {
          status: 201
        })
      })

    const handler: MockHttpClient.Handler = (request) =>
      Effect.gen(function*() {
        if (request.path !== "/v1/messages") {
          return errorReply(404, "not_found", `there is no ${request.path}`)
        }
        if (request.method !== "POST") {
          return errorReply(405, "method_not_allowed", `${request.path} takes POST`)
        }
        if (MockHttpClient.header(request, "authorization") !== `Bearer ${Redacted.value(apiKey)}`) {
          return errorReply(401, "unauthorized", "the API key is missing or wrong")
        }
        const decoded = decodeSend(request.body)
        if (Either.isLeft(decoded)) {
          return errorReply(400, "invalid_request", "the body is not a send request")
        }
        const body = decoded.right
        const failure = yield* takeRule(body.to)
        if (failure !== undefined) return failureOutcome(failure)
        const key = MockHttpClient.header(request, "idempotency-key")
        if (key !== undefined) {
          const previous = (yield* Ref.get(answered)).get(key)
          if (previous !== undefined) return previous
        }
        if (body.to.trim().length === 0) return errorReply(400, "invalid_recipient", "the recipient is empty")
        const content = fromWireContent(body.content)
        if (Either.isLeft(content)) {
          return errorReply(400, "unsupported_content", `the ${body.content.type} content is not valid`)
        }
        const reply = yield* accept(body, content.right)
        if (key !== undefined) yield* Ref.update(answered, (all) => new Map(all).set(key, reply))
        return reply
      })

    const callbacks: Service["callbacks"] = (id, state, reportOptions) =>
      Effect.gen(function*() {
        const sent = (yield* Ref.get(sentRef)).find((message) =>
          message.messageId === id || message.providerMessageIds.includes(id)
        )
        if (sent === undefined) {
          return yield* new NoSuchMessage({ id, message: `the provider never accepted a message "${id}"` })
        }
        const at = reportOptions?.at ?? (yield* DateTime.now)
        return sent.providerMessageIds.map((providerMessageId) =>
          InMemoryWebhook.callback(webhookSecret, webhookUrl, {
            messageId: providerMessageId,
            clientRef: sent.messageId,
            status: state,
            timestamp: DateTime.formatIso(at),
            to: sent.to,
            ...(reportOptions?.code === undefined ? {} : { errorCode: reportOptions.code }),
            ...(reportOptions?.text === undefined ? {} : { errorText: reportOptions.text })
          })
        )
      })

    const report: Service["report"] = (id, state, reportOptions) =>
      Effect.gen(function*() {
        const requests = yield* callbacks(id, state, reportOptions)
        const updates: Array<Status.StatusUpdate> = []
        for (const request of requests) {
          // the provider signed it with the same secret: a failure here is a bug in this module
          const parsed = yield* Effect.orDie(parse(request))
          for (const event of parsed) if (event._tag === "StatusUpdate") updates.push(event)
        }
        yield* Ref.update(reportedRef, (all) => [...all, ...updates])
        yield* PubSub.publishAll(pubsub, updates)
        return updates
      })

    return {
      handler,
      sent: Ref.get(sentRef),
      fail: (failure, failOptions) =>
        Ref.update(rules, (all) => [...all, { failure, to: failOptions?.to, remaining: failOptions?.times }]),
      recover: Ref.set(rules, []),
      report,
      callbacks,
      reported: Ref.get(reportedRef),
      statusUpdates: Stream.fromPubSub(pubsub),
      webhookSecret
    }
  })
