import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Status from "../src/Status.js"
import * as Webhook from "../src/Webhook.js"
import * as WebhookHttp from "../src/WebhookHttp.js"

// A parser that accepts `?secret=ok` and turns `id` + `status` parameters into one status update.
const parser: Webhook.Parser = (request) =>
  Effect.gen(function*() {
    const params = Webhook.params(request)
    if (params.secret !== "ok") return yield* Effect.fail(Webhook.unauthorized("bad signature"))
    if (typeof params.id !== "string") return yield* Effect.fail(Webhook.malformed("id is missing"))
    return [
      new Status.StatusUpdate({
        channel: "test",
        providerMessageId: params.id,
        state: "delivered",
        at: DateTime.unsafeMake(0)
      })
    ]
  })

const serve = Effect.gen(function*() {
  const received = yield* Ref.make<ReadonlyArray<Webhook.Event>>([])
  const router = HttpRouter.empty.pipe(
    WebhookHttp.mount("/hook", parser, (events) => Ref.update(received, (all) => [...all, ...events]), {
      maxBodyBytes: 64
    })
  )
  const handler = HttpApp.toWebHandler(router)
  return { handler, received }
})

describe("WebhookHttp", () => {
  it.effect("passes GET query webhooks to the handler and answers 200", () =>
    Effect.gen(function*() {
      const { handler, received } = yield* serve
      const response = yield* Effect.promise(() => handler(new Request("http://localhost/hook?secret=ok&id=m1")))
      assert.strictEqual(response.status, 200)
      const events = yield* Ref.get(received)
      assert.strictEqual(events.length, 1)
      assert.strictEqual((events[0] as Status.StatusUpdate).providerMessageId, "m1")
    }))

  it.effect("reads form and JSON POST bodies", () =>
    Effect.gen(function*() {
      const { handler, received } = yield* serve
      const form = yield* Effect.promise(() =>
        handler(
          new Request("http://localhost/hook", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "secret=ok&id=m2"
          })
        )
      )
      const json = yield* Effect.promise(() =>
        handler(
          new Request("http://localhost/hook?secret=ok", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ id: "m3" })
          })
        )
      )
      assert.deepStrictEqual([form.status, json.status], [200, 200])
      const ids = (yield* Ref.get(received)).map((e) => (e as Status.StatusUpdate).providerMessageId)
      assert.deepStrictEqual(ids, ["m2", "m3"])
    }))

  it.effect("answers 401 for a bad signature and 400 for a malformed payload, handling nothing", () =>
    Effect.gen(function*() {
      const { handler, received } = yield* serve
      const unauthorized = yield* Effect.promise(() => handler(new Request("http://localhost/hook?secret=no&id=x")))
      const malformed = yield* Effect.promise(() => handler(new Request("http://localhost/hook?secret=ok")))
      assert.strictEqual(unauthorized.status, 401)
      assert.deepStrictEqual(yield* Effect.promise(() => unauthorized.json()), {
        error: "Unauthorized",
        message: "bad signature"
      })
      assert.strictEqual(malformed.status, 400)
      assert.strictEqual((yield* Ref.get(received)).length, 0)
    }))

  it.effect("answers 413 for a body over the limit", () =>
    Effect.gen(function*() {
      const { handler, received } = yield* serve
      const response = yield* Effect.promise(() =>
        handler(
          new Request("http://localhost/hook?secret=ok", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: `id=${"x".repeat(100)}`
          })
        )
      )
      assert.strictEqual(response.status, 413)
      assert.strictEqual((yield* Ref.get(received)).length, 0)
    }))
})
