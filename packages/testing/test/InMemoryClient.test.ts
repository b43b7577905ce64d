import { assert, describe, it } from "@effect/vitest"
import { ChannelError } from "@switchboard/core"
import { InMemoryChannel, InMemoryClient, MockHttpClient } from "@switchboard/testing"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

const apiKey = "client-test-key-0c7d33e1"

const layer = (handler: MockHttpClient.Handler) =>
  InMemoryClient.layer({ baseUrl: "https://api.inmemory.test/", apiKey: Redacted.make(apiKey), timeout: "5 seconds" })
    .pipe(Layer.provideMerge(MockHttpClient.layer(handler)))

const accepted = MockHttpClient.json(
  {
    message_ids: ["im-1", "im-2"],
    parts: 2,
    price: "0.1000",
    currency: "EUR",
    accepted_at: "2026-01-01T10:00:00.000Z"
  },
  { status: 201 }
)

const send = (request: InMemoryClient.SendRequest = { to: "+31612345678", clientRef: "m-1", content: { type: "text", text: "hi" } }) =>
  Effect.flatMap(InMemoryClient.InMemoryClient, (client) => client.send(request, { idempotencyKey: request.clientRef }))

const errorBody = (code: string) => ({ error: { code, message: `provider says ${code}` } })

describe("InMemoryClient", () => {
  it.effect("POSTs the wire request with the Bearer key, an idempotency key and snake_case JSON", () =>
    Effect.gen(function*() {
      const response = yield* send({
        to: "+31612345678",
        from: "Switchboard",
        clientRef: "order-1",
        ttlSeconds: 600,
        content: { type: "binary", bodyHex: "48656c6c6f", udhHex: "050003cc0201", protocolId: 0 }
      })
      assert.deepStrictEqual(response.messageIds, ["im-1", "im-2"])
      assert.strictEqual(response.parts, 2)
      assert.strictEqual(response.price, "0.1000")
      assert.isTrue(DateTime.Equivalence(response.acceptedAt, DateTime.unsafeMake("2026-01-01T10:00:00.000Z")))

      const [request] = yield* MockHttpClient.requests
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, "https://api.inmemory.test/v1/messages")
      assert.strictEqual(request!.headers.authorization, `Bearer ${apiKey}`)
      assert.strictEqual(request!.headers["idempotency-key"], "order-1")
      assert.strictEqual(request!.headers.accept, "application/json")
      assert.deepStrictEqual(MockHttpClient.bodyJson(request!), {
        to: "+31612345678",
        from: "Switchboard",
        client_ref: "order-1",
        ttl_seconds: 600,
        content: { type: "binary", body_hex: "48656c6c6f", udh_hex: "050003cc0201", protocol_id: 0 }
      })
    }).pipe(Effect.provide(layer(() => accepted))))

  it.effect("turns an error answer into a Status error with the provider's code, text and Retry-After", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(send())
      assert.strictEqual(error.reason, "Status")
      assert.strictEqual(error.status, 429)
      assert.strictEqual(error.code, "rate_limited")
      assert.strictEqual(error.text, "provider says rate_limited")
      assert.strictEqual(error.retryAfterMillis, 12_000)
    }).pipe(
      Effect.provide(
        layer(() => MockHttpClient.json(errorBody("rate_limited"), { status: 429, headers: { "retry-after": "12" } }))
      )
    ))

  it.effect("reads Retry-After as an HTTP date, relative to the clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-01T10:00:00Z"))
      const error = yield* Effect.flip(send())
      assert.strictEqual(error.retryAfterMillis, 90_000)
    }).pipe(
      Effect.provide(
        layer(() =>
          MockHttpClient.json(errorBody("rate_limited"), {
            status: 429,
            headers: { "retry-after": "Thu, 01 Jan 2026 10:01:30 GMT" }
          })
        )
      )
    ))

  it.effect("keeps an error answer without a readable body as a bare Status error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(send())
      assert.strictEqual(error.reason, "Status")
      assert.strictEqual(error.status, 502)
      assert.isUndefined(error.code)
    }).pipe(Effect.provide(layer(() => MockHttpClient.text("<html>Bad gateway</html>", { status: 502 })))))

  it.effect("reports a transport error, an unreadable success and a timeout", () =>
    Effect.gen(function*() {
      const mock = yield* MockHttpClient.MockHttpClient
      yield* mock.enqueue(
        MockHttpClient.transportError(),
        MockHttpClient.json({ unexpected: true }, { status: 201 }),
        MockHttpClient.hang
      )
      assert.strictEqual((yield* Effect.flip(send())).reason, "Transport")
      assert.strictEqual((yield* Effect.flip(send())).reason, "Decode")
      const fiber = yield* Effect.fork(Effect.flip(send()))
      yield* TestClock.adjust("5 seconds")
      const timedOut = yield* Fiber.join(fiber)
      assert.strictEqual(timedOut.reason, "Timeout")
      assert.strictEqual(timedOut.message, "the provider did not answer within 5s")
    }).pipe(Effect.provide(layer(() => accepted))))

  it.effect("never carries the API key or the request in its errors", () =>
    Effect.gen(function*() {
      const mock = yield* MockHttpClient.MockHttpClient
      yield* mock.enqueue(MockHttpClient.transportError(`refused ${apiKey}`))
      const error = yield* Effect.flip(send())
      assert.notInclude(JSON.stringify(error), apiKey)
      assert.notInclude(String(error), apiKey)
      assert.notProperty(error, "request")
    }).pipe(Effect.provide(layer(() => accepted))))
})

describe("InMemoryChannel.toChannelError", () => {
  const status = (status: number, code?: string, retryAfterMillis?: number) =>
    new InMemoryClient.InMemoryClientError({
      reason: "Status",
      status,
      message: `HTTP ${status}`,
      ...(code === undefined ? {} : { code, text: `text of ${code}` }),
      ...(retryAfterMillis === undefined ? {} : { retryAfterMillis })
    })

  const cases: ReadonlyArray<readonly [InMemoryClient.InMemoryClientError, string, string?]> = [
    [new InMemoryClient.InMemoryClientError({ reason: "Transport", message: "no route" }), "ProviderUnavailable"],
    [new InMemoryClient.InMemoryClientError({ reason: "Timeout", message: "slow" }), "ProviderUnavailable"],
    [new InMemoryClient.InMemoryClientError({ reason: "Decode", message: "garbage" }), "ProviderUnavailable"],
    [status(401, "unauthorized"), "AuthenticationFailed"],
    [status(402, "insufficient_credit"), "Rejected", "InsufficientCredit"],
    [status(403, "blocked_recipient"), "Rejected", "BlockedRecipient"],
    [status(403, "forbidden"), "Rejected", "NotPermitted"],
    [status(400, "invalid_recipient"), "Rejected", "InvalidRecipient"],
    [status(400, "invalid_sender"), "Rejected", "InvalidSender"],
    [status(400, "unsupported_content"), "Rejected", "ContentRefused"],
    [status(400, "invalid_request"), "InvalidMessage"],
    [status(413), "InvalidMessage"],
    [status(422), "InvalidMessage"],
    [status(404, "not_found"), "Rejected", "Other"],
    [status(408), "ProviderUnavailable"],
    [status(429, "rate_limited", 3000), "RateLimited"],
    [status(500, "internal_error"), "ProviderUnavailable"],
    [status(503), "ProviderUnavailable"]
  ]

  for (const [error, tag, rejection] of cases) {
    it(`${error.reason} ${error.status ?? ""} ${error.code ?? ""} → ${tag}${rejection ? ` (${rejection})` : ""}`, () => {
      const mapped = InMemoryChannel.toChannelError("sms.inmemory", error)
      assert.strictEqual(mapped._tag, tag)
      assert.strictEqual(mapped.channel, "sms.inmemory")
      if (mapped._tag === "Rejected") assert.strictEqual(mapped.rejection, rejection)
      if (error.code !== undefined) {
        assert.strictEqual(mapped.providerCode, error.code)
        assert.strictEqual(mapped.providerText, `text of ${error.code}`)
      }
    })
  }

  it("keeps Retry-After on RateLimited and the status on ProviderUnavailable", () => {
    const limited = InMemoryChannel.toChannelError("sms.inmemory", status(429, "rate_limited", 3000))
    assert.strictEqual(limited._tag === "RateLimited" ? limited.retryAfterMillis : -1, 3000)
    const down = InMemoryChannel.toChannelError("sms.inmemory", status(503))
    assert.strictEqual(down._tag === "ProviderUnavailable" ? down.status : -1, 503)
  })

  it.prop(
    "every HTTP status maps to a channel error, retryable exactly for 408, 429 and 5xx",
    [fc.integer({ min: 400, max: 599 })],
    ([code]) => {
      const mapped = InMemoryChannel.toChannelError("sms.inmemory", status(code))
      assert.isTrue(ChannelError.isChannelError(mapped))
      assert.strictEqual(mapped.retryable, code === 408 || code === 429 || code >= 500)
    }
  )
})
