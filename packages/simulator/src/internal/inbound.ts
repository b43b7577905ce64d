/**
 * Inbound traffic on demand: a person's message, delivered to the configured inbound webhook in the
 * API's own format (multi-part SMS as `concat-*` parts, in any order).
 *
 * @internal
 */
import { Sms } from "@switchboard/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { InboundMessage, RecordedCallback } from "../Simulator.js"
import { InboundError } from "../SimulatorError.js"
import type { Callback, Dispatcher } from "./callbacks.js"
import { jsonPost, vonageStyle } from "./callbacks.js"
import * as Http from "./http.js"
import * as KpnSms from "./kpnSms.js"
import * as Messages from "./messages.js"
import type { State } from "./state.js"
import * as VonageSms from "./vonageSms.js"
import * as Wire from "./wire.js"

const missingUrl = (what: string) =>
  new InboundError({ message: `no inbound URL: pass "url" or configure ${what} in the scenario` })

const keyword = (text: string): string => (text.trim().split(/\s+/)[0] ?? "").toUpperCase()

/** The order in which `total` parts are sent: 1-based part numbers. */
const partOrder = (order: InboundMessage["order"], total: number): Effect.Effect<ReadonlyArray<number>, InboundError> => {
  const natural = Array.from({ length: total }, (_, i) => i + 1)
  if (order === undefined || order === "natural") return Effect.succeed(natural)
  if (order === "reverse") return Effect.succeed(natural.reverse())
  const sorted = [...order].sort((a, b) => a - b)
  if (sorted.length !== total || sorted.some((part, i) => part !== i + 1)) {
    return Effect.fail(
      new InboundError({ message: `order must list each of the ${total} parts once (1-based), got [${order.join(", ")}]` })
    )
  }
  return Effect.succeed(order)
}

export const inject = (
  state: State,
  dispatcher: Dispatcher,
  input: InboundMessage
): Effect.Effect<ReadonlyArray<RecordedCallback>, InboundError> =>
  Effect.gen(function*() {
    const callbacks: Array<Callback> = []
    const copies = 1 + (input.duplicate ?? 0)
    switch (input.api) {
      case "vonage-sms":
      case "kpn-vonage-sms": {
        const config = state.scenario.webhooks?.vonageSms
        const url = input.url ?? state.registrations.get(Http.e164(input.to)) ?? config?.inboundUrl
        if (url === undefined) return yield* Effect.fail(missingUrl("webhooks.vonageSms.inboundUrl"))
        const parts = Sms.segments(input.text)
        const order = yield* partOrder(input.order, parts.length)
        const concatRef = String(Math.floor(Math.random() * 255) + 1)
        const type = Sms.isGsm7(input.text) ? "text" : "unicode"
        const apiKey = state.scenario.credentials?.vonage?.apiKey ?? "abcd1234"
        for (const number of order) {
          const text = parts[number - 1]!
          const now = yield* Clock.currentTimeMillis
          const params = Wire.encodeInboundSms({
            apiKey,
            msisdn: input.from.replace(/^\+/, ""),
            to: input.to.replace(/^\+/, ""),
            messageId: crypto.randomUUID(),
            text,
            type,
            keyword: keyword(number === 1 ? input.text : text),
            messageTimestamp: Wire.vonageTimestamp(now),
            ...(parts.length > 1
              ? {
                concat: "true",
                concatRef,
                concatTotal: String(parts.length),
                concatPart: String(number)
              }
              : {})
          })
          const signed = yield* VonageSms.signParams(state, Http.definedStrings(params))
          callbacks.push(vonageStyle({
            kind: "sms-inbound",
            messageId: params.messageId,
            url,
            method: config?.method ?? "POST-JSON",
            params: signed
          }))
        }
        break
      }
      case "kpn-sms": {
        const url = input.url ?? state.scenario.webhooks?.kpnSms?.inboundUrl
        if (url === undefined) return yield* Effect.fail(missingUrl("webhooks.kpnSms.inboundUrl"))
        const now = yield* Clock.currentTimeMillis
        const to = input.to.replace(/^\+/, "")
        const messageId = `${crypto.randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase()}.${to}`
        const body = JSON.stringify({
          sender: input.from.replace(/^\+/, ""),
          recipient: to,
          message_id: messageId,
          content: input.text,
          timestamp_utc: new Date(now).toISOString().replace("Z", ""),
          type: Sms.isGsm7(input.text) ? "text" : "unicode"
        })
        callbacks.push(jsonPost({
          kind: "kpn-inbound",
          messageId,
          url,
          body,
          headers: yield* KpnSms.signedHeaders(state, body)
        }))
        break
      }
      case "messages": {
        const url = input.url ?? state.scenario.webhooks?.messages?.inboundUrl
        if (url === undefined) return yield* Effect.fail(missingUrl("webhooks.messages.inboundUrl"))
        const channel = input.channel ?? "sms"
        callbacks.push(
          yield* Messages.inboundV1(state, {
            channel,
            from: input.from,
            to: input.to,
            text: input.text,
            parts: Sms.countSegments(input.text)
          }, url)
        )
        break
      }
      case "kpn-messages": {
        const url = input.url ?? state.scenario.webhooks?.kpnMessages?.inboundUrl
        if (url === undefined) return yield* Effect.fail(missingUrl("webhooks.kpnMessages.inboundUrl"))
        const channel = input.channel ?? "sms"
        callbacks.push(
          yield* Messages.inboundV01({
            channel,
            from: input.from,
            to: input.to,
            text: input.text,
            parts: Sms.countSegments(input.text)
          }, url)
        )
        break
      }
    }
    const sent: Array<RecordedCallback> = []
    for (const callback of callbacks) {
      for (let i = 0; i < copies; i++) sent.push(yield* dispatcher.send(callback))
    }
    state.inboundSent += callbacks.length
    return sent
  })
