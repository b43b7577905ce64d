/**
 * Vonage SMS: `POST /sms/json` (direct) and `POST /communication/nexmo/sms/send` (through KPN), their
 * delivery receipts and inbound SMS.
 *
 * @internal
 */
import { VonageSignature } from "@switchboard/auth"
import { Sms } from "@switchboard/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type * as Scenario from "../Scenario.js"
import type { Callback, Dispatcher } from "./callbacks.js"
import { vonageStyle } from "./callbacks.js"
import * as Http from "./http.js"
import * as KpnGateway from "./kpnGateway.js"
import type { Resolution, State } from "./state.js"
import * as Wire from "./wire.js"

/** Status codes 1–33 and the texts the SMS API answers with. */
export const errorTexts: Readonly<Record<number, string>> = {
  1: "Throttled",
  2: "Missing Parameters",
  3: "Invalid Parameters",
  4: "Bad Credentials",
  5: "Internal Error",
  6: "Invalid Message",
  7: "Number barred.",
  8: "Partner account barred.",
  9: "Partner quota exceeded.",
  10: "Too many existing binds",
  11: "Account not enabled for HTTP",
  12: "Message too long",
  14: "Invalid Signature",
  15: "Illegal Sender Address - rejected",
  17: "Message blocked by provider",
  22: "Invalid Network Code",
  23: "Invalid Callback Url",
  29: "Non White-listed Destination",
  32: "Signature and api secret disallowed",
  33: "Number de-activated."
}

const failure = (status: number, text?: string, httpStatus = 200, headers: Record<string, string> = {}): Http.Reply =>
  Http.json(httpStatus, Wire.encodeSmsResponse({
    messageCount: "1",
    messages: [{ status: String(status), errorText: text ?? errorTexts[status] ?? "Unknown error" }]
  }), headers)

type Check = Either.Either<string, Http.Reply>

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.trim() !== ""

/**
 * The direct API's authentication: Basic, `api_key` + `api_secret`, or `api_key` + `sig` + `timestamp`.
 * Synchronous but for a signature checked against a configured secret, which is an effect.
 */
const authenticate = (state: State, incoming: Http.Incoming, params: Record<string, string>): Check | Effect.Effect<Check> => {
  const required = state.scenario.credentials?.vonage
  const auth = Http.authorization(incoming)
  if (auth._tag === "Basic") {
    if (required !== undefined && (auth.user !== required.apiKey || (required.apiSecret !== undefined && auth.password !== Redacted.value(required.apiSecret)))) {
      return Either.left(failure(4))
    }
    return Either.right(auth.user)
  }
  if (auth._tag === "Malformed") return Either.left(failure(4))
  const apiKey = params["api_key"]
  if (!nonEmpty(apiKey)) return Either.left(failure(2, "Missing api_key"))
  if (params["sig"] !== undefined) {
    if (params["api_secret"] !== undefined) return Either.left(failure(32))
    if (required !== undefined && apiKey !== required.apiKey) return Either.left(failure(4))
    const secret = required?.signatureSecret
    if (secret === undefined) {
      return /^[0-9a-fA-F]{32,128}$/.test(params["sig"]) ? Either.right(apiKey) : Either.left(failure(14))
    }
    const methods = required?.signatureMethod === undefined ? VonageSignature.algorithms : [required.signatureMethod]
    return Effect.gen(function*() {
      for (const algorithm of methods) {
        const verified = yield* Effect.either(
          VonageSignature.verify({ params, secret, algorithm })
        )
        if (Either.isRight(verified)) return Either.right(apiKey)
      }
      return Either.left(failure(14))
    })
  }
  const apiSecret = params["api_secret"]
  if (!nonEmpty(apiSecret)) return Either.left(failure(2, "Missing api_secret"))
  if (required !== undefined && (apiKey !== required.apiKey || (required.apiSecret !== undefined && apiSecret !== Redacted.value(required.apiSecret)))) {
    return Either.left(failure(4))
  }
  return Either.right(apiKey)
}

const validate = (params: Record<string, string>): Http.Reply | undefined => {
  if (!nonEmpty(params["from"])) return failure(2, "Missing from param")
  if (!nonEmpty(params["to"])) return failure(2, "Missing to param")
  const type = params["type"] ?? "text"
  if (!["text", "unicode", "binary", "wappush", "vcal", "vcard"].includes(type)) return failure(3, "Invalid type param")
  if (type === "binary") {
    if (!nonEmpty(params["body"])) return failure(2, "Missing body param")
    if (!nonEmpty(params["udh"])) return failure(2, "Missing udh param")
  } else if (params["text"] === undefined && type !== "vcard" && type !== "vcal" && type !== "wappush") {
    return failure(2, "Missing text param")
  }
  if (!/^\+?\d{7,15}$/.test(params["to"].trim())) return failure(3, "Invalid to param")
  if (params["ttl"] !== undefined) {
    const ttl = Number(params["ttl"])
    if (!Number.isInteger(ttl) || ttl < 20000 || ttl > 604800000) return failure(3, "Invalid ttl param")
  }
  if (params["message-class"] !== undefined && !["0", "1", "2", "3"].includes(params["message-class"])) {
    return failure(3, "Invalid message-class param")
  }
  const callback = params["callback"]
  if (callback !== undefined) {
    if (callback.length > 100 || !/^https?:\/\/[^\s]+$/.test(callback)) return failure(23)
  }
  if ((params["text"] ?? "").length > 3200) return failure(12)
  return undefined
}

const statusReportRequested = (params: Record<string, string>): boolean => {
  const value = params["status-report-req"]
  return value === undefined || !["false", "0"].includes(value.toLowerCase())
}

interface Receipt {
  readonly status: string
  readonly errCode: string
}

/** The delivery receipts an outcome produces (interim first), or none. */
const receiptsFor = (outcome: Scenario.Outcome, interim: boolean): ReadonlyArray<Receipt> => {
  const withInterim = (final: Receipt): ReadonlyArray<Receipt> =>
    interim ? [{ status: "accepted", errCode: "0" }, final] : [final]
  switch (outcome.type) {
    case "deliver":
    case "read":
      return withInterim({ status: "delivered", errCode: "0" })
    case "reject":
      return withInterim({ status: "rejected", errCode: String(outcome.code ?? 6) })
    case "undeliverable":
      return withInterim({ status: "failed", errCode: String(outcome.code ?? 2) })
    case "expire":
      return withInterim({ status: "expired", errCode: "1" })
    case "no-receipt":
      return interim ? [{ status: "accepted", errCode: "0" }] : []
    default:
      return []
  }
}

/** Signs Vonage webhook parameters with `nonce`, `timestamp` and `sig` when a signature secret is configured. */
export const signParams = (
  state: State,
  params: Record<string, string>
): Effect.Effect<Record<string, string>> => {
  const config = state.scenario.webhooks?.vonageSms
  if (config?.signatureSecret === undefined) return Effect.succeed(params)
  return VonageSignature.sign({
    params: { ...params, nonce: crypto.randomUUID() },
    secret: config.signatureSecret,
    algorithm: config.signatureMethod ?? "md5hash"
  })
}

export type SmsApi = "vonage-sms" | "kpn-vonage-sms"

/**
 * `POST /sms/json` and `POST /communication/nexmo/sms/send`. Answers synchronously when it can (the common
 * case: no signature to verify against a secret, no KPN gateway, no delay), so a request needs no fiber.
 */
export const send = (
  state: State,
  dispatcher: Dispatcher,
  api: SmsApi,
  incoming: Http.Incoming
): Http.Handled => {
  const params = Http.parametersSync(incoming)
  if (params === undefined) return failure(2, "Missing Parameters")
  if (api === "vonage-sms") {
    const auth = authenticate(state, incoming, params)
    if (Either.isEither(auth)) return Either.isLeft(auth) ? auth.left : authenticated(state, dispatcher, api, params, auth.right, {})
    return Effect.flatMap(auth, (check) =>
      Either.isLeft(check)
        ? Effect.succeed(check.left)
        : Http.handled(authenticated(state, dispatcher, api, params, check.right, {})))
  }
  return Effect.gen(function*() {
    const refused = yield* KpnGateway.checkBearer(state, incoming)
    if (refused !== undefined) return refused
    const quota = yield* KpnGateway.useQuota(state)
    if (quota.exceeded) return KpnGateway.quotaViolation(60, quota.headers)
    const apiKey = state.scenario.credentials?.vonage?.apiKey ?? "kpnnexmo"
    return yield* Http.handled(authenticated(state, dispatcher, api, params, apiKey, quota.headers))
  })
}

/** The rest of a send once the caller is known: validation, the scenario's rule, its delay and outcome. */
const authenticated = (
  state: State,
  dispatcher: Dispatcher,
  api: SmsApi,
  params: Record<string, string>,
  apiKey: string,
  gatewayHeaders: Record<string, string>
): Http.Handled => {
  const invalid = validate(params)
  if (invalid !== undefined) return Http.withHeaders(invalid, gatewayHeaders)
  const to = params["to"]!.trim().replace(/^\+/, "")
  const resolution = state.resolve({ api, channel: "sms", to: `+${to}` })
  if (resolution.delayMs > 0) {
    return Effect.zipRight(
      Effect.sleep(Duration.millis(resolution.delayMs)),
      Effect.sync(() => answer(state, dispatcher, api, params, apiKey, gatewayHeaders, to, resolution))
    )
  }
  return answer(state, dispatcher, api, params, apiKey, gatewayHeaders, to, resolution)
}

const answer = (
  state: State,
  dispatcher: Dispatcher,
  api: SmsApi,
  params: Record<string, string>,
  apiKey: string,
  gatewayHeaders: Record<string, string>,
  to: string,
  resolution: Resolution
): Http.Reply => {
  const from = params["from"]!
  const text = params["text"] ?? ""
  const outcome = resolution.outcome
  switch (outcome.type) {
    case "never-answer":
      return Http.hang
    case "drop-connection":
      return Http.drop
    case "throttle": {
      const retryAfter = outcome.retryAfterSeconds ?? 1
      return api === "vonage-sms"
        ? failure(1, "Throttled", 429, { "retry-after": String(retryAfter) })
        : KpnGateway.quotaViolation(retryAfter, gatewayHeaders)
    }
    case "server-error":
      return failure(5, "Internal Error", outcome.status ?? 500, gatewayHeaders)
    case "reject":
      if ((outcome.stage ?? "submit") === "submit") {
        const code = Number(outcome.code ?? 7)
        return Http.withHeaders(failure(code, outcome.text), gatewayHeaders)
      }
      break
    default:
      break
  }

  const parts = params["type"] === "binary" ? 1 : Sms.countSegments(text)
  const price = state.scenario.account?.pricePerPart ?? 0.0333
  if (state.balance < price * parts) return Http.withHeaders(failure(9), gatewayHeaders)
  const network = state.scenario.account?.network ?? "20408"
  const clientRef = params["client-ref"]
  const accountRef = params["account-ref"]
  const ids: Array<string> = []
  const messages = Array.from({ length: parts }, () => {
    state.balance -= price
    const id = crypto.randomUUID()
    ids.push(id)
    return {
      to,
      messageId: id,
      status: "0",
      remainingBalance: Wire.money(state.balance),
      messagePrice: Wire.money(price),
      network,
      ...(clientRef === undefined ? {} : { clientRef }),
      ...(accountRef === undefined ? {} : { accountRef })
    }
  })
  const now = dispatcher.now()
  state.messagesAccepted += 1
  state.messages.push({
    api,
    channel: "sms",
    id: ids[0]!,
    partIds: ids,
    to: `+${to}`,
    from,
    text,
    outcome: outcome.type,
    at: new Date(now).toISOString()
  })

  const url = params["callback"] ?? state.scenario.webhooks?.vonageSms?.deliveryReceiptUrl
  if (url !== undefined && statusReportRequested(params)) {
    const receipts = receiptsFor(outcome, resolution.callbacks.interim === true)
    const method = state.scenario.webhooks?.vonageSms?.method ?? "POST-JSON"
    const callbacks: Array<Effect.Effect<Callback>> = []
    for (const id of ids) {
      for (const receipt of receipts) {
        // Built when its turn comes, so the receipt and its signature carry the time it is sent.
        callbacks.push(Effect.suspend(() => {
          const at = dispatcher.now()
          const dlr = Http.definedStrings(Wire.encodeDeliveryReceipt({
            msisdn: to,
            to: from,
            networkCode: network,
            messageId: id,
            price: Wire.money(price),
            status: receipt.status,
            scts: Wire.scts(at),
            errCode: receipt.errCode,
            apiKey,
            ...(clientRef === undefined ? {} : { clientRef }),
            messageTimestamp: Wire.vonageTimestamp(at)
          }))
          return Effect.map(signParams(state, dlr), (signed) =>
            vonageStyle({ kind: "sms-dlr", messageId: id, url, method, params: signed }))
        }))
      }
    }
    dispatcher.scheduleNow(callbacks, resolution.callbacks)
  }
  return Http.json(200, Wire.encodeSmsResponse({ messageCount: String(parts), messages }), gatewayHeaders)
}

/** `POST /communication/nexmo/sms/register`: registers the inbound webhook of a test number (KPN gateway). */
export const register = (state: State, incoming: Http.Incoming): Effect.Effect<Http.Reply> =>
  Effect.gen(function*() {
    const refused = yield* KpnGateway.checkBearer(state, incoming)
    if (refused !== undefined) return refused
    const form = new URLSearchParams(incoming.body)
    const to = form.get("to")
    const callbackUrl = form.get("callback_url")
    if (to === null || callbackUrl === null || to.trim() === "" || callbackUrl.trim() === "") {
      return Http.json(400, { errorResponse: { code: "400", message: "Bad Request", info: "to and callback_url are required" } })
    }
    state.registrations.set(Http.e164(to), callbackUrl)
    return Http.json(200, { message: "Your callback url is registered." })
  })
