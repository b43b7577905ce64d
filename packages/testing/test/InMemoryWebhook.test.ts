import { assert, describe, it } from "@effect/vitest"
import { InMemoryWebhook } from "@switchboard/testing"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Redacted from "effect/Redacted"

const secret = Redacted.make("whsec-test-0123456789abcdef")
const parse = InMemoryWebhook.parser({ secret, channel: "sms.inmemory" })
const url = "https://app.example/webhooks/inmemory"

const delivered = InMemoryWebhook.callback(secret, url, {
  messageId: "im-000007",
  clientRef: "order-1234",
  status: "delivered",
  timestamp: "2026-01-01T10:00:05.000Z",
  to: "+31612345678",
  price: "0.0500",
  currency: "EUR"
})

describe("InMemoryWebhook", () => {
  it.effect("turns a signed callback into a StatusUpdate", () =>
    Effect.gen(function*() {
      const [update] = yield* parse(delivered)
      if (update?._tag !== "StatusUpdate") return assert.fail("expected a StatusUpdate")
      assert.strictEqual(update.channel, "sms.inmemory")
      assert.strictEqual(update.providerMessageId, "im-000007")
      assert.strictEqual(update.messageId, "order-1234")
      assert.strictEqual(update.state, "delivered")
      assert.strictEqual(update.price, "0.0500")
      assert.strictEqual(update.recipient, "+31612345678")
      assert.isTrue(DateTime.Equivalence(update.at, DateTime.unsafeMake("2026-01-01T10:00:05.000Z")))
    }))

  it.effect("drops a client reference that is not a message id instead of failing", () =>
    Effect.gen(function*() {
      const request = InMemoryWebhook.callback(secret, url, {
        messageId: "im-1",
        clientRef: "not a valid id!",
        status: "failed",
        timestamp: "2026-01-01T10:00:05.000Z",
        errorCode: "E1"
      })
      const [update] = yield* parse(request)
      if (update?._tag !== "StatusUpdate") return assert.fail("expected a StatusUpdate")
      assert.isUndefined(update.messageId)
      assert.strictEqual(update.providerCode, "E1")
    }))

  it.effect("refuses a missing or wrong signature, a tampered body and other methods", () =>
    Effect.gen(function*() {
      const { [InMemoryWebhook.signatureHeader]: _, ...unsigned } = delivered.headers
      const missing = yield* Effect.flip(parse({ ...delivered, headers: unsigned }))
      assert.strictEqual(missing.reason, "Unauthorized")
      assert.strictEqual(missing.status, 401)
      const wrong = yield* Effect.flip(
        parse({ ...delivered, headers: { ...delivered.headers, [InMemoryWebhook.signatureHeader]: "sha256=00" } })
      )
      assert.strictEqual(wrong.reason, "Unauthorized")
      const tampered = yield* Effect.flip(parse({ ...delivered, body: delivered.body.replace("delivered", "read") }))
      assert.strictEqual(tampered.reason, "Unauthorized")
      const get = yield* Effect.flip(parse({ ...delivered, method: "GET" }))
      assert.strictEqual(get.reason, "MethodNotAllowed")
      assert.strictEqual(get.status, 405)
    }))

  it.effect("reports a signed body that is not a callback as malformed", () =>
    Effect.gen(function*() {
      for (const body of ["{not json", JSON.stringify({ message_id: "x", status: "lost", timestamp: "now" })]) {
        const error = yield* Effect.flip(
          parse({ ...delivered, body, headers: { [InMemoryWebhook.signatureHeader]: InMemoryWebhook.sign(secret, body) } })
        )
        assert.strictEqual(error.reason, "Malformed")
        assert.strictEqual(error.status, 400)
      }
    }))

  it.prop("a signature verifies its own body and no other", [fc.string(), fc.string()], ([body, other]) => {
    const signature = InMemoryWebhook.sign(secret, body)
    assert.isTrue(InMemoryWebhook.verify(secret, body, signature))
    assert.strictEqual(InMemoryWebhook.verify(secret, other, signature), other === body)
    assert.isFalse(InMemoryWebhook.verify(Redacted.make("another-secret-value"), body, signature))
  })
})
