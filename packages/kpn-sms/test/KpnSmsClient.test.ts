import { assert, describe, it } from "@effect/vitest"
import { MockHttpClient } from "@switchboard/testing"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { KpnSmsClient } from "../src/index.js"
import {
  accepted,
  clientLayer,
  clientSecret,
  quotaHeaders,
  setSmsHandler,
  smsRequests,
  smsUrl,
  tokenPath,
  tokenRequests
} from "./support/kpn.js"

const body = (request: MockHttpClient.RecordedRequest) => MockHttpClient.bodyJson(request) as Record<string, any>

const numbers = (count: number, from = 0): Array<string> =>
  Array.from({ length: count }, (_, i) => `+3161${String(from + i).padStart(7, "0")}`)

describe("KpnSmsClient", () => {
  it.effect("sends KPN's JSON body with a bearer token and reads the receipt and quota headers", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("b4e905d4-774c-4c83-8360-01427e17a33a", quotaHeaders(42)))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      assert.strictEqual(kpn.url, smsUrl)
      assert.isTrue(Option.isNone(yield* kpn.lastQuota))

      const result = yield* kpn.send({
        sender: "Switchboard",
        messages: [{ to: "06 12345678", text: "Hi from KPN!" }],
        webhookUrl: "https://example.com/kpn/dlr",
        expireIn: "10 minutes"
      })

      assert.strictEqual(result.documentId, "b4e905d4-774c-4c83-8360-01427e17a33a")
      assert.strictEqual(result.status, "OK")
      assert.deepStrictEqual(result.recipients, ["+31612345678"])
      assert.strictEqual(result.apiVersion, "v1")
      assert.strictEqual(result.sunset, undefined)
      assert.strictEqual(result.quota?.limit, 1000)
      assert.strictEqual(result.quota?.used, 42)
      assert.strictEqual(result.quota?.remaining, 958)
      assert.strictEqual(result.quota?.interval, 1)
      assert.strictEqual(result.quota?.timeUnit, "month")
      assert.strictEqual(result.quota?.resetAt?.epochMillis, 1700000000000)

      const last = yield* kpn.lastQuota
      assert.isTrue(Option.isSome(last))
      assert.strictEqual(Option.getOrThrow(last).used, 42)

      const [request] = yield* smsRequests
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, smsUrl)
      assert.strictEqual(MockHttpClient.header(request!, "authorization"), "Bearer token-1")
      assert.strictEqual(MockHttpClient.header(request!, "content-type"), "application/json")
      assert.deepStrictEqual(body(request!), {
        sender: "Switchboard",
        messages: [{ mobile_number: "+31612345678", content: "Hi from KPN!" }],
        webhook_url: "https://example.com/kpn/dlr",
        expirein: "600"
      })
    }).pipe(Effect.provide(clientLayer())))

  it.effect("normalizes every Dutch number format to E.164 and leaves optional fields out", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("doc-1"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const result = yield* kpn.send({
        messages: [
          { to: ["0612345678", "0031612345679", "+31 6 1234 5670"], text: "one" },
          { to: "097012345678,06-12345671", text: "two" }
        ]
      })
      assert.deepStrictEqual(result.recipients, [
        "+31612345678",
        "+31612345679",
        "+31612345670",
        "+3197012345678",
        "+31612345671"
      ])
      const [request] = yield* smsRequests
      assert.deepStrictEqual(body(request!), {
        messages: [
          { mobile_number: "+31612345678,+31612345679,+31612345670", content: "one" },
          { mobile_number: "+3197012345678,+31612345671", content: "two" }
        ]
      })
    }).pipe(Effect.provide(clientLayer())))

  it.effect("refuses what KPN would refuse before any I/O", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("never"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const cases: Array<[KpnSmsClient.SendRequest, string, string | undefined]> = [
        [{ messages: [{ to: "+447911123456", text: "hi" }] }, "Unaddressable", undefined],
        [{ messages: [{ to: "020 123 4567", text: "hi" }] }, "Unaddressable", undefined],
        [{ messages: [{ to: "0601234567", text: "hi" }] }, "InvalidMessage", "recipient.phone"],
        [{ messages: [{ to: "not a number", text: "hi" }] }, "InvalidMessage", "recipient.phone"],
        [{ messages: [{ to: [], text: "hi" }] }, "InvalidMessage", "recipient.phone"],
        [{ messages: [] }, "InvalidMessage", "messages"],
        [{ sender: "TwelveLetter", messages: [{ to: "0612345678", text: "hi" }] }, "InvalidMessage", "sender"],
        [{ sender: " ", messages: [{ to: "0612345678", text: "hi" }] }, "InvalidMessage", "sender"],
        [{ messages: [{ to: "0612345678", text: "" }] }, "InvalidMessage", "content.text"],
        [{ messages: [{ to: "0612345678", text: "x".repeat(1001) }] }, "InvalidMessage", "content.text"],
        [{ webhookUrl: "ftp://example.com", messages: [{ to: "0612345678", text: "hi" }] }, "InvalidMessage", "webhook_url"],
        [{ messages: [{ to: numbers(201), text: "hi" }] }, "InvalidMessage", "messages"],
        [{ messages: [{ to: numbers(150), text: "a" }, { to: numbers(51, 500), text: "b" }] }, "InvalidMessage", "messages"]
      ]
      for (const [request, tag, field] of cases) {
        const error = yield* Effect.flip(kpn.send(request))
        assert.strictEqual(error._tag, tag, JSON.stringify(request).slice(0, 100))
        if (field !== undefined) assert.strictEqual(error._tag === "InvalidMessage" ? error.field : undefined, field)
        assert.strictEqual(error.channel, "sms.kpn")
      }
      // exactly 11 characters and exactly 1000 characters and 200 recipients are fine
      yield* kpn.send({ sender: "ElevenChars", messages: [{ to: numbers(200), text: "x".repeat(1000) }] })
      assert.strictEqual((yield* MockHttpClient.requests).length, 2) // the token call and that one send
    }).pipe(Effect.provide(clientLayer())))

  it.effect("broadcasts one text in calls of at most 200 recipients, duplicates once", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler(() => accepted(`doc-${++n}`, quotaHeaders(n)))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const to = [...numbers(450), "+31610000000", "0610000001"]
      const result = yield* kpn.broadcast({ text: "Closed today", to, sender: "Office" })

      const requests = yield* smsRequests
      assert.strictEqual(requests.length, 3)
      const sizes = requests.map((r) => body(r).messages[0].mobile_number.split(",").length)
      assert.deepStrictEqual(sizes, [200, 200, 50])
      for (const request of requests) {
        assert.strictEqual(body(request).sender, "Office")
        assert.strictEqual(body(request).messages.length, 1)
        assert.strictEqual(body(request).messages[0].content, "Closed today")
      }
      assert.deepStrictEqual(result.documentIds, ["doc-1", "doc-2", "doc-3"])
      assert.strictEqual(result.accepted.length, 450)
      assert.strictEqual(result.failed.length, 0)
      assert.deepStrictEqual(result.batches.map((b) => b._tag), ["BatchAccepted", "BatchAccepted", "BatchAccepted"])
      assert.strictEqual(Option.getOrThrow(yield* kpn.lastQuota).used, 3)
    }).pipe(Effect.provide(clientLayer())))

  it.effect("reports a failed batch precisely and carries on with the others", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler(() =>
        ++n === 2
          ? MockHttpClient.json({ errorResponse: { code: "400", message: "Invalid mobile number" } }, { status: 400 })
          : accepted(`doc-${n}`)
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const result = yield* kpn.broadcast({ text: "hi", to: numbers(450) })
      assert.deepStrictEqual(result.batches.map((b) => b._tag), ["BatchAccepted", "BatchFailed", "BatchAccepted"])
      const failed = result.batches[1]!
      assert.strictEqual(failed._tag === "BatchFailed" ? failed.error._tag : undefined, "InvalidMessage")
      assert.strictEqual(failed._tag === "BatchFailed" ? failed.attempted : undefined, true)
      assert.deepStrictEqual([...result.failed], numbers(200, 200))
      assert.strictEqual(result.accepted.length, 250)
      assert.deepStrictEqual(result.documentIds, ["doc-1", "doc-3"])
    }).pipe(Effect.provide(clientLayer())))

  it.effect("stops a broadcast once KPN refuses the credentials", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() =>
        MockHttpClient.json({ fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } } }, {
          status: 401
        })
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const result = yield* kpn.broadcast({ text: "hi", to: numbers(600) })
      assert.deepStrictEqual(result.batches.map((b) => b._tag === "BatchFailed" ? b.attempted : "ok"), [true, false, false])
      assert.isTrue(result.batches.every((b) => b._tag === "BatchFailed" && b.error._tag === "AuthenticationFailed"))
      // one call, refused; one refresh and one retry by the bearer middleware; nothing after that
      assert.strictEqual((yield* smsRequests).length, 2)
      assert.strictEqual((yield* tokenRequests).length, 2)
    }).pipe(Effect.provide(clientLayer())))

  it.effect("retries a broadcast batch's retryable failures with the given policy", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler(() =>
        ++n === 1 ? MockHttpClient.json({}, { status: 503 }) : accepted(`doc-${n}`)
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const fiber = yield* Effect.fork(
        kpn.broadcast({ text: "hi", to: numbers(10), retry: { attempts: 2, initialDelay: "1 second" } })
      )
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      assert.deepStrictEqual(result.documentIds, ["doc-2"])
    }).pipe(Effect.provide(clientLayer())))

  it.effect("maps 429 to RateLimited with Retry-After and still records the quota", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() =>
        MockHttpClient.json({
          fault: {
            faultstring: "Rate limit quota violation. Quota limit exceeded. Identifier : _default",
            detail: { errorcode: "policies.ratelimit.QuotaViolation" }
          }
        }, { status: 429, headers: { ...quotaHeaders(1001), "Retry-After": "7" } })
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 7000)
      assert.strictEqual(error.providerCode, "policies.ratelimit.QuotaViolation")
      assert.isTrue(error.retryable)
      const quota = Option.getOrThrow(yield* kpn.lastQuota)
      assert.strictEqual(quota.used, 1001)
      assert.strictEqual(quota.remaining, 0)
    }).pipe(Effect.provide(clientLayer())))

  it.effect("maps 429 without Retry-After to the time until the quota resets", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      yield* setSmsHandler(() =>
        MockHttpClient.json({}, { status: 429, headers: quotaHeaders(5, { "quota-reset-UTC": "1700000090000" }) })
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 90_000)
    }).pipe(Effect.provide(clientLayer())))

  it.effect("renews the token once when the gateway answers the invalid-token fault with HTTP 500", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler((request) =>
        MockHttpClient.header(request, "authorization") === "Bearer token-1"
          ? MockHttpClient.json({ fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } } }, {
            status: 500
          })
          : accepted(`doc-${++n}`)
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const result = yield* kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      assert.strictEqual(result.documentId, "doc-1")
      assert.deepStrictEqual(
        (yield* smsRequests).map((r) => MockHttpClient.header(r, "authorization")),
        ["Bearer token-1", "Bearer token-2"]
      )
      assert.strictEqual((yield* tokenRequests).length, 2)
    }).pipe(Effect.provide(clientLayer())))

  it.effect("fails with AuthenticationFailed when the renewed token is refused too, without the secret", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() =>
        MockHttpClient.json({ fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } } }, {
          status: 500
        })
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(error._tag, "AuthenticationFailed")
      assert.strictEqual(error.channel, "sms.kpn")
      assert.strictEqual(error.providerCode, "oauth.v2.InvalidAccessToken")
      for (const text of [error.message, String(error), JSON.stringify(error)]) {
        assert.notInclude(text, clientSecret)
        assert.notInclude(text, "token-1")
        assert.notInclude(text, "token-2")
      }
    }).pipe(Effect.provide(clientLayer())))

  it.effect("reports the token endpoint's invalid_client as AuthenticationFailed of this channel", () =>
    Effect.gen(function*() {
      yield* MockHttpClient.setHandler((request) =>
        request.path === tokenPath
          ? MockHttpClient.json({ ErrorCode: "invalid_client", Error: "ClientId is Invalid" }, { status: 401 })
          : accepted("never")
      )
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(error._tag, "AuthenticationFailed")
      assert.strictEqual(error.channel, "sms.kpn")
      assert.include(error.message, "KPN_CLIENT_ID")
      assert.notInclude(JSON.stringify(error), clientSecret)
      assert.strictEqual((yield* smsRequests).length, 0)
    }).pipe(Effect.provide(clientLayer())))

  it.effect("a transport failure is ProviderUnavailable, never an HttpClientError", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.transportError("connection reset"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(error._tag, "ProviderUnavailable")
      assert.strictEqual(error.channel, "sms.kpn")
    }).pipe(Effect.provide(clientLayer())))

  it.effect("a provider that never answers is ProviderUnavailable after the timeout", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.hang)
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const fiber = yield* Effect.fork(Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ProviderUnavailable")
      assert.include(error.message, "5s")
    }).pipe(Effect.provide(clientLayer({ timeout: "5 seconds" }))))

  it.effect("a 2xx without a document id is a rejection (not retried: nothing was accepted)", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.json({ status: "NOK" }))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(error._tag, "Rejected")
      assert.strictEqual(error.providerText, "NOK")
      assert.isFalse(error.retryable)

      yield* setSmsHandler(() => MockHttpClient.text("<html>oops</html>"))
      const garbled = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "hi" }] }))
      assert.strictEqual(garbled._tag, "Rejected")
    }).pipe(Effect.provide(clientLayer())))

  it.effect("uses the older path, a base URL and the SubAccount header when configured", () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("doc"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      assert.strictEqual(kpn.url, "http://127.0.0.1:4010/messaging/sms-kpn/v1/send")
      yield* kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      const [request] = yield* smsRequests
      assert.strictEqual(request!.url, "http://127.0.0.1:4010/messaging/sms-kpn/v1/send")
      assert.strictEqual(MockHttpClient.header(request!, "subaccount"), "team-a")
    }).pipe(
      Effect.provide(
        clientLayer({ baseUrl: "http://127.0.0.1:4010/", path: KpnSmsClient.legacyPath, subAccount: "team-a" })
      )
    ))

  it.effect("warns once when KPN announces a sunset", () => {
    const logs: Array<string> = []
    const capture = Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ message }) => {
        logs.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
    )
    return Effect.gen(function*() {
      yield* setSmsHandler(() => accepted("doc", quotaHeaders(1, { sunset: "2026-12-31" })))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const first = yield* kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      yield* kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      assert.strictEqual(first.sunset, "2026-12-31")
      assert.strictEqual(logs.filter((line) => line.includes("sunset 2026-12-31")).length, 1)
    }).pipe(Effect.provide(clientLayer()), Effect.provide(capture))
  })

  it.effect("paces calls with the client-side rate limiter", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler(() => accepted(`doc-${++n}`))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const send = kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      const fiber = yield* Effect.fork(Effect.all([send, send, send]))
      // two calls go at once; the third waits for the window to reset
      while ((yield* TestClock.sleeps()).length === 0) {
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      }
      assert.strictEqual((yield* smsRequests).length, 2)
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(fiber)
      assert.deepStrictEqual(results.map((r) => r.documentId), ["doc-1", "doc-2", "doc-3"])
      assert.strictEqual((yield* smsRequests).length, 3)
    }).pipe(
      Effect.provide(clientLayer({ rateLimit: { limit: 2, interval: "1 second", algorithm: "fixed-window" } }))
    ))

  it.effect("the timeout does not count the wait for the rate limiter", () =>
    Effect.gen(function*() {
      let n = 0
      yield* setSmsHandler(() => accepted(`doc-${++n}`))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const send = kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      const fiber = yield* Effect.fork(Effect.all([send, send]))
      while ((yield* TestClock.sleeps()).length < 1 || (yield* smsRequests).length < 1) {
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      }
      // the second call waits 10 s for its slot, twice the 5 s timeout, and still succeeds
      yield* TestClock.adjust("10 seconds")
      const results = yield* Fiber.join(fiber)
      assert.deepStrictEqual(results.map((r) => r.documentId), ["doc-1", "doc-2"])
    }).pipe(
      Effect.provide(
        clientLayer({ timeout: "5 seconds", rateLimit: { limit: 1, interval: "10 seconds", algorithm: "fixed-window" } })
      )
    ))

  it.effect("stamps results with the time of KPN's answer", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 0, 1))
      yield* setSmsHandler(() => accepted("doc"))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const result = yield* kpn.send({ messages: [{ to: "0612345678", text: "hi" }] })
      assert.isTrue(DateTime.Equivalence(result.acceptedAt, DateTime.unsafeMake("2026-01-01T00:00:00Z")))
    }).pipe(Effect.provide(clientLayer())))
})

