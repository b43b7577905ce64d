// The README's examples, run as written.
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Content, Message, Recipient } from "@switchboard/core"
import { InMemoryChannel, InMemoryProvider, InMemoryWebhook, MockHttpClient, OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import { Effect, Redacted } from "effect"

describe("README", () => {
  it.effect("sends the message as JSON", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const request = yield* HttpClientRequest.post("https://api.example.com/v1/messages").pipe(
        HttpClientRequest.bearerToken("test-token"),
        HttpClientRequest.bodyJson({ to: "+31612345678", text: "Hi" })
      )
      const response = yield* client.execute(request)
      assert.deepStrictEqual(yield* response.json, { id: "msg-1" })

      const [sent] = yield* MockHttpClient.requests
      assert.strictEqual(sent!.url, "https://api.example.com/v1/messages")
      assert.strictEqual(MockHttpClient.header(sent!, "authorization"), "Bearer test-token")
      assert.deepStrictEqual(MockHttpClient.bodyJson(sent!), { to: "+31612345678", text: "Hi" })
    }).pipe(
      Effect.provide(MockHttpClient.layer(MockHttpClient.routes({
        "POST /v1/messages": MockHttpClient.json({ id: "msg-1" }, { status: 201 })
      })))
    ))

  it.effect("a 429, then a dropped connection, then whatever the handler says", () =>
    Effect.gen(function*() {
      yield* MockHttpClient.enqueue(
        MockHttpClient.json({ error: "slow down" }, { status: 429, headers: { "Retry-After": "2" } }),
        MockHttpClient.transportError("connection reset by peer")
      )
      const client = yield* HttpClient.HttpClient
      const limited = yield* client.get("https://api.example.com/")
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers["retry-after"], "2")
      const dropped = yield* Effect.flip(client.get("https://api.example.com/"))
      assert.strictEqual(dropped._tag === "RequestError" ? dropped.reason : dropped._tag, "Transport")
      assert.strictEqual((yield* client.get("https://api.example.com/")).status, 204)
    }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(MockHttpClient.empty(204))))))

  it.effect("sends, fails on demand, and reports delivery", () =>
    Effect.gen(function*() {
      const { channel, provider } = yield* InMemoryChannel.fixture({ channel: "sms.primary" })
      const recipient = yield* Recipient.fromPhone("+31612345678")
      const message = yield* Message.make({ recipient, content: Content.text("Your code is 123456") })

      const receipt = yield* channel.send(message)
      assert.strictEqual((yield* provider.sent)[0]!.messageId, message.id)

      // the next send is throttled
      yield* provider.fail(InMemoryProvider.rateLimited(30), { times: 1 })
      const error = yield* Effect.flip(channel.send(message))
      assert.strictEqual(error._tag, "RateLimited")

      // a signed delivery callback, parsed into StatusUpdates (also published on provider.statusUpdates)
      const [update] = yield* provider.report(message.id, "delivered")
      assert.strictEqual(update!.providerMessageId, receipt.providerMessageIds[0])
      assert.strictEqual(update!.channel, "sms.primary")
    }))

  it.effect("every request is valid against the provider's definition", () =>
    Effect.gen(function*() {
      const spec = yield* OpenApiValidator.load(new URL("./fixtures/inmemory.openapi.yml", import.meta.url))
      const { channel, http } = yield* InMemoryChannel.fixture()
      const recipient = yield* Recipient.fromPhone("+31612345678")
      yield* channel.send(yield* Message.make({ recipient, content: Content.text("Your code is 123456") }))

      const [sent] = yield* http.requests
      const request = { headers: sent!.headers, body: MockHttpClient.bodyJson(sent!) }
      assert.deepStrictEqual(OpenApiValidator.requestErrors(spec, "POST /v1/messages", request), [])

      // a negative control: the validator does check
      assert.deepStrictEqual(
        OpenApiValidator.requestErrors(spec, "POST /v1/messages", { ...request, body: { content: { type: "text" } } }),
        ["body to: must have required property 'to'", "body client_ref: must have required property 'client_ref'"]
      )
    }))

  it.scopedLive("a signed status callback arrives as a StatusUpdate; a forged one is refused", () =>
    Effect.gen(function*() {
      const secret = Redacted.make("whsec-example-0123456789")
      const receiver = yield* WebhookReceiver.make({
        parsers: { "/webhooks/status": InMemoryWebhook.parser({ secret }) }
      })
      const callback = InMemoryWebhook.callback(secret, `${receiver.url}/webhooks/status`, {
        messageId: "im-000001",
        status: "delivered",
        timestamp: "2026-01-01T10:00:00.000Z"
      })
      // what the provider (here: fetch) does
      const post = (body: string) =>
        Effect.promise(() => fetch(callback.url, { method: "POST", headers: callback.headers as Record<string, string>, body }))
      yield* post(callback.body)
      yield* post(callback.body.replace("delivered", "read"))

      const [update] = yield* receiver.events.takeN(1) // waits for it
      assert.strictEqual(update!._tag, "StatusUpdate")
      assert.deepStrictEqual((yield* receiver.requests.all).map((request) => request.status), [200, 401])
    }))
})
