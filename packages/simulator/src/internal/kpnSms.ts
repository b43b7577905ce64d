/**
 * KPN's own SMS API: `POST /communication/kpn/sms/send` (and the older `/messaging/sms-kpn/v1/send`),
 * its delivery reports to `webhook_url`, and inbound SMS.
 *
 * @internal
 */
import { KpnWebhookSignature } from "@switchboard/auth"
import { Phone, Sms } from "@switchboard/core"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scenario from "../Scenario.js"
import type { Callback, Dispatcher } from "./callbacks.js"
import { jsonPost } from "./callbacks.js"
import * as Http from "./http.js"
import * as KpnGateway from "./kpnGateway.js"
import type { State } from "./state.js"

const info = "for additional information look at https://developer.kpn.com"

/** KPN's error envelope. */
export const apiError = (status: number, message: string, headers: Record<string, string> = {}): Http.Reply =>
  Http.json(status, { errorResponse: { code: String(status), message, info } }, headers)

/** Delivery report statuses (KPN's `sms_dlr` codes). */
const statusText: Readonly<Record<string, string>> = {
  "1": "Delivered",
  "2": "Queued",
  "3": "Accepted",
  "4": "Failed",
  "5": "Rejected",
  "6": "Expired"
}

interface Report {
  readonly status: string
  readonly errorCode: string
}

const reportsFor = (outcome: Scenario.Outcome, interim: boolean): ReadonlyArray<Report> => {
  const withInterim = (final: Report): ReadonlyArray<Report> =>
    interim ? [{ status: "3", errorCode: "000" }, final] : [final]
  const code = (value: string | number | undefined, fallback: string) =>
    value === undefined ? fallback : String(value).padStart(3, "0")
  switch (outcome.type) {
    case "deliver":
    case "read":
      return withInterim({ status: "1", errorCode: "000" })
    case "reject":
      return withInterim({ status: "5", errorCode: code(outcome.code, "003") })
    case "undeliverable":
      return withInterim({ status: "4", errorCode: code(outcome.code, "002") })
    case "expire":
      return withInterim({ status: "6", errorCode: "024" })
    case "no-receipt":
      return interim ? [{ status: "3", errorCode: "000" }] : []
    default:
      return []
  }
}

/** Adds `X-KPN-Webhook-*` signature headers when a signing key is configured. */
export const signedHeaders = (state: State, body: string): Effect.Effect<Record<string, string>> => {
  const key = state.scenario.webhooks?.kpnSms?.signingKey
  if (key === undefined) return Effect.succeed({})
  return Effect.map(
    KpnWebhookSignature.sign({ body, secret: key.secret, keyId: key.keyId }),
    (headers) => ({ ...headers, [KpnWebhookSignature.attemptHeader]: "1" })
  )
}

interface Recipient {
  readonly content: string
  readonly e164: string
}

const parseRecipients = (body: Record<string, unknown>): Either.Either<ReadonlyArray<Recipient>, string> => {
  const messages = body["messages"]
  if (!Array.isArray(messages) || messages.length === 0) return Either.left("messages is required and must not be empty")
  if (messages.length > 5000) return Either.left("messages may hold at most 5000 items")
  const recipients: Array<Recipient> = []
  for (const [index, message] of messages.entries()) {
    if (message === null || typeof message !== "object") return Either.left(`messages[${index}] must be an object`)
    const { content, mobile_number } = message as Record<string, unknown>
    if (typeof content !== "string") return Either.left(`messages[${index}].content is required`)
    if (typeof mobile_number !== "string" || mobile_number.trim() === "") {
      return Either.left(`messages[${index}].mobile_number is required`)
    }
    if (content.length > 1000) return Either.left(`messages[${index}].content is longer than 1000 characters`)
    for (const number of mobile_number.split(",")) {
      const parsed = Phone.parseEither(number.trim(), "NL")
      if (Either.isLeft(parsed) || !Phone.isDutchMobile(parsed.right)) {
        return Either.left(`Invalid mobile number: ${number.trim()}`)
      }
      recipients.push({ content, e164: parsed.right })
    }
  }
  if (recipients.length > 200) {
    return Either.left(`a request may hold at most 200 message and recipient combinations, not ${recipients.length}`)
  }
  return Either.right(recipients)
}

/** `POST /communication/kpn/sms/send` and `POST /messaging/sms-kpn/v1/send`. */
export const send = (state: State, dispatcher: Dispatcher, incoming: Http.Incoming): Effect.Effect<Http.Reply> =>
  Effect.gen(function*() {
    const refused = yield* KpnGateway.checkBearer(state, incoming)
    if (refused !== undefined) return refused
    const quota = yield* KpnGateway.useQuota(state)
    const headers = quota.headers
    if (quota.exceeded) return KpnGateway.quotaViolation(60, headers)
    const parsed = yield* Effect.either(Http.jsonBody(incoming))
    if (Either.isLeft(parsed)) return apiError(400, `Bad Request: ${parsed.left}`, headers)
    const body = parsed.right
    const sender = body["sender"] ?? "KPN"
    if (typeof sender !== "string") return apiError(400, "sender must be a string", headers)
    if (sender.length > 11) return apiError(400, "sender may be at most 11 characters", headers)
    const webhookUrl = body["webhook_url"]
    if (webhookUrl !== undefined && (typeof webhookUrl !== "string" || !/^https?:\/\/\S+$/.test(webhookUrl))) {
      return apiError(400, "webhook_url must be an http(s) URL", headers)
    }
    const recipients = parseRecipients(body)
    if (Either.isLeft(recipients)) return apiError(400, recipients.left, headers)

    const resolutions = recipients.right.map((recipient) => ({
      recipient,
      resolution: state.resolve({ api: "kpn-sms", channel: "sms", to: recipient.e164 })
    }))
    const first = resolutions[0]!.resolution
    if (first.delayMs > 0) yield* Effect.sleep(Duration.millis(first.delayMs))
    const outcome = first.outcome
    switch (outcome.type) {
      case "never-answer":
        return Http.hang
      case "drop-connection":
        return Http.drop
      case "throttle":
        return KpnGateway.quotaViolation(outcome.retryAfterSeconds ?? 1, headers)
      case "server-error":
        return apiError(outcome.status ?? 500, "Internal Server Error", headers)
      case "reject":
        if (outcome.stage === "submit") return apiError(400, outcome.text ?? "Bad Request", headers)
        break
      default:
        break
    }

    const documentId = crypto.randomUUID()
    const now = yield* Clock.currentTimeMillis
    state.messagesAccepted += 1
    state.messages.push({
      api: "kpn-sms",
      channel: "sms",
      id: documentId,
      partIds: [],
      to: recipients.right.map((r) => r.e164).join(","),
      from: sender,
      text: recipients.right[0]!.content,
      outcome: outcome.type,
      at: new Date(now).toISOString()
    })

    if (typeof webhookUrl === "string") {
      const callbacks: Array<Effect.Effect<Callback>> = []
      for (const { recipient, resolution } of resolutions) {
        const dlrId = crypto.randomUUID()
        for (const report of reportsFor(resolution.outcome, first.callbacks.interim === true)) {
          callbacks.push(Effect.gen(function*() {
            const at = yield* Clock.currentTimeMillis
            const payload = JSON.stringify({
              DLRID: dlrId,
              document_id: documentId,
              RecipientPhonenumber: recipient.e164,
              Message: recipient.content,
              MessageType: Sms.isGsm7(recipient.content) ? "text" : "unicode",
              Status: report.status,
              StatusDescription: statusText[report.status],
              ErrorCode: report.errorCode,
              StatusDateTime: Math.floor(at / 1000)
            })
            return jsonPost({
              kind: "kpn-dlr",
              messageId: documentId,
              url: webhookUrl,
              body: payload,
              headers: yield* signedHeaders(state, payload)
            })
          }))
        }
      }
      yield* dispatcher.schedule(callbacks, first.callbacks)
    }
    return Http.json(200, { document_id: documentId, status: "OK" }, headers)
  })
