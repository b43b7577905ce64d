import { assert, describe, it } from "@effect/vitest"
import { Content, Message, type Phone, Recipient } from "@switchboard/core"
import type { MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import { KpnSmsChannel, KpnSmsClient } from "../src/index.js"
import { accepted, channelLayer, setSmsHandler, smsRequests } from "./support/kpn.js"
import { loadSendOperation } from "./support/openapi.js"

const numbers = (count: number): Array<string> =>
  Array.from({ length: count }, (_, i) => `+3162${String(i).padStart(7, "0")}`)

describe("requests against KPN's SMS definition (swagger 2.0)", () => {
  it.effect("every request the client and the channel send is valid", () =>
    Effect.gen(function*() {
      const operation = yield* loadSendOperation
      yield* setSmsHandler(() => accepted("doc"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const channel = yield* KpnSmsChannel.KpnSmsChannel

      // the channel: plain, with sender and ttl, unicode, the longest text
      const recipient = Recipient.make({ phone: "+31612345678" as Phone.E164 })
      yield* channel.send(yield* Message.make({ recipient, content: Content.text("Hi from KPN!") }))
      yield* channel.send(
        yield* Message.make({ recipient, sender: "KPN API", content: Content.text("Tot zo 👋"), ttl: "10 seconds" })
      )
      yield* channel.send(yield* Message.make({ recipient, content: Content.text("x".repeat(1000)) }))
      // the client: several messages, comma-separated recipients, a full batch of 200, a broadcast
      yield* kpn.send({
        sender: "Switchboard",
        messages: [{ to: ["0612345678", "097012345678"], text: "one" }, { to: "0612345679", text: "two" }],
        webhookUrl: "https://example.com/dlr",
        expireIn: "1 hour"
      })
      yield* kpn.send({ messages: [{ to: numbers(200), text: "batch" }] })
      yield* kpn.broadcast({ text: "broadcast", to: numbers(450) })

      const requests = yield* smsRequests
      assert.strictEqual(requests.length, 8)
      for (const request of requests) {
        assert.deepStrictEqual(operation.validate(request), [], request.body.slice(0, 200))
        const url = new URL(request.url)
        assert.strictEqual(url.host, operation.host)
        assert.strictEqual(url.pathname, operation.path)
      }
    }).pipe(Effect.provide(channelLayer({ webhookUrl: "https://example.com/kpn/dlr" }))))

  it.effect("the validator catches a request that breaks the definition", () =>
    Effect.gen(function*() {
      const operation = yield* loadSendOperation
      const recorded = (body: unknown, headers: Record<string, string> = {}): MockHttpClient.RecordedRequest => ({
        method: "POST",
        url: "https://api-prd.kpn.com/communication/kpn/sms/send",
        path: "/communication/kpn/sms/send",
        query: {},
        headers: { "content-type": "application/json", authorization: "Bearer t", ...headers },
        body: JSON.stringify(body),
        request: undefined as never
      })
      assert.deepStrictEqual(operation.validate(recorded({ messages: [{ mobile_number: "+31612345678", content: "x" }] })), [])
      assert.isNotEmpty(operation.validate(recorded({ messages: [] })))
      assert.isNotEmpty(operation.validate(recorded({ messages: [{ mobile_number: "+31612345678" }] })))
      assert.isNotEmpty(operation.validate(recorded({ messages: [{ mobile_number: 31612345678, content: "x" }] })))
      assert.isNotEmpty(operation.validate(recorded({ sender: 1, messages: [{ mobile_number: "+31612345678", content: "x" }] })))
      assert.isNotEmpty(
        operation.validate(recorded({ messages: [{ mobile_number: "+31612345678", content: "x" }] }, { authorization: "" }))
      )
    }))

  it.effect("the older path carries the same body", () =>
    Effect.gen(function*() {
      const operation = yield* loadSendOperation
      yield* setSmsHandler(() => accepted("doc"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      yield* kpn.send({ messages: [{ to: "0612345678", text: "legacy" }], sender: "Old" })
      const [request] = yield* smsRequests
      assert.strictEqual(new URL(request!.url).pathname, "/messaging/sms-kpn/v1/send")
      assert.deepStrictEqual(operation.validate(request!), [])
    }).pipe(Effect.provide(channelLayer({}, { path: KpnSmsClient.legacyPath }))))
})

