import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Content, Message, Phone, Recipient } from "@switchboard/core"
import { InMemoryChannel, InMemoryProvider, InMemoryWebhook } from "@switchboard/testing"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const alice = Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+31612345678") })
const bob = Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+31687654321") })

const message = (id: string, content: Content.Outbound = Content.text("Your code is 123456"), to = alice) =>
  Message.make({ id: Schema.decodeSync(Message.MessageId)(id), recipient: to, content, sender: "Switchboard" })

describe("InMemoryChannel", () => {
  it.effect("sends through the provider's HTTP API and returns its ids in the receipt", () =>
    Effect.gen(function*() {
      const { channel, http, provider } = yield* InMemoryChannel.fixture({ pricePerPart: "0.0500" })
      const msg = yield* message("order-1")
      const receipt = yield* channel.send(msg)
      assert.strictEqual(receipt.channel, "sms.inmemory")
      assert.strictEqual(receipt.messageId, msg.id)
      assert.deepStrictEqual(receipt.providerMessageIds, ["im-000001"])
      assert.strictEqual(receipt.price, "0.0500")
      assert.strictEqual(receipt.currency, "EUR")

      const [sent] = yield* provider.sent
      assert.strictEqual(sent!.messageId, "order-1")
      assert.strictEqual(sent!.to, "+31612345678")
      assert.strictEqual(sent!.from, "Switchboard")
      assert.deepStrictEqual(sent!.content, Content.text("Your code is 123456"))

      const requests = yield* http.requests
      assert.strictEqual(requests.length, 1)
      assert.strictEqual(requests[0]!.headers.authorization, "Bearer inmemory-fixture-api-key")
    }))

  it.effect("carries every content kind when its capabilities claim them, for any address kind", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture({
        channel: "messenger.inmemory",
        address: "messenger",
        outbound: ["Text", "Image", "Audio", "Video", "File", "Template", "Custom", "Binary"],
        receipts: ["delivered", "read"]
      })
      const contents: ReadonlyArray<Content.Outbound> = [
        Content.text("hi"),
        Content.image("https://example.com/a.jpg", { caption: "a" }),
        Content.audio("https://example.com/a.mp3"),
        Content.video("https://example.com/a.mp4"),
        Content.file("https://example.com/a.pdf", { name: "a.pdf", caption: "the file" }),
        Content.template("reminder", ["Alice"], { locale: "en_GB" }),
        Content.custom({ type: "buttons", buttons: [{ title: "Yes" }] }),
        Content.binary("48656c6c6f", { udh: "050003cc0201", protocolId: 65 })
      ]
      const psid = Recipient.make({ messengerId: "5234567890123456" })
      for (const [i, content] of contents.entries()) yield* channel.send(yield* message(`kind-${i}`, content, psid))
      const sent = yield* provider.sent
      assert.deepStrictEqual(sent.map((s) => s.content), contents)
      assert.isTrue(sent.every((s) => s.to === "5234567890123456"))
    }))

  it.effect("counts parts of a long text and returns one provider id per part", () =>
    Effect.gen(function*() {
      const { channel } = yield* InMemoryChannel.fixture()
      const receipt = yield* channel.send(yield* message("long", Content.text("x".repeat(400))))
      assert.strictEqual(receipt.parts, 3)
      assert.deepStrictEqual(receipt.providerMessageIds, ["im-000001", "im-000002", "im-000003"])
    }))

  it.effect("sends ttl in seconds and answers a repeated message id with the first answer", () =>
    Effect.gen(function*() {
      const { channel, http, provider } = yield* InMemoryChannel.fixture()
      const msg = yield* Message.make({
        id: Schema.decodeSync(Message.MessageId)("retry-me"),
        recipient: alice,
        content: Content.text("hi"),
        ttl: Duration.millis(90_500)
      })
      const first = yield* channel.send(msg)
      const second = yield* channel.send(msg)
      assert.deepStrictEqual(second.providerMessageIds, first.providerMessageIds)
      assert.strictEqual((yield* provider.sent).length, 1)
      assert.strictEqual((yield* http.requests).length, 2)
      assert.isTrue(Duration.equals((yield* provider.sent)[0]!.ttl!, Duration.seconds(91)))
    }))

  it.effect("refuses a sender the provider does not allow, before any I/O", () =>
    Effect.gen(function*() {
      const { channel, http } = yield* InMemoryChannel.fixture()
      const msg = yield* Message.make({ recipient: alice, content: Content.text("hi"), sender: "Far too long a sender" })
      const error = yield* Effect.flip(channel.send(msg))
      assert.strictEqual(error._tag, "InvalidMessage")
      assert.strictEqual(error._tag === "InvalidMessage" ? error.field : undefined, "sender")
      assert.strictEqual((yield* http.requests).length, 0)
    }))

  it.effect("maps injected provider failures, for some recipients or a number of times", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture()
      yield* provider.fail(InMemoryProvider.rateLimited(30), { times: 1 })
      const limited = yield* Effect.flip(channel.send(yield* message("a-1")))
      assert.strictEqual(limited._tag, "RateLimited")
      assert.strictEqual(limited._tag === "RateLimited" ? limited.retryAfterMillis : 0, 30_000)
      yield* channel.send(yield* message("a-2"))

      yield* provider.fail(InMemoryProvider.blockedRecipient, { to: "+31687654321" })
      const blocked = yield* Effect.flip(channel.send(yield* message("b-1", Content.text("hi"), bob)))
      assert.strictEqual(blocked._tag === "Rejected" ? blocked.rejection : blocked._tag, "BlockedRecipient")
      yield* channel.send(yield* message("a-3"))

      const expectations: ReadonlyArray<readonly [InMemoryProvider.Failure, string]> = [
        [InMemoryProvider.unavailable(), "ProviderUnavailable"],
        [InMemoryProvider.unauthorized, "AuthenticationFailed"],
        [InMemoryProvider.insufficientCredit, "Rejected"],
        [InMemoryProvider.invalidRecipient, "Rejected"],
        [InMemoryProvider.transportError, "ProviderUnavailable"]
      ]
      for (const [i, [failure, tag]] of expectations.entries()) {
        yield* provider.fail(failure, { times: 1 })
        assert.strictEqual((yield* Effect.flip(channel.send(yield* message(`f-${i}`))))._tag, tag)
      }
      yield* provider.recover
      yield* channel.send(yield* message("b-2", Content.text("hi"), bob))
      assert.deepStrictEqual((yield* provider.sent).map((s) => s.messageId), ["a-2", "a-3", "b-2"])
    }))

  it.effect("times out on a provider that never answers, after the client's timeout", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture()
      yield* provider.fail(InMemoryProvider.hang)
      const fiber = yield* Effect.fork(Effect.flip(channel.send(yield* message("slow"))))
      yield* TestClock.adjust("30 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ProviderUnavailable")
      assert.include(error.message, "did not answer within 30s")
    }))

  it.effect("retries retryable errors with a retry policy, honouring Retry-After", () =>
    Effect.gen(function*() {
      const { channel, http, provider } = yield* InMemoryChannel.fixture({
        retry: { attempts: 3, initialDelay: "1 second" }
      })
      yield* provider.fail(InMemoryProvider.rateLimited(20), { times: 2 })
      const fiber = yield* Effect.fork(channel.send(yield* message("patient")))
      yield* TestClock.adjust("20 seconds")
      assert.strictEqual((yield* http.requests).length, 2)
      yield* TestClock.adjust("20 seconds")
      const receipt = yield* Fiber.join(fiber)
      assert.strictEqual(receipt.messageId, "patient")
      assert.strictEqual((yield* http.requests).length, 3)
    }))
})

describe("InMemoryProvider", () => {
  it.effect("reports statuses through signed callbacks, one update per part, kept and published", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture()
      const subscriber = yield* Effect.fork(Stream.runCollect(Stream.take(provider.statusUpdates, 3)))
      yield* TestClock.adjust("1 millis") // let the subscriber subscribe
      const receipt = yield* channel.send(yield* message("dlr", Content.text("y".repeat(200))))
      const at = DateTime.unsafeMake("2026-01-01T10:00:05.000Z")

      const updates = yield* provider.report("dlr", "delivered", { at })
      assert.strictEqual(updates.length, 2)
      assert.deepStrictEqual(updates.map((u) => u.providerMessageId), [...receipt.providerMessageIds])
      const [first] = updates
      assert.strictEqual(first!.channel, "sms.inmemory")
      assert.strictEqual(first!.messageId, "dlr")
      assert.strictEqual(first!.state, "delivered")
      assert.strictEqual(first!.recipient, "+31612345678")
      assert.isTrue(DateTime.Equivalence(first!.at, at))

      // by provider id too, with the provider's error code
      const failed = yield* provider.report(receipt.providerMessageIds[0], "undeliverable", { code: "E42", text: "absent" })
      assert.strictEqual(failed[0]!.providerCode, "E42")
      assert.strictEqual(failed[0]!.providerText, "absent")

      assert.strictEqual((yield* provider.reported).length, 4)
      const published = Chunk.toReadonlyArray(yield* Fiber.join(subscriber))
      assert.deepStrictEqual(published.map((u) => u.state), ["delivered", "delivered", "undeliverable"])
    }))

  it.effect("gives the signed callback requests, which the webhook parser accepts", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture({ webhookUrl: "https://app.example/hooks/im" })
      yield* channel.send(yield* message("hook"))
      const [request] = yield* provider.callbacks("hook", "read")
      assert.strictEqual(request!.url, "https://app.example/hooks/im")
      assert.match(request!.headers[InMemoryWebhook.signatureHeader]!, /^sha256=[0-9a-f]{64}$/)
      const events = yield* InMemoryWebhook.parser({ secret: provider.webhookSecret })(request!)
      assert.strictEqual(events[0]!._tag === "StatusUpdate" ? events[0]!.state : undefined, "read")
      assert.deepStrictEqual(yield* provider.reported, []) // callbacks alone publish nothing
    }))

  it.effect("refuses to report on a message it never accepted", () =>
    Effect.gen(function*() {
      const { provider } = yield* InMemoryChannel.fixture()
      const error = yield* Effect.flip(provider.report("nope", "delivered"))
      assert.strictEqual(error._tag, "NoSuchMessage")
      assert.strictEqual(error.id, "nope")
    }))

  it.effect("answers its API like a provider: wrong key, wrong path, wrong method, bad body", () =>
    Effect.gen(function*() {
      const { http, provider } = yield* InMemoryChannel.fixture()
      const call = (method: "GET" | "POST", path: string, body: string, key = "inmemory-fixture-api-key") =>
        Effect.flatMap(
          http.client.execute(
            (method === "GET"
              ? HttpClientRequest.get(`https://api.inmemory.test${path}`)
              : HttpClientRequest.post(`https://api.inmemory.test${path}`).pipe(
                HttpClientRequest.bodyText(body, "application/json")
              )).pipe(HttpClientRequest.bearerToken(key))
          ),
          (response) => Effect.map(response.json, (json) => [response.status, json] as const)
        )
      const valid = JSON.stringify({ to: "+31612345678", client_ref: "x", content: { type: "text", text: "hi" } })
      assert.deepStrictEqual((yield* call("POST", "/v1/messages", valid, "wrong-key"))[0], 401)
      assert.deepStrictEqual((yield* call("POST", "/v2/messages", valid))[0], 404)
      assert.deepStrictEqual((yield* call("GET", "/v1/messages", ""))[0], 405)
      const [status, body] = yield* call("POST", "/v1/messages", "{not json")
      assert.strictEqual(status, 400)
      assert.deepStrictEqual(body, { error: { code: "invalid_request", message: "the body is not a send request" } })
      const bad = JSON.stringify({ to: "+31612345678", client_ref: "x", content: { type: "image", url: "not a url" } })
      assert.deepStrictEqual((yield* call("POST", "/v1/messages", bad))[0], 400)
      assert.deepStrictEqual((yield* call("POST", "/v1/messages", valid))[0], 201)
      assert.strictEqual((yield* provider.sent).length, 1)
    }))
})
