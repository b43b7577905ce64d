/**
 * Vonage Messages: v1 `POST /v1/messages` (Basic or application JWT) and the v0.1 shape through KPN
 * (`POST /communication/nexmo/v0.1/messages`, KPN bearer token), with their status webhooks.
 *
 * @internal
 */
import { ApplicationJwt, MessagesWebhookJwt } from "@switchboard/auth"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as Scenario from "../Scenario.js"
import type { Callback, Dispatcher } from "./callbacks.js"
import { jsonPost } from "./callbacks.js"
import * as Http from "./http.js"
import * as KpnGateway from "./kpnGateway.js"
import type { Resolution, State } from "./state.js"

/** Messages API error codes: title and detail (from the specification's `x-errors`). */
export const errors: Readonly<Record<number, readonly [string, string]>> = {
  1000: ["Throttled", "You have exceeded the submission capacity allowed on this account. Please wait and retry"],
  1010: ["Missing params", "Your request is incomplete and missing some mandatory parameters."],
  1020: ["Invalid params", "The value of one or more parameters is invalid."],
  1021: ["Invalid tag", "The tag value is invalid."],
  1022: ["Invalid template", "Invalid template or template parameters"],
  1030: ["Internal error", "There was an error processing your request in the Platform."],
  1040: ["Invalid message", "The Platform was unable to process your request."],
  1050: ["Number barred", "The number you are trying to submit to is blacklisted and may not receive messages."],
  1060: ["Partner account barred", "The api_key you supplied is for an account that has been barred from submitting messages."],
  1070: ["Partner quota exceeded", "Your pre-paid account does not have sufficient credit to process this message."],
  1120: ["Illegal Sender Address - rejected", "The SenderID you set in from in the request was not accepted."],
  1150: ["Invalid params", "The value of one or more parameters is invalid."],
  1160: ["Non White-listed Destination", "The phone number you set in to is not in your pre-approved destination list."],
  1170: ["Invalid or Missing Msisdn Param", "The phone number you supplied in the to parameter of your request was either missing or invalid."],
  1180: ["Absent Subscriber Temporary", "This message was not delivered because to was temporarily unavailable."],
  1190: ["Absent Subscriber Permanent", "to is no longer active, You should remove this phone number from your database."],
  1210: ["Anti-Spam Rejection", "Carriers often apply restrictions that block messages following different criteria."],
  1240: ["Illegal Number", "You tried to send a message to a blacklisted phone number."],
  1250: ["Unroutable", "The chosen route to send your message is not available."],
  1260: ["Destination unreachable", "The message could not be delivered to the phone number."],
  1300: ["Not part of the provider network", "The number or ID is not a user in the provider network."],
  1310: ["Not suitable device", "The user's device can't receive the message."],
  1330: ["Unknown", "An unknown error was received from the carrier who tried to send this this message."],
  1340: ["Outside of the allowed window", "This message is sent outside of allowed response window."],
  1360: ["TTL was activated", "TTL was activated, no callbacks and no charge will be issued."],
  1400: ["Unsupported channel", "The channel specified in the request is not supported."],
  1420: ["Invalid sender", "The `from` parameter is invalid for the given channel."],
  1430: ["Invalid recipient", "The `to` parameter is invalid for the given channel."],
  1440: ["Invalid message type", "The message type specified in the request is not supported for the given channel."],
  1450: ["Invalid client reference", "The client reference can be a string of up to 100 characters."]
}

const describe = (code: number): readonly [string, string] => errors[code] ?? ["Error", `Error ${code}`]

const instance = (): string => crypto.randomUUID().replace(/-/g, "")

/** An RFC 7807-style error body of the v1 API. */
const problem = (
  status: number,
  type: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {}
): Http.Reply => Http.json(status, { type, title, detail, instance: instance(), ...extra }, headers)

const codeProblem = (status: number, code: number, extra: Record<string, unknown> = {}) => {
  const [title, detail] = describe(code)
  return problem(status, `https://developer.vonage.com/api-errors/messages#${code}`, title, detail, extra)
}

const unauthorized = () =>
  problem(
    401,
    "https://developer.vonage.com/api-errors#unauthorized",
    "Unauthorized",
    "You did not provide correct credentials."
  )

const messageTypes: Readonly<Record<Scenario.Channel, ReadonlyArray<string>>> = {
  sms: ["text"],
  mms: ["text", "image", "vcard", "audio", "video"],
  whatsapp: ["text", "image", "audio", "video", "file", "template", "location", "sticker", "custom", "reaction"],
  messenger: ["text", "image", "audio", "video", "file"],
  viber_service: ["text", "image", "video", "file"]
}

const textLimits: Readonly<Record<Scenario.Channel, number>> = {
  sms: 1000,
  mms: 1000,
  whatsapp: 4096,
  messenger: 640,
  viber_service: 1000
}

const channels = new Set<string>(["sms", "mms", "whatsapp", "messenger", "viber_service"])

/** Channels that report `read`. */
export const reportsRead = (channel: Scenario.Channel): boolean =>
  channel === "whatsapp" || channel === "messenger" || channel === "viber_service"

const usesIds = (channel: Scenario.Channel): boolean => channel === "messenger"

interface StatusEvent {
  readonly status: "submitted" | "delivered" | "read" | "rejected" | "undeliverable"
  readonly code?: number
}

/** The status webhooks an outcome produces, in order. */
export const statusesFor = (outcome: Scenario.Outcome, channel: Scenario.Channel): ReadonlyArray<StatusEvent> => {
  const code = (value: string | number | undefined, fallback: number) => value === undefined ? fallback : Number(value)
  switch (outcome.type) {
    case "deliver":
      return [{ status: "submitted" }, { status: "delivered" }]
    case "read":
      return reportsRead(channel)
        ? [{ status: "submitted" }, { status: "delivered" }, { status: "read" }]
        : [{ status: "submitted" }, { status: "delivered" }]
    case "reject":
      return [{ status: "submitted" }, { status: "rejected", code: code(outcome.code, 1250) }]
    case "undeliverable":
      return [{ status: "submitted" }, { status: "undeliverable", code: code(outcome.code, 1300) }]
    case "expire":
      return [{ status: "submitted" }, { status: "rejected", code: 1360 }]
    case "no-receipt":
      return [{ status: "submitted" }]
    default:
      return []
  }
}

const isJwtShaped = (token: string, now: number): Either.Either<Record<string, unknown>, string> => {
  const parts = token.split(".")
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    return Either.left("not a JWT")
  }
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as Record<string, unknown>
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>
    if (header["alg"] !== "RS256") return Either.left("not RS256")
    if (typeof payload["application_id"] !== "string") return Either.left("no application_id")
    if (typeof payload["iat"] !== "number") return Either.left("no iat")
    if (typeof payload["exp"] === "number" && payload["exp"] * 1000 < now) return Either.left("expired")
    return Either.right(payload)
  } catch {
    return Either.left("not a JWT")
  }
}

/**
 * v1 authentication at `now`: `undefined` when accepted, else the refusal; an effect of either when a JWT's
 * signature must be verified against the configured public key.
 */
const authenticateV1At = (
  state: State,
  incoming: Http.Incoming,
  now: number
): Http.Reply | undefined | Effect.Effect<Http.Reply | undefined> => {
  const auth = Http.authorization(incoming)
  if (auth._tag === "Basic") {
    const required = state.scenario.credentials?.vonage
    if (required !== undefined && (auth.user !== required.apiKey || (required.apiSecret !== undefined && auth.password !== Redacted.value(required.apiSecret)))) {
      return unauthorized()
    }
    return undefined
  }
  if (auth._tag !== "Bearer") return unauthorized()
  const shaped = isJwtShaped(auth.token, now)
  if (Either.isLeft(shaped)) return unauthorized()
  const application = state.scenario.credentials?.application
  if (application?.applicationId !== undefined && shaped.right["application_id"] !== application.applicationId) {
    return unauthorized()
  }
  if (application?.publicKey !== undefined) {
    return Effect.map(
      Effect.either(ApplicationJwt.verify(auth.token, application.publicKey)),
      (verified) => Either.isLeft(verified) ? unauthorized() : undefined
    )
  }
  return undefined
}

/** v1 authentication; `undefined` when accepted. */
const authenticateV1 = (state: State, incoming: Http.Incoming): Effect.Effect<Http.Reply | undefined> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const result = authenticateV1At(state, incoming, now)
    return Effect.isEffect(result) ? result : Effect.succeed(result)
  })

/** The `Authorization` header of a signed v1 webhook, or none. */
const webhookHeaders = (state: State, body: string): Effect.Effect<Record<string, string>> => {
  const secret = state.scenario.webhooks?.messages?.signatureSecret
  if (secret === undefined) return Effect.succeed({})
  const applicationId = state.scenario.credentials?.application?.applicationId
  return Effect.map(
    MessagesWebhookJwt.sign({
      body,
      secret,
      ...(applicationId === undefined ? {} : { applicationId })
    }),
    (jwt) => ({ authorization: `Bearer ${jwt}` })
  )
}

const errorObjectV1 = (code: number) => {
  const [title, detail] = describe(code)
  return {
    type: `https://developer.vonage.com/api-errors/messages#${code}`,
    title: String(code),
    detail: `${title} - ${detail}`,
    instance: instance()
  }
}

const sleep = (millis: number) => millis > 0 ? Effect.sleep(Duration.millis(millis)) : Effect.void

/**
 * `POST /v1/messages` (and `POST /communication/nexmo/messages`, the v1 shape through KPN). Answers
 * synchronously when it can (Basic or a JWT checked for shape, no delay), so a request needs no fiber.
 */
export const sendV1 = (
  state: State,
  dispatcher: Dispatcher,
  incoming: Http.Incoming,
  via: "direct" | "kpn"
): Http.Handled => {
  if (via === "direct") {
    const refused = authenticateV1At(state, incoming, dispatcher.now())
    if (refused === undefined) return acceptV1(state, dispatcher, incoming, via, {})
    if (!Effect.isEffect(refused)) return refused
    return Effect.flatMap(refused, (reply) =>
      reply !== undefined ? Effect.succeed(reply) : Http.handled(acceptV1(state, dispatcher, incoming, via, {})))
  }
  return Effect.gen(function*() {
    const refused = yield* KpnGateway.checkBearer(state, incoming)
    if (refused !== undefined) return refused
    const quota = yield* KpnGateway.useQuota(state)
    if (quota.exceeded) return KpnGateway.quotaViolation(60, quota.headers)
    return yield* Http.handled(acceptV1(state, dispatcher, incoming, via, quota.headers))
  })
}

/** The v1 request once its caller is accepted: validation, the scenario's rule, its delay and outcome. */
const acceptV1 = (
  state: State,
  dispatcher: Dispatcher,
  incoming: Http.Incoming,
  via: "direct" | "kpn",
  gatewayHeaders: Record<string, string>
): Http.Handled => {
  const parsed = Http.jsonBodySync(incoming)
  if (Either.isLeft(parsed)) {
    return problem(
      422,
      "https://developer.nexmo.com/api-errors#invalid-json",
      "The request body did not contain valid JSON",
      parsed.left
    )
  }
  const body = parsed.right
  const channel = body["channel"]
  if (typeof channel !== "string" || !channels.has(channel)) return codeProblem(422, 1400)
  const ch = channel as Scenario.Channel
  const messageType = body["message_type"]
  if (typeof messageType !== "string" || !messageTypes[ch].includes(messageType)) return codeProblem(422, 1440)
  const to = body["to"]
  const from = body["from"]
  if (typeof to !== "string" || to.trim() === "" || (!usesIds(ch) && !/^\+?\d{7,15}$/.test(to))) {
    return codeProblem(422, 1430)
  }
  if (typeof from !== "string" || from.trim() === "") return codeProblem(422, 1420)
  const invalid: Array<{ name: string; reason: string }> = []
  if (messageType === "text") {
    const text = body["text"]
    if (typeof text !== "string" || text.length === 0) invalid.push({ name: "text", reason: "is required." })
    else if (text.length > textLimits[ch]) invalid.push({ name: "text", reason: `must be at most ${textLimits[ch]} characters.` })
  } else if (["image", "audio", "video", "file", "vcard"].includes(messageType)) {
    const media = body[messageType]
    if (media === null || typeof media !== "object" || typeof (media as Record<string, unknown>)["url"] !== "string") {
      invalid.push({ name: `${messageType}.url`, reason: "is required." })
    }
  } else if (messageType === "template") {
    const template = body["template"]
    if (template === null || typeof template !== "object" || typeof (template as Record<string, unknown>)["name"] !== "string") {
      invalid.push({ name: "template.name", reason: "is required." })
    }
  }
  const clientRef = body["client_ref"]
  if (clientRef !== undefined && (typeof clientRef !== "string" || clientRef.length > 100)) return codeProblem(422, 1450)
  if (invalid.length > 0) return codeProblem(422, 1150, { invalid_parameters: invalid })

  const recipient = usesIds(ch) ? to : Http.e164(to)
  const api = via === "direct" ? "messages" : "kpn-messages"
  const resolution = state.resolve({ api, channel: ch, to: recipient })
  if (resolution.delayMs > 0) {
    return Effect.zipRight(
      Effect.sleep(Duration.millis(resolution.delayMs)),
      Effect.sync(() => answerV1(state, dispatcher, resolution, ch, recipient, to, from, body, clientRef, api, gatewayHeaders))
    )
  }
  return answerV1(state, dispatcher, resolution, ch, recipient, to, from, body, clientRef, api, gatewayHeaders)
}

const answerV1 = (
  state: State,
  dispatcher: Dispatcher,
  resolution: Resolution,
  ch: Scenario.Channel,
  recipient: string,
  to: string,
  from: string,
  body: Record<string, unknown>,
  clientRef: unknown,
  api: "messages" | "kpn-messages",
  gatewayHeaders: Record<string, string>
): Http.Reply => {
  const outcome = resolution.outcome
  switch (outcome.type) {
    case "never-answer":
      return Http.hang
    case "drop-connection":
      return Http.drop
    case "throttle": {
      const retryAfter = String(outcome.retryAfterSeconds ?? 1)
      return problem(
        429,
        "https://developer.vonage.com/api-errors/messages#1000",
        "Rate Limit Hit",
        "Please wait, then retry your request",
        {},
        { ...gatewayHeaders, "retry-after": retryAfter }
      )
    }
    case "server-error":
      return problem(
        outcome.status ?? 500,
        "https://developer.vonage.com/api-errors/messages#1030",
        "Internal error",
        "There was an error processing your request in the Platform.",
        {},
        gatewayHeaders
      )
    case "reject":
      if (outcome.stage === "submit") {
        const code = Number(outcome.code ?? 1150)
        if (code === 1070) {
          return problem(
            402,
            "https://developer.nexmo.com/api-errors/#low-balance",
            "Low balance",
            "This request could not be performed due to your account balance being low."
          )
        }
        return codeProblem(422, code)
      }
      break
    default:
      break
  }

  const uuid = crypto.randomUUID()
  const now = dispatcher.now()
  state.messagesAccepted += 1
  state.messages.push({
    api,
    channel: ch,
    id: uuid,
    partIds: [uuid],
    to: recipient,
    from,
    ...(typeof body["text"] === "string" ? { text: body["text"] } : {}),
    outcome: outcome.type,
    at: new Date(now).toISOString()
  })
  const webhookUrl = body["webhook_url"]
  const url = typeof webhookUrl === "string" ? webhookUrl : state.scenario.webhooks?.messages?.statusUrl
  if (url !== undefined) {
    const price = (state.scenario.account?.pricePerPart ?? 0.0333).toFixed(4)
    const callbacks = statusesFor(outcome, ch).map((event): Effect.Effect<Callback> =>
      Effect.suspend(() => {
        const at = dispatcher.now()
        const payload = JSON.stringify({
          message_uuid: uuid,
          to,
          from,
          timestamp: new Date(at).toISOString(),
          status: event.status,
          channel: ch,
          ...(typeof clientRef === "string" ? { client_ref: clientRef } : {}),
          ...(event.status === "submitted" || event.status === "delivered"
            ? { usage: { currency: "EUR", price } }
            : {}),
          ...(event.code === undefined ? {} : { error: errorObjectV1(event.code) })
        })
        return Effect.map(webhookHeaders(state, payload), (headers) =>
          jsonPost({ kind: "messages-status", messageId: uuid, url, body: payload, headers }))
      })
    )
    dispatcher.scheduleNow(callbacks, resolution.callbacks)
  }
  return Http.json(202, { message_uuid: uuid }, gatewayHeaders)
}

type V01Type = "sms" | "mms" | "whatsapp" | "messenger" | "viber_service_msg"

const v01Types = new Set<string>(["sms", "mms", "whatsapp", "messenger", "viber_service_msg"])

const toChannel = (type: V01Type): Scenario.Channel => type === "viber_service_msg" ? "viber_service" : type

const v01Problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  problem(status, `https://www.nexmo.com/messages/Errors#${title.replace(/\s+/g, "")}`, title, detail, extra, headers)

/** `POST /communication/nexmo/v0.1/messages` (the v0.1 shape through KPN's gateway). */
export const sendV01 = (state: State, dispatcher: Dispatcher, incoming: Http.Incoming): Effect.Effect<Http.Reply> =>
  Effect.gen(function*() {
    const refused = yield* KpnGateway.checkBearer(state, incoming)
    if (refused !== undefined) return refused
    const quota = yield* KpnGateway.useQuota(state)
    const headers = quota.headers
    if (quota.exceeded) return KpnGateway.quotaViolation(60, headers)
    const parsed = yield* Effect.either(Http.jsonBody(incoming))
    if (Either.isLeft(parsed)) return v01Problem(400, "Invalid JSON", parsed.left, {}, headers)
    const body = parsed.right
    const to = body["to"] as Record<string, unknown> | undefined
    const from = body["from"] as Record<string, unknown> | undefined
    const message = body["message"] as Record<string, unknown> | undefined
    const invalid: Array<{ name: string; reason: string }> = []
    if (to === null || typeof to !== "object" || typeof to["type"] !== "string" || !v01Types.has(to["type"])) {
      invalid.push({ name: "to.type", reason: "must be one of sms, mms, whatsapp, messenger, viber_service_msg" })
    }
    if (from === null || typeof from !== "object" || typeof from["type"] !== "string") {
      invalid.push({ name: "from.type", reason: "is required" })
    }
    const content = message !== null && typeof message === "object"
      ? message["content"] as Record<string, unknown> | undefined
      : undefined
    if (content === null || typeof content !== "object" || typeof content["type"] !== "string") {
      invalid.push({ name: "message.content.type", reason: "is required" })
    }
    if (invalid.length > 0) {
      return v01Problem(400, "Invalid Parameters", "Your request parameters did not validate.", { invalid_parameters: invalid }, headers)
    }
    const type = to!["type"] as V01Type
    const ch = toChannel(type)
    const address = usesIds(ch) ? to!["id"] : to!["number"]
    if (typeof address !== "string" || address.trim() === "" || (!usesIds(ch) && !/^\+?\d{7,15}$/.test(address))) {
      return v01Problem(400, "Invalid Parameters", "Your request parameters did not validate.", {
        invalid_parameters: [{ name: usesIds(ch) ? "to.id" : "to.number", reason: "is invalid" }]
      }, headers)
    }
    const contentType = content!["type"] as string
    if (contentType === "text") {
      const text = content!["text"]
      if (typeof text !== "string" || text.length === 0 || text.length > textLimits[ch]) {
        return v01Problem(400, "Invalid Parameters", "Your request parameters did not validate.", {
          invalid_parameters: [{ name: "message.content.text", reason: `is required and at most ${textLimits[ch]} characters` }]
        }, headers)
      }
    }
    const recipient = usesIds(ch) ? address : Http.e164(address)
    const resolution = state.resolve({ api: "kpn-messages", channel: ch, to: recipient })
    yield* sleep(resolution.delayMs)
    const outcome = resolution.outcome
    switch (outcome.type) {
      case "never-answer":
        return Http.hang
      case "drop-connection":
        return Http.drop
      case "throttle":
        return KpnGateway.quotaViolation(outcome.retryAfterSeconds ?? 1, headers)
      case "server-error":
        return v01Problem(outcome.status ?? 500, "Internal Error", "There was an error processing your request.", {}, headers)
      case "reject":
        if (outcome.stage === "submit") {
          const [title, detail] = describe(Number(outcome.code ?? 1020))
          return v01Problem(400, title, detail, {}, headers)
        }
        break
      default:
        break
    }

    const uuid = crypto.randomUUID()
    const now = yield* Clock.currentTimeMillis
    state.messagesAccepted += 1
    const clientRef = body["client_ref"]
    state.messages.push({
      api: "kpn-messages",
      channel: ch,
      id: uuid,
      partIds: [uuid],
      to: recipient,
      from: String(from!["number"] ?? from!["id"] ?? ""),
      ...(typeof content!["text"] === "string" ? { text: content!["text"] } : {}),
      outcome: outcome.type,
      at: new Date(now).toISOString()
    })
    const url = state.scenario.webhooks?.kpnMessages?.statusUrl
    if (url !== undefined) {
      const callbacks = statusesFor(outcome, ch).map((event): Effect.Effect<Callback> =>
        Effect.gen(function*() {
          const at = yield* Clock.currentTimeMillis
          const payload = JSON.stringify({
            message_uuid: uuid,
            to,
            from,
            timestamp: new Date(at).toISOString(),
            status: event.status,
            ...(event.code === undefined ? {} : { error: { code: event.code, reason: describe(event.code)[0] } }),
            ...(event.status === "submitted" || event.status === "delivered"
              ? { usage: { currency: "EUR", price: (state.scenario.account?.pricePerPart ?? 0.0333).toFixed(4) } }
              : {}),
            ...(typeof clientRef === "string" ? { client_ref: clientRef } : {})
          })
          return jsonPost({ kind: "kpn-messages-status", messageId: uuid, url, body: payload })
        })
      )
      yield* dispatcher.schedule(callbacks, resolution.callbacks)
    }
    return Http.json(202, { message_uuid: uuid }, headers)
  })

/** `PATCH /v1/messages/:uuid` (mark a WhatsApp message as read): accepted when the message is known. */
export const update = (state: State, incoming: Http.Incoming, uuid: string): Effect.Effect<Http.Reply> =>
  Effect.gen(function*() {
    const refused = yield* authenticateV1(state, incoming)
    if (refused !== undefined) return refused
    if (!state.messages.some((message) => message.id === uuid)) {
      return problem(404, "https://developer.vonage.com/api-errors#not-found", "Not Found", `Message with ID ${uuid} not found`)
    }
    return Http.json(200, {})
  })

/** The v1 inbound webhook for a text from a person. */
export const inboundV1 = (
  state: State,
  options: { readonly channel: Scenario.Channel; readonly from: string; readonly to: string; readonly text: string; readonly parts: number },
  url: string
): Effect.Effect<Callback> =>
  Effect.gen(function*() {
    const at = yield* Clock.currentTimeMillis
    const uuid = crypto.randomUUID()
    const strip = (address: string) => usesIds(options.channel) ? address : address.replace(/^\+/, "")
    const payload = JSON.stringify({
      channel: options.channel,
      message_uuid: uuid,
      to: strip(options.to),
      from: strip(options.from),
      timestamp: new Date(at).toISOString(),
      message_type: "text",
      text: options.text,
      ...(options.channel === "sms"
        ? {
          sms: { num_messages: String(options.parts), keyword: (options.text.trim().split(/\s+/)[0] ?? "").toUpperCase() },
          usage: { currency: "EUR", price: "0.0057" }
        }
        : {}),
      ...(options.channel === "whatsapp" ? { profile: { name: "Simulated User" } } : {})
    })
    return jsonPost({ kind: "messages-inbound", messageId: uuid, url, body: payload, headers: yield* webhookHeaders(state, payload) })
  })

/** The v0.1 inbound webhook for a text from a person (KPN gateway). */
export const inboundV01 = (
  options: { readonly channel: Scenario.Channel; readonly from: string; readonly to: string; readonly text: string; readonly parts: number },
  url: string
): Effect.Effect<Callback> =>
  Effect.gen(function*() {
    const at = yield* Clock.currentTimeMillis
    const uuid = crypto.randomUUID()
    const type = options.channel === "viber_service" ? "viber_service_msg" : options.channel
    const strip = (address: string) => address.replace(/^\+/, "")
    const toAddress = options.channel === "messenger" || options.channel === "viber_service"
      ? { type, id: options.to }
      : { type, number: strip(options.to) }
    const fromAddress = options.channel === "messenger" ? { type, id: options.from } : { type, number: strip(options.from) }
    const payload = JSON.stringify({
      message_uuid: uuid,
      timestamp: new Date(at).toISOString(),
      to: toAddress,
      from: fromAddress,
      message: {
        content: { type: "text", text: options.text },
        ...(options.channel === "sms" ? { sms: { num_messages: String(options.parts) } } : {})
      },
      ...(options.channel === "sms" ? { usage: { currency: "EUR", price: "0.0057" } } : {})
    })
    return jsonPost({ kind: "kpn-messages-inbound", messageId: uuid, url, body: payload })
  })
