import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { MockHttpClient } from "@switchboard/testing"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const ok = MockHttpClient.json({ ok: true })

const execute = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request))

const lastRequest = Effect.map(MockHttpClient.requests, (all) => all[all.length - 1]!)

describe("MockHttpClient", () => {
  describe("recording", () => {
    it.effect("records method, full URL with query, path, query and lower-cased headers", () =>
      Effect.gen(function*() {
        yield* execute(
          HttpClientRequest.get("https://api.example.com/v1/status", {
            urlParams: { id: "42", tag: ["a", "b"] },
            headers: { "X-Request-Id": "r-1" }
          }).pipe(HttpClientRequest.bearerToken("t0ken-value"))
        )
        const request = yield* lastRequest
        assert.strictEqual(request.method, "GET")
        assert.strictEqual(request.url, "https://api.example.com/v1/status?id=42&tag=a&tag=b")
        assert.strictEqual(request.path, "/v1/status")
        assert.deepStrictEqual(request.query, { id: "42", tag: "a" })
        assert.strictEqual(request.headers["x-request-id"], "r-1")
        assert.strictEqual(MockHttpClient.header(request, "Authorization"), "Bearer t0ken-value")
        assert.strictEqual(request.body, "")
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(ok)))))

    it.effect("decodes a JSON body and records its content type", () =>
      Effect.gen(function*() {
        const request = yield* HttpClientRequest.post("https://api.example.com/v1/messages").pipe(
          HttpClientRequest.bodyJson({ to: "+31612345678", text: "héllo ✓" })
        )
        yield* execute(request)
        const recorded = yield* lastRequest
        assert.deepStrictEqual(MockHttpClient.bodyJson(recorded), { to: "+31612345678", text: "héllo ✓" })
        assert.strictEqual(recorded.headers["content-type"], "application/json")
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(ok)))))

    it.effect("decodes a form body", () =>
      Effect.gen(function*() {
        yield* execute(
          HttpClientRequest.post("https://rest.example.com/sms/json").pipe(
            HttpClientRequest.bodyUrlParams({ api_key: "k", text: "a b&c", to: "31612345678" })
          )
        )
        const recorded = yield* lastRequest
        assert.deepStrictEqual(MockHttpClient.bodyForm(recorded), { api_key: "k", text: "a b&c", to: "31612345678" })
        assert.strictEqual(recorded.headers["content-type"], "application/x-www-form-urlencoded")
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(ok)))))

    it.effect("decodes text, raw (string, bytes, URLSearchParams), stream and multipart bodies", () =>
      Effect.gen(function*() {
        const url = "https://api.example.com/upload"
        const bodies: ReadonlyArray<HttpBody.HttpBody> = [
          HttpBody.text("plain text", "text/plain"),
          HttpBody.raw("raw string", { contentType: "text/csv" }),
          HttpBody.raw(new TextEncoder().encode("raw bytes")),
          HttpBody.raw(new URLSearchParams({ a: "1", b: "2" })),
          HttpBody.stream(Stream.make(new TextEncoder().encode("str"), new TextEncoder().encode("eam")), "text/plain"),
          HttpBody.formDataRecord({ field: "value", other: "x" })
        ]
        for (const body of bodies) yield* execute(HttpClientRequest.post(url, { body }))
        const [text, raw, bytes, params, stream, multipart] = yield* MockHttpClient.requests
        assert.strictEqual(text!.body, "plain text")
        assert.strictEqual(raw!.body, "raw string")
        assert.strictEqual(raw!.headers["content-type"], "text/csv")
        assert.strictEqual(bytes!.body, "raw bytes")
        assert.strictEqual(params!.body, "a=1&b=2")
        assert.strictEqual(stream!.body, "stream")
        assert.match(multipart!.headers["content-type"]!, /^multipart\/form-data; boundary=/)
        assert.include(multipart!.body, `name="field"`)
        assert.include(multipart!.body, "value")
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(ok)))))

    it.effect.prop("records any text body byte for byte", [fc.string({ unit: "grapheme" })], ([text]) =>
      Effect.gen(function*() {
        const mock = yield* MockHttpClient.make(MockHttpClient.always(ok))
        yield* mock.client.execute(HttpClientRequest.post("https://x.test/", { body: HttpBody.text(text) }))
        const [recorded] = yield* mock.requests
        assert.strictEqual(recorded!.body, text)
      }))

    it.effect("records requests that hang or fail, and clear forgets them", () =>
      Effect.gen(function*() {
        const mock = yield* MockHttpClient.MockHttpClient
        yield* mock.enqueue(MockHttpClient.transportError(), MockHttpClient.hang)
        yield* Effect.either(execute(HttpClientRequest.get("https://api.example.com/a")))
        const fiber = yield* Effect.fork(execute(HttpClientRequest.get("https://api.example.com/b")))
        // once every fiber is suspended, the hanging request has been recorded
        yield* TestClock.adjust("1 millis")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        assert.deepStrictEqual((yield* mock.requests).map((r) => r.path), ["/a", "/b"])
        yield* Fiber.interrupt(fiber)
        yield* MockHttpClient.clear
        assert.deepStrictEqual(yield* MockHttpClient.requests, [])
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(ok)))))
  })

  describe("answers", () => {
    it.effect("json, text, form and empty responses carry status, headers and body", () =>
      Effect.gen(function*() {
        const mock = yield* MockHttpClient.MockHttpClient
        yield* mock.enqueue(
          MockHttpClient.json({ id: "m-1" }, { status: 201, headers: { "X-Quota": "99" } }),
          MockHttpClient.text("pong"),
          MockHttpClient.form({ status: "0", "message-id": "abc" }),
          MockHttpClient.empty(204)
        )
        const get = (path: string) => execute(HttpClientRequest.get(`https://api.example.com${path}`))

        const json = yield* get("/1")
        assert.strictEqual(json.status, 201)
        assert.strictEqual(json.headers["x-quota"], "99")
        assert.strictEqual(json.headers["content-type"], "application/json")
        assert.deepStrictEqual(yield* json.json, { id: "m-1" })

        const text = yield* get("/2")
        assert.strictEqual(text.status, 200)
        assert.strictEqual(yield* text.text, "pong")

        const form = yield* get("/3")
        assert.deepStrictEqual([...(yield* form.urlParamsBody)], [["status", "0"], ["message-id", "abc"]])

        const empty = yield* get("/4")
        assert.strictEqual(empty.status, 204)
        assert.strictEqual(yield* empty.text, "")
      }).pipe(Effect.provide(MockHttpClient.layer())))

    it.effect("a transport failure is a RequestError with reason Transport", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(execute(HttpClientRequest.post("https://api.example.com/v1/messages")))
        assert.strictEqual(error._tag, "RequestError")
        if (error._tag === "RequestError") {
          assert.strictEqual(error.reason, "Transport")
          assert.strictEqual(error.description, "connection refused")
          assert.strictEqual(error.request.url, "https://api.example.com/v1/messages")
        }
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(MockHttpClient.transportError()))))
    )

    it.effect("a hanging provider never answers: only a timeout ends the request", () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          execute(HttpClientRequest.get("https://api.example.com/slow")).pipe(Effect.timeout("30 seconds"))
        )
        yield* TestClock.adjust("29 seconds")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        yield* TestClock.adjust("1 second")
        const exit = yield* Fiber.await(fiber)
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          assert.strictEqual(Option.getOrThrow(Cause.failureOption(exit.cause))._tag, "TimeoutException")
        }
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(MockHttpClient.hang)))))

    it.effect("a handler computes answers from the request, directly or as an Effect", () =>
      Effect.gen(function*() {
        const response = yield* execute(HttpClientRequest.get("https://api.example.com/echo?name=ada"))
        assert.deepStrictEqual(yield* response.json, { hello: "ada" })
        const effectful = yield* execute(HttpClientRequest.get("https://api.example.com/later"))
        assert.strictEqual(effectful.status, 202)
      }).pipe(
        Effect.provide(
          MockHttpClient.layer((request) =>
            request.path === "/later"
              ? Effect.succeed(MockHttpClient.empty(202))
              : MockHttpClient.json({ hello: request.query.name })
          )
        )
      ))

    it.effect("queued outcomes come first, in order, then the handler; setHandler replaces it", () =>
      Effect.gen(function*() {
        yield* MockHttpClient.enqueue(MockHttpClient.empty(500), MockHttpClient.empty(503))
        const statuses: Array<number> = []
        for (let i = 0; i < 3; i++) {
          statuses.push((yield* execute(HttpClientRequest.get("https://api.example.com/x"))).status)
        }
        assert.deepStrictEqual(statuses, [500, 503, 200])
        yield* MockHttpClient.setHandler(MockHttpClient.always(MockHttpClient.empty(429)))
        assert.strictEqual((yield* execute(HttpClientRequest.get("https://api.example.com/x"))).status, 429)
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(ok)))))

    it.effect("without an answer, a request is a defect that names it", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(execute(HttpClientRequest.del("https://api.example.com/v1/thing")))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
        if (Exit.isFailure(exit)) {
          assert.include(Cause.pretty(exit.cause), "MockHttpClient has no answer for DELETE https://api.example.com/v1/thing")
        }
      }).pipe(Effect.provide(MockHttpClient.layer())))

    it.effect("refuses to answer with a status fetch cannot represent", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(execute(HttpClientRequest.get("https://api.example.com/")))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(MockHttpClient.empty(99))))))
  })

  describe("routes", () => {
    const handler = MockHttpClient.routes({
      "POST /v1/messages": MockHttpClient.json({ route: "messages" }, { status: 201 }),
      "GET https://auth.example.com/token": MockHttpClient.json({ route: "token" }),
      "* /health": (request) => MockHttpClient.json({ route: `health ${request.method}` })
    }, MockHttpClient.always(MockHttpClient.json({ route: "fallback" }, { status: 404 })))

    const route = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(execute(request), (response) => Effect.map(response.json, (body) => [response.status, body]))

    it.effect("matches by method and path or absolute URL, ignoring the query; the fallback gets the rest", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* route(HttpClientRequest.post("https://api.example.com/v1/messages?x=1")), [
          201,
          { route: "messages" }
        ])
        assert.deepStrictEqual(yield* route(HttpClientRequest.get("https://auth.example.com/token")), [
          200,
          { route: "token" }
        ])
        assert.deepStrictEqual(yield* route(HttpClientRequest.head("https://api.example.com/health")), [
          200,
          { route: "health HEAD" }
        ])
        // same path on another host, other method: not the absolute-URL route nor the POST route
        assert.deepStrictEqual(yield* route(HttpClientRequest.get("https://evil.example.com/token")), [
          404,
          { route: "fallback" }
        ])
        assert.deepStrictEqual(yield* route(HttpClientRequest.get("https://api.example.com/v1/messages")), [
          404,
          { route: "fallback" }
        ])
      }).pipe(Effect.provide(MockHttpClient.layer(handler))))
  })
})
