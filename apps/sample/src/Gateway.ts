/**
 * The gateway: what the HTTP API, the webhooks and the dashboard do, over the router, its message log, the
 * named routes and the providers. `make` wires it from services; `Server` builds those from configuration.
 *
 * @example
 * ```ts
 * import { Gateway } from "@switchboard/sample/Gateway"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const gateway = yield* Gateway.Gateway
 *   const accepted = yield* gateway.send({ to: "+31612345678", content: { type: "text", text: "Hi" } })
 *   return yield* gateway.message(accepted.id)
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import type * as Webhook from "@switchboard/core/Webhook"
import * as WebhookHttp from "@switchboard/core/WebhookHttp"
import * as MessageLog from "@switchboard/router/MessageLog"
import type * as Route from "@switchboard/router/Route"
import type * as Router from "@switchboard/router/Router"
import { ConversationWindow } from "@switchboard/whatsapp"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as crypto from "node:crypto"
import * as Api from "./Api.js"
import * as Metrics from "./Metrics.js"
import type * as Providers from "./Providers.js"

/**
 * What a send asks for (the decoded `POST /messages` body).
 *
 * @since 0.1.0
 * @category models
 */
export type SendInput = Omit<ConstructorParameters<typeof Api.SendRequest>[0], never>

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly send: (
    input: SendInput,
    options?: { readonly idempotencyKey?: string | undefined }
  ) => Effect.Effect<Api.SendAccepted, Api.BadRequest | Api.ServiceUnavailable>
  readonly message: (id: string) => Effect.Effect<Api.MessageView, Api.NotFound | Api.ServiceUnavailable>
  readonly list: (params: typeof Api.ListParams.Type) => Effect.Effect<Api.MessagePage, Api.BadRequest | Api.ServiceUnavailable>
  readonly summary: (id: string) => Effect.Effect<Option.Option<MessageLog.Summary>, Api.ServiceUnavailable>
  readonly health: Effect.Effect<Api.Health>
  /** Serves one webhook request: reads it (size-limited), verifies and parses it, and feeds the events on. */
  readonly webhook: (
    name: Providers.WebhookName,
    request: HttpServerRequest.HttpServerRequest
  ) => Effect.Effect<string, WebhookFailure>
  /**
   * `webhook` for a request already read (by `Http.webhookListener`, straight from Node's HTTP server), or the
   * reason it could not be: verifies and parses it and feeds the events on.
   */
  readonly ingest: (
    name: Providers.WebhookName,
    request: Webhook.Request | WebhookHttp.PayloadTooLarge
  ) => Effect.Effect<string, WebhookFailure>
}

/**
 * How a webhook request can fail, each with its HTTP status (see `Api`).
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookFailure = Api.BadRequest | Api.Unauthorized | Api.MethodNotAllowed | Api.PayloadTooLarge | Api.ServiceUnavailable

/**
 * @since 0.1.0
 * @category tags
 */
export class Gateway extends Context.Tag("@switchboard/sample/Gateway")<Gateway, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly router: Router.Service
  readonly log: MessageLog.Service
  readonly window: ConversationWindow.Service
  readonly routes: ReadonlyMap<string, Route.Route>
  readonly defaultRoute: string
  readonly providers: Providers.Providers
  readonly maxBodyBytes: number
  readonly mode: "simulator" | "live"
  readonly storage: string
  readonly publicUrl: string
  readonly simulatorUrl?: string | undefined
}

/**
 * The message id for an idempotency key: the same key always names the same message.
 *
 * @since 0.1.0
 * @category idempotency
 */
export const idForKey = (key: string): Message.MessageId =>
  `idem-${crypto.createHash("sha256").update(key, "utf8").digest("hex").slice(0, 40)}` as Message.MessageId

const unavailable = (error: { readonly message: string }) =>
  new Api.ServiceUnavailable({ message: `storage is unavailable: ${error.message}` })

const toContent = (input: Api.ContentInput): Content.Outbound => {
  switch (input.type) {
    case "text":
      return Content.text(input.text)
    case "image":
      return Content.image(input.url, input.caption === undefined ? undefined : { caption: input.caption })
    case "audio":
      return Content.audio(input.url, input.caption === undefined ? undefined : { caption: input.caption })
    case "video":
      return Content.video(input.url, input.caption === undefined ? undefined : { caption: input.caption })
    case "file":
      return Content.file(input.url, {
        ...(input.caption === undefined ? {} : { caption: input.caption }),
        ...(input.name === undefined ? {} : { name: input.name })
      })
    case "template":
      return Content.template(input.name, input.parameters, input.locale === undefined ? undefined : { locale: input.locale })
  }
}

const toRecipient = (to: SendInput["to"]): Effect.Effect<Recipient.Recipient, Api.BadRequest> =>
  Effect.gen(function*() {
    const bad = (message: string) => new Api.BadRequest({ message })
    if (typeof to === "string") {
      const phone = yield* Effect.mapError(Phone.parse(to), (e) => bad(`to: ${e.message}`))
      return Recipient.make({ phone })
    }
    if (to.phone === undefined && to.messengerId === undefined && to.viberId === undefined) {
      return yield* bad("to: give at least one address: phone, messengerId or viberId")
    }
    const phone = to.phone === undefined
      ? undefined
      : yield* Effect.mapError(Phone.parse(to.phone, to.country), (e) => bad(`to.phone: ${e.message}`))
    return Recipient.make({ phone, messengerId: to.messengerId, viberId: to.viberId })
  })

const entryView = (entry: MessageLog.Entry): Api.TimelineEntry => {
  const event = entry.event
  const step = "step" in event && typeof event.step === "number"
    ? event.step
    : event._tag === "Fallback"
    ? event.fromStep
    : event._tag === "Outcome"
    ? event.outcome.step
    : undefined
  const channel = "channel" in event && typeof event.channel === "string"
    ? event.channel
    : event._tag === "Status"
    ? event.update.channel
    : event._tag === "Fallback"
    ? event.fromChannel
    : event._tag === "Outcome"
    ? event.outcome.channel
    : undefined
  return new Api.TimelineEntry({
    seq: entry.seq,
    at: entry.at,
    kind: event._tag,
    ...(step === undefined ? {} : { step }),
    ...(channel === undefined ? {} : { channel }),
    description: MessageLog.describe(event),
    event
  })
}

const statuses = new Set<string>(MessageLog.MessageStatus.literals)

/**
 * Builds the gateway.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Service => {
  const startedAt = Date.now()
  const { log, router } = options
  const parsers: Record<Providers.WebhookName, Webhook.Parser> = {
    vonageSmsDlr: options.providers.parsers.vonageSms,
    vonageSmsInbound: options.providers.parsers.vonageSms,
    vonageMessagesStatus: options.providers.parsers.vonageMessages,
    vonageMessagesInbound: options.providers.parsers.vonageMessages,
    kpnSmsDlr: options.providers.parsers.kpnSms,
    kpnSmsInbound: options.providers.parsers.kpnSms
  }

  const send: Service["send"] = (input, extra) =>
    Effect.gen(function*() {
      const routeName = typeof input.route === "string" ? input.route : input.route === undefined ? options.defaultRoute : undefined
      const route: Route.Route | undefined = typeof input.route === "object" ? input.route : options.routes.get(routeName!)
      if (route === undefined) {
        return yield* new Api.BadRequest({
          message: `route: no route named "${routeName}" (configured: ${[...options.routes.keys()].join(", ") || "none"})`
        })
      }
      const recipient = yield* toRecipient(input.to)
      const key = input.idempotencyKey ?? extra?.idempotencyKey
      const id = key === undefined ? yield* Message.generateId : idForKey(key)
      const label = routeName ?? route.name ?? "inline"
      yield* Effect.annotateCurrentSpan({ "message.id": id, "message.route": label, "message.content": input.content.type })
      if (key !== undefined) {
        const existing = yield* Effect.mapError(log.summary(id), unavailable)
        if (Option.isSome(existing)) {
          return new Api.SendAccepted({ id, status: existing.value.status, duplicate: true, route: existing.value.route ?? label, links: { self: `/messages/${id}` } })
        }
      }
      const message = yield* Message.make({
        id,
        recipient,
        content: toContent(input.content),
        sender: input.sender,
        clientReference: input.clientReference,
        metadata: input.metadata,
        ttl: input.ttl
      })
      yield* router.submit(message, route).pipe(
        Effect.catchTags({
          RouteError: (error) => Effect.fail(new Api.BadRequest({ message: `route: ${error.message}` })),
          MessageLogError: (error) => Effect.fail(unavailable(error))
        })
      )
      yield* Metrics.increment(Metrics.messagesSubmitted, { route: label })
      return new Api.SendAccepted({ id, status: "pending", duplicate: false, route: label, links: { self: `/messages/${id}` } })
    }).pipe(Effect.withSpan("Gateway.send"))

  const message: Service["message"] = (id) =>
    Effect.gen(function*() {
      const summary = yield* Effect.mapError(log.summary(id), unavailable)
      if (Option.isNone(summary)) return yield* new Api.NotFound({ message: `no message "${id}"` })
      const timeline = yield* Effect.mapError(log.timeline(id), unavailable)
      const outcome = yield* Effect.mapError(log.outcome(id), unavailable)
      const s = summary.value
      return new Api.MessageView({
        id,
        status: s.status,
        ...(s.route === undefined ? {} : { route: s.route }),
        ...(s.channel === undefined ? {} : { channel: s.channel }),
        lateDelivery: s.lateDelivery,
        acceptedAt: s.acceptedAt,
        updatedAt: s.updatedAt,
        ...(Option.isSome(outcome) ? { outcome: outcome.value } : {}),
        timeline: timeline.map(entryView)
      })
    }).pipe(Effect.withSpan("Gateway.message", { attributes: { "message.id": id } }))

  const list: Service["list"] = (params) =>
    Effect.gen(function*() {
      const wanted = params.status === undefined
        ? undefined
        : params.status.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
      const unknown = wanted?.filter((s) => !statuses.has(s)) ?? []
      if (unknown.length > 0) {
        return yield* new Api.BadRequest({
          message: `status: unknown ${unknown.map((s) => `"${s}"`).join(", ")} (one of ${MessageLog.MessageStatus.literals.join(", ")})`
        })
      }
      if (params.cursor !== undefined && !/^\d+$/.test(params.cursor)) {
        return yield* new Api.BadRequest({ message: "cursor: pass the `next` of the previous page" })
      }
      const page = yield* Effect.mapError(
        log.list({
          ...(wanted === undefined ? {} : { status: wanted as ReadonlyArray<MessageLog.MessageStatus> }),
          ...(params.channel === undefined ? {} : { channel: params.channel }),
          ...(params.since === undefined ? {} : { acceptedSince: params.since }),
          ...(params.before === undefined ? {} : { acceptedBefore: params.before })
        }, { limit: params.limit, cursor: params.cursor }),
        unavailable
      )
      return new Api.MessagePage({ items: page.items, ...(page.next === undefined ? {} : { next: page.next }) })
    })

  const feed = (name: Providers.WebhookName, events: ReadonlyArray<Webhook.Event>) =>
    Effect.forEach(events, (event) =>
      Effect.gen(function*() {
        yield* Metrics.increment(Metrics.webhookEvents, { endpoint: name, kind: event._tag })
        if (event._tag === "StatusUpdate") {
          yield* router.onEvent(event).pipe(Effect.mapError(unavailable))
        } else {
          yield* Effect.logInfo(`inbound ${event.content._tag} on ${event.channel}`).pipe(
            Effect.annotateLogs({ channel: event.channel, providerMessageId: event.providerMessageId })
          )
          yield* ConversationWindow.observe([event]).pipe(
            Effect.provideService(ConversationWindow.ConversationWindow, options.window),
            Effect.mapError(unavailable)
          )
        }
      }), { discard: true })

  const handle = (
    name: Providers.WebhookName,
    read: Effect.Effect<Webhook.Request, WebhookHttp.PayloadTooLarge | Webhook.WebhookError>
  ): Effect.Effect<string, WebhookFailure> =>
    Effect.gen(function*() {
      const events = yield* Effect.either(Effect.flatMap(read, parsers[name]))
      if (events._tag === "Left") {
        const error = events.left
        const failure = error._tag === "PayloadTooLarge"
          ? new Api.PayloadTooLarge({ message: error.message })
          : error.reason === "Unauthorized"
          ? new Api.Unauthorized({ message: error.message })
          : error.reason === "MethodNotAllowed"
          ? new Api.MethodNotAllowed({ message: error.message })
          : new Api.BadRequest({ message: error.message })
        yield* Metrics.increment(Metrics.webhooks, { endpoint: name, status: String(statusOf(failure)) })
        yield* Effect.annotateCurrentSpan({ "webhook.rejected": failure._tag })
        return yield* failure
      }
      yield* feed(name, events.right)
      yield* Metrics.increment(Metrics.webhooks, { endpoint: name, status: "200" })
      yield* Effect.annotateCurrentSpan({ "webhook.events": events.right.length })
      return "OK"
    }).pipe(Effect.withSpan(`Webhooks.${name}`, { attributes: { "webhook.endpoint": name } }))

  const webhook: Service["webhook"] = (name, request) =>
    handle(name, WebhookHttp.fromServerRequest(request, { maxBodyBytes: options.maxBodyBytes }))

  const ingest: Service["ingest"] = (name, request) =>
    handle(name, "_tag" in request ? Effect.fail(request) : Effect.succeed(request))

  const health: Service["health"] = Effect.sync(() =>
    new Api.Health({
      status: "ok",
      providers: options.mode,
      storage: options.storage,
      channels: options.providers.channels.map((c) => c.id),
      missingChannels: options.providers.missing,
      routes: [...options.routes.keys()],
      defaultRoute: options.defaultRoute,
      ...(options.simulatorUrl === undefined ? {} : { simulatorUrl: options.simulatorUrl }),
      publicUrl: options.publicUrl,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000)
    })
  )

  return {
    send,
    message,
    list,
    summary: (id) => Effect.mapError(log.summary(id), unavailable),
    health,
    webhook,
    ingest
  }
}

/**
 * The HTTP status of a webhook failure.
 *
 * @since 0.1.0
 * @category getters
 */
export const statusOf = (error: WebhookFailure): number =>
  error._tag === "PayloadTooLarge"
    ? 413
    : error._tag === "Unauthorized"
    ? 401
    : error._tag === "MethodNotAllowed"
    ? 405
    : error._tag === "ServiceUnavailable"
    ? 503
    : 400
