import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Webhook from "../src/Webhook.js"

const request = (fields: Partial<Webhook.Request>): Webhook.Request => ({
  method: "POST",
  url: "https://example.com/webhooks/dlr",
  headers: {},
  body: "",
  ...fields
})

describe("Webhook", () => {
  describe("header", () => {
    it("finds a header whatever its case", () => {
      const r = request({ headers: { "Content-Type": "application/json", "x-nexmo-signature": "abc" } })
      assert.strictEqual(Webhook.header(r, "content-type"), "application/json")
      assert.strictEqual(Webhook.header(r, "CONTENT-TYPE"), "application/json")
      assert.strictEqual(Webhook.header(r, "X-Nexmo-Signature"), "abc")
      assert.isUndefined(Webhook.header(r, "authorization"))
    })

    it("skips headers whose value is undefined, as Node reports absent ones", () => {
      const r = request({ headers: { authorization: undefined, Authorization: "Bearer t" } })
      assert.strictEqual(Webhook.header(r, "authorization"), "Bearer t")
    })

    it("never answers with Object.prototype's members", () => {
      const r = request({ headers: {} })
      for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
        assert.isUndefined(Webhook.header(r, name), name)
      }
      assert.strictEqual(Webhook.header(request({ headers: { Constructor: "x" } }), "constructor"), "x")
    })

    it("contentType is the lower-cased media type without parameters", () => {
      assert.strictEqual(
        Webhook.contentType(request({ headers: { "Content-Type": "Application/JSON; charset=UTF-8" } })),
        "application/json"
      )
      assert.strictEqual(Webhook.contentType(request({})), "")
    })
  })

  describe("query", () => {
    it("decodes the query string, keeping the first of repeated names", () => {
      const r = request({
        method: "GET",
        url: "https://example.com/dlr?msisdn=447700900000&status=delivered&text=Hello+world%21&status=failed"
      })
      assert.deepStrictEqual(Webhook.query(r), { msisdn: "447700900000", status: "delivered", text: "Hello world!" })
    })

    it("is empty without a query string", () => {
      assert.deepStrictEqual(Webhook.query(request({ url: "/dlr" })), {})
      assert.deepStrictEqual(Webhook.query(request({ url: "/dlr?" })), {})
    })

    it("keeps parameters named like Object.prototype's members", () => {
      const q = Webhook.query(request({ url: "/dlr?constructor=1&toString=2&__proto__=3&hasOwnProperty=4" }))
      assert.strictEqual(q["constructor"], "1")
      assert.strictEqual(q["toString"], "2")
      assert.strictEqual(q["hasOwnProperty"], "4")
      assert.isTrue(Object.hasOwn(q, "__proto__"))
      assert.strictEqual(Object.getPrototypeOf(q), Object.prototype)
    })
  })

  describe("params", () => {
    it("reads a GET request's query", () => {
      const r = request({ method: "GET", url: "/inbound?msisdn=31612345678&to=3197010000000&text=Hi" })
      assert.deepStrictEqual(Webhook.params(r), { msisdn: "31612345678", to: "3197010000000", text: "Hi" })
    })

    it("reads a form POST, the body winning over the query", () => {
      const r = request({
        url: "/inbound?source=query&keep=1",
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: "msisdn=31612345678&text=Caf%C3%A9+%E2%82%AC5&source=body"
      })
      assert.deepStrictEqual(Webhook.params(r), {
        source: "body",
        keep: "1",
        msisdn: "31612345678",
        text: "Café €5"
      })
    })

    it("reads a JSON POST, keeping non-string values as they are", () => {
      const r = request({
        url: "/status?channel=sms",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ message_uuid: "aaa", status: "read", usage: { price: "0.01" }, concat: true })
      })
      assert.deepStrictEqual(Webhook.params(r), {
        channel: "sms",
        message_uuid: "aaa",
        status: "read",
        usage: { price: "0.01" },
        concat: true
      })
    })

    it("reads JSON from +json media types and from a body with no content type", () => {
      const body = JSON.stringify({ a: 1 })
      assert.deepStrictEqual(Webhook.params(request({ headers: { "content-type": "application/vnd.x+json" }, body })), {
        a: 1
      })
      assert.deepStrictEqual(Webhook.params(request({ body })), { a: 1 })
    })

    it("falls back to the query for bodies it cannot read", () => {
      const url = "/dlr?id=1"
      assert.deepStrictEqual(Webhook.params(request({ url, headers: { "content-type": "application/json" }, body: "{oops" })), {
        id: "1"
      })
      assert.deepStrictEqual(Webhook.params(request({ url, headers: { "content-type": "application/json" }, body: "[1,2]" })), {
        id: "1"
      })
      assert.deepStrictEqual(Webhook.params(request({ url, headers: { "content-type": "text/plain" }, body: "a=b" })), {
        id: "1"
      })
      assert.deepStrictEqual(Webhook.params(request({ url, body: "  \n" })), { id: "1" })
    })

    const headerValue = fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/x-www-form-urlencoded",
        "application/problem+json",
        "text/plain",
        "",
        ";",
        "APPLICATION/JSON; charset=utf-8"
      ),
      fc.string()
    )
    const garbage = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.json(),
      fc.constantFrom("%", "%E0%A4%A", "a=%ZZ&b", "{\"__proto__\":{\"x\":1}}", "null", "\ud800=1")
    )

    it.prop("never throws, whatever the url, content type and body", [garbage, headerValue, garbage], ([url, type, body]) => {
      const r = request({ url, headers: { "content-type": type }, body })
      const params = Webhook.params(r)
      assert.isObject(params)
      Webhook.query(r)
      Webhook.contentType(r)
    })
  })

  describe("json", () => {
    it.effect("parses a JSON body", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* Webhook.json(request({ body: "{\"status\":\"delivered\"}" })), {
          status: "delivered"
        })
      }))

    it.effect("fails with a Malformed WebhookError on garbage, answered with 400", () =>
      Effect.gen(function*() {
        for (const body of ["", "{", "status=delivered", "<xml/>", "{\"a\":1}}"]) {
          const error = yield* Effect.flip(Webhook.json(request({ body })))
          assert.instanceOf(error, Webhook.WebhookError)
          assert.strictEqual(error.reason, "Malformed")
          assert.strictEqual(error.status, 400)
        }
      }))
  })

  describe("errors and decoding", () => {
    it("maps each reason to its HTTP status", () => {
      assert.strictEqual(Webhook.unauthorized("bad signature").status, 401)
      assert.strictEqual(Webhook.malformed("no id").status, 400)
      assert.strictEqual(new Webhook.WebhookError({ reason: "MethodNotAllowed", message: "PUT" }).status, 405)
    })

    it.effect("decode names the wrong field in a Malformed error", () =>
      Effect.gen(function*() {
        const Dlr = Schema.Struct({ messageId: Schema.String, status: Schema.Literal("delivered", "failed") })
        const ok = yield* Webhook.decode(Dlr, "Vonage DLR")({ messageId: "1", status: "delivered", extra: "x" })
        assert.deepStrictEqual(ok, { messageId: "1", status: "delivered" })
        const error = yield* Effect.flip(Webhook.decode(Dlr, "Vonage DLR")({ messageId: "1", status: "bogus" }))
        assert.strictEqual(error.reason, "Malformed")
        assert.include(error.message, "Vonage DLR")
        assert.include(error.message, "status")
      }))

    it("Event decodes status updates and inbound messages", () => {
      const decode = Schema.decodeUnknownSync(Webhook.Event)
      const event = decode({
        _tag: "StatusUpdate",
        channel: "sms.vonage",
        providerMessageId: "0A1",
        state: "delivered",
        at: "2026-01-01T10:00:00.000Z"
      })
      assert.strictEqual(event._tag, "StatusUpdate")
      assert.isTrue(DateTime.isDateTime(event._tag === "StatusUpdate" ? event.at : undefined))
    })
  })
})
