import { assert, layer } from "@effect/vitest"
import { KpnWebhookSignature, MessagesWebhookJwt, VonageSignature } from "@switchboard/auth"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Support from "./support.js"

const secret = Redacted.make(Support.signingSecret)
const wrongSecret = Redacted.make("not-the-secret")

const endpoints = {
  vonageSmsDlr: "/webhooks/vonage/sms/dlr",
  vonageSmsInbound: "/webhooks/vonage/sms/inbound",
  vonageMessagesStatus: "/webhooks/vonage/messages/status",
  vonageMessagesInbound: "/webhooks/vonage/messages/inbound",
  kpnSmsDlr: "/webhooks/kpn/sms/dlr",
  kpnSmsInbound: "/webhooks/kpn/sms/inbound"
} as const

type Kind = "vonage-sms" | "messages" | "kpn"
const kindOf = (path: string): Kind => path.includes("/vonage/sms/") ? "vonage-sms" : path.includes("/messages/") ? "messages" : "kpn"

// A request to `path` carrying `body`, signed the way the provider signs (with `key`), or unsigned.
const signed = (path: string, body: string, key: Redacted.Redacted<string> | undefined) =>
  Effect.gen(function*() {
    switch (kindOf(path)) {
      case "vonage-sms": {
        // Vonage signs the parameters; garbage parameters are still parameters
        const params = key === undefined
          ? { text: body }
          : yield* VonageSignature.sign({ params: { text: body }, secret: key, algorithm: "sha256" })
        return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) }
      }
      case "messages": {
        const headers: Record<string, string> = { "content-type": "application/json" }
        if (key !== undefined) headers.authorization = `Bearer ${yield* MessagesWebhookJwt.sign({ body, secret: key })}`
        return { method: "POST", headers, body }
      }
      case "kpn": {
        const headers: Record<string, string> = { "content-type": "application/json" }
        if (key !== undefined) Object.assign(headers, yield* KpnWebhookSignature.sign({ body, secret: key, keyId: "switchboard" }))
        return { method: "POST", headers, body }
      }
    }
  })

layer(Support.layer(), { excludeTestServices: true, timeout: "120 seconds" })("provider webhooks", (it) => {
  it.effect("refuse unsigned and forged requests with 401", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      for (const path of Object.values(endpoints)) {
        const body = JSON.stringify({ status: "delivered", message_uuid: "x", Status: "1", document_id: "x", messageId: "x" })
        for (const key of [undefined, wrongSecret]) {
          const answer = yield* Support.call(url, path, yield* signed(path, body, key))
          assert.strictEqual(answer.status, 401, `${path} ${key === undefined ? "unsigned" : "forged"}: ${answer.text}`)
          assert.strictEqual(answer.body._tag, "Unauthorized")
          assert.isString(answer.body.message)
        }
      }
      const get = yield* Support.call(url, `${endpoints.vonageSmsDlr}?messageId=x&status=delivered`)
      assert.strictEqual(get.status, 401)
      assert.match(get.body.message, /sig/)
    }))

  it.effect("refuse signed garbage with 400 and a message", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      for (const path of Object.values(endpoints)) {
        for (const body of ["garbage", "[1,2,3]", "{\"status\": 42}", "{}"]) {
          const answer = yield* Support.call(url, path, yield* signed(path, body, secret))
          assert.strictEqual(answer.status, 400, `${path} ${body}: ${answer.text}`)
          assert.strictEqual(answer.body._tag, "BadRequest")
          assert.isAbove(answer.body.message.length, 5)
        }
      }
    }))

  it.effect("refuse oversize bodies with 413", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      const big = JSON.stringify({ text: "x".repeat(70_000) })
      for (const path of Object.values(endpoints)) {
        const answer = yield* Support.call(url, path, yield* signed(path, big, secret))
        assert.strictEqual(answer.status, 413, `${path}: ${answer.text}`)
        assert.strictEqual(answer.body._tag, "PayloadTooLarge")
      }
      // streamed, without a content-length: counted as it arrives
      const chunk = new TextEncoder().encode("x".repeat(16_384))
      const streamed = yield* Support.call(url, endpoints.vonageSmsDlr, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 5; i++) controller.enqueue(chunk)
            controller.close()
          }
        }),
        duplex: "half"
      } as RequestInit)
      assert.strictEqual(streamed.status, 413, streamed.text)
      assert.strictEqual(streamed.body._tag, "PayloadTooLarge")
    }))

  it.effect("a signed, well-formed status update for an unknown message is accepted and changes nothing", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      const body = JSON.stringify({
        message_uuid: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        to: "447911123456",
        from: "447700900000",
        timestamp: "2026-01-01T10:00:00Z",
        status: "delivered",
        channel: "whatsapp"
      })
      const answer = yield* Support.call(url, endpoints.vonageMessagesStatus, yield* signed(endpoints.vonageMessagesStatus, body, secret))
      assert.strictEqual(answer.status, 200, answer.text)
      assert.strictEqual(answer.text, "OK")
    }))

  it.effect("nothing a client sends makes a webhook answer 5xx", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      const paths = Object.values(endpoints)
      const samples = fc.sample(
        fc.record({
          path: fc.constantFrom(...paths),
          body: fc.oneof(fc.string(), fc.json(), fc.constant("")),
          contentType: fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", ""),
          sign: fc.boolean()
        }),
        { numRuns: 60, seed: 8 }
      )
      for (const sample of samples) {
        const request = sample.sign
          ? yield* signed(sample.path, sample.body, secret)
          : { method: "POST", headers: {} as Record<string, string>, body: sample.body }
        if (sample.contentType !== "") request.headers = { ...request.headers, "content-type": sample.contentType }
        const answer = yield* Support.call(url, sample.path, request)
        assert.include([200, 400, 401, 405, 413], answer.status, `${sample.path} ${JSON.stringify(sample.body)}: ${answer.text}`)
      }
      const health = yield* Support.call(url, "/health")
      assert.strictEqual(health.status, 200)
    }))
})
