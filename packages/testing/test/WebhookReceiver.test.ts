import { assert, describe, it } from "@effect/vitest"
import type { Webhook } from "@switchboard/core"
import { InMemoryWebhook, WebhookReceiver } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"

const secret = Redacted.make("whsec-test-0123456789abcdef")
const parser = InMemoryWebhook.parser({ secret })

const delivered = (messageId: string) =>
  InMemoryWebhook.callback(secret, "unused", {
    messageId,
    status: "delivered",
    timestamp: "2026-01-01T10:00:05.000Z"
  })

/** Sends `request` to `url` as a provider would, and returns the status it got. */
const deliver = (url: string, request: Pick<Webhook.Request, "method" | "headers" | "body">) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.method === "GET" ? {} : { body: request.body })
    })
    await response.text()
    return response.status
  })

describe("WebhookReceiver", () => {
  it.scopedLive("mounts the parsers: accepted events are collected, refused requests get their 4xx", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({ parsers: { "/webhooks/status": parser } })
      assert.match(receiver.url, /^http:\/\/127\.0\.0\.1:\d+$/)

      assert.strictEqual(yield* deliver(`${receiver.url}/webhooks/status?attempt=1`, delivered("im-1")), 200)
      const [update] = yield* receiver.events.takeN(1)
      assert.strictEqual(update?._tag === "StatusUpdate" ? update.providerMessageId : undefined, "im-1")

      const forged = { ...delivered("im-2"), body: delivered("im-3").body }
      assert.strictEqual(yield* deliver(`${receiver.url}/webhooks/status`, forged), 401)
      assert.strictEqual(yield* deliver(`${receiver.url}/webhooks/status`, { ...delivered("im-4"), method: "GET" }), 405)
      assert.strictEqual(yield* deliver(`${receiver.url}/elsewhere`, delivered("im-5")), 404)
      assert.deepStrictEqual(yield* receiver.events.takeAll, [])

      const requests = yield* receiver.requests.all
      assert.deepStrictEqual(requests.map((r) => [r.method, r.path, r.status]), [
        ["POST", "/webhooks/status", 200],
        ["POST", "/webhooks/status", 401],
        ["GET", "/webhooks/status", 405],
        ["POST", "/elsewhere", 404]
      ])
      assert.strictEqual(requests[0]!.url, "/webhooks/status?attempt=1")
      assert.strictEqual(requests[0]!.query.get("attempt"), "1")
      assert.strictEqual(requests[0]!.body, delivered("im-1").body)
      assert.strictEqual(requests[0]!.headers["content-type"], "application/json")
      assert.deepStrictEqual((yield* receiver.events.all).map((event) => event._tag), ["StatusUpdate"])
    }))

  it.scopedLive("take waits for the next event; all keeps what was taken", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookReceiver.make({ parsers: { "/a": parser, "/b": parser } })
      const waiting = yield* Effect.fork(receiver.events.take)
      assert.strictEqual(yield* deliver(`${receiver.url}/b`, delivered("im-1")), 200)
      const first = yield* Fiber.join(waiting)
      assert.strictEqual(first._tag === "StatusUpdate" ? first.providerMessageId : undefined, "im-1")
      yield* deliver(`${receiver.url}/a`, delivered("im-2"))
      yield* deliver(`${receiver.url}/b`, delivered("im-3"))
      const rest = yield* receiver.events.takeAll
      assert.deepStrictEqual(rest.map((e) => e._tag === "StatusUpdate" ? e.providerMessageId : ""), ["im-2", "im-3"])
      assert.strictEqual((yield* receiver.events.all).length, 3)
      assert.deepStrictEqual((yield* receiver.requests.takeN(3)).map((r) => r.path), ["/b", "/a", "/b"])
    }))

  it.scopedLive("onEvents runs with the events before the webhook is answered", () =>
    Effect.gen(function*() {
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      const receiver = yield* WebhookReceiver.make({
        parsers: { "/status": parser },
        onEvents: (events, request) =>
          Ref.update(seen, (all) => [...all, ...events.map((e) => `${request.method} ${e._tag}`)])
      })
      assert.strictEqual(yield* deliver(`${receiver.url}/status`, delivered("im-1")), 200)
      assert.deepStrictEqual(yield* Ref.get(seen), ["POST StatusUpdate"])
    }))

  it.scopedLive("without parsers: every request is recorded raw and answered with the given status", () =>
    Effect.gen(function*() {
      const failing = yield* WebhookReceiver.make({ status: 500 })
      const ok = yield* WebhookReceiver.make()
      assert.strictEqual(yield* deliver(`${failing.url}/dlr?id=7`, { method: "POST", headers: {}, body: "a=1" }), 500)
      assert.strictEqual(yield* deliver(`${ok.url}/anything`, { method: "GET", headers: {}, body: "" }), 200)
      const received = yield* failing.requests.take
      assert.deepStrictEqual([received.method, received.path, received.query.get("id"), received.body, received.status], [
        "POST",
        "/dlr",
        "7",
        "a=1",
        500
      ])
      assert.deepStrictEqual(yield* failing.events.all, [])
      assert.deepStrictEqual((yield* ok.requests.all).map((r) => [r.method, r.path, r.status]), [["GET", "/anything", 200]])
    }))

  it.live("with a timeout, a webhook that never comes fails the take with a reason", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.scoped(Effect.flatMap(WebhookReceiver.make({ timeout: "50 millis" }), (receiver) => receiver.requests.takeN(2)))
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "fewer than 2 webhook requests arrived within 50ms")
    }))

  it.live("stops listening when its scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const receiver = yield* Scope.extend(WebhookReceiver.make(), scope)
      assert.strictEqual(yield* deliver(`${receiver.url}/ping`, { method: "GET", headers: {}, body: "" }), 200)
      yield* Scope.close(scope, Exit.void)
      const refused = yield* Effect.either(Effect.tryPromise(() => fetch(`${receiver.url}/ping`)))
      assert.strictEqual(refused._tag, "Left")
    }))
})
