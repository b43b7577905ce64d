import { assert, describe, layer } from "@effect/vitest"
import { VonageSignature } from "@switchboard/auth"
import { Sms } from "@switchboard/core"
import { Simulator } from "@switchboard/simulator"
import { OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Http from "./support/http.js"
import * as OpenApi from "./support/openapi.js"
import { setup } from "./support/simulator.js"

const smsSpec = OpenApi.load("vonage-sms.mock.yml")

const admin = (simulator: Simulator.Service, path: string, init: RequestInit = {}) =>
  Http.call(`${simulator.baseUrl}/_admin${path}`, init)

const put = (body: unknown): RequestInit => ({
  method: "PUT",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

const post = (body?: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) })
})

layer(Simulator.layer(), { excludeTestServices: true })("Admin API", (it) => {
  describe("over HTTP", () => {
    it.scoped("loads scenarios, lists requests with credentials redacted, counts, resets", () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        yield* admin(simulator, "/reset", post())
        const health = yield* admin(simulator, "/health")
        assert.deepStrictEqual(health.json, { status: "ok", baseUrl: simulator.baseUrl })

        const invalid = yield* admin(simulator, "/scenario", put({ rules: [{ outcome: { type: "nope" } }] }))
        assert.strictEqual(invalid.status, 400)
        assert.strictEqual(invalid.json.error, "ScenarioError")
        const loaded = yield* admin(simulator, "/scenario", put({ rules: [{ to: "+4477*", outcome: { type: "reject", code: 7 } }] }))
        assert.strictEqual(loaded.status, 204)
        assert.strictEqual((yield* admin(simulator, "/scenario")).json.rules[0].to, "+4477*")

        yield* Http.postForm(`${simulator.baseUrl}/sms/json`, {
          api_key: "abcd1234",
          api_secret: "very-secret-value",
          from: "Acme",
          to: "447700900000",
          text: "x"
        })
        yield* Http.postJson(`${simulator.baseUrl}/v1/messages`, {
          message_type: "text",
          channel: "sms",
          to: "447700900000",
          from: "Acme",
          text: "y"
        }, { authorization: Http.basic("abcd1234", "basic-secret") })
        yield* Http.postForm(`${simulator.baseUrl}/oauth/client_credential/accesstoken?grant_type=client_credentials`, {
          client_id: "id",
          client_secret: "client-secret-value"
        })
        yield* Http.call(`${simulator.baseUrl}/nothing/here`)

        const requests = (yield* admin(simulator, "/requests")).json
        assert.deepStrictEqual(requests.map((r: any) => [r.api, r.method, r.path, r.status]), [
          ["vonage-sms", "POST", "/sms/json", 200],
          ["messages", "POST", "/v1/messages", 202],
          ["kpn-oauth", "POST", "/oauth/client_credential/accesstoken", 200],
          ["unknown", "GET", "/nothing/here", 404]
        ])
        const text = JSON.stringify(requests)
        assert.notInclude(text, "very-secret-value")
        assert.notInclude(text, "client-secret-value")
        assert.notInclude(text, Buffer.from("abcd1234:basic-secret").toString("base64"))
        assert.strictEqual(new URLSearchParams(requests[0].body).get("api_secret"), "[redacted]")
        assert.strictEqual(requests[1].headers.authorization, "Basic [redacted]")
        assert.strictEqual(JSON.parse(requests[0].response).messages[0].status, "7")

        const counters = (yield* admin(simulator, "/counters")).json
        assert.strictEqual(counters.requests, 4)
        assert.strictEqual(counters.tokensIssued, 1)
        assert.strictEqual(counters.messagesAccepted, 1)
        assert.deepStrictEqual(counters.byApi, { "vonage-sms": 1, messages: 1, "kpn-oauth": 1, unknown: 1 })
        const messages = (yield* admin(simulator, "/messages")).json
        assert.deepStrictEqual(messages.map((m: any) => [m.api, m.channel, m.to, m.outcome]), [["messages", "sms", "+447700900000", "reject"]])

        assert.strictEqual((yield* admin(simulator, "/reset", post())).status, 204)
        assert.deepStrictEqual((yield* admin(simulator, "/requests")).json, [])
        assert.strictEqual((yield* admin(simulator, "/counters")).json.tokensIssued, 0)
        assert.strictEqual((yield* admin(simulator, "/scenario")).json.rules.length, 1)
        assert.strictEqual((yield* admin(simulator, "/unknown")).status, 404)

        yield* admin(simulator, "/scenario", put({
          credentials: { vonage: { apiKey: "abcd1234", apiSecret: "hidden-api-secret" }, kpn: { clientId: "c", clientSecret: "hidden-client-secret" } },
          webhooks: { messages: { signatureSecret: "hidden-signature-secret" } }
        }))
        const shown = (yield* admin(simulator, "/scenario")).text
        assert.include(shown, "abcd1234")
        assert.notInclude(shown, "hidden-")
      }))

    it.scoped("injects a multi-part inbound SMS out of order, signed, as Vonage sends it", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* Simulator.Simulator
        yield* simulator.reset
        yield* admin(simulator, "/scenario", put({
          webhooks: { vonageSms: { inboundUrl: `${listener.url}/inbound`, signatureSecret: "in-secret", signatureMethod: "sha512" } }
        }))
        const text = "The quick brown fox jumps over the lazy dog. ".repeat(8).trim()
        const answer = yield* admin(simulator, "/inbound", post({
          api: "vonage-sms",
          from: "447700900001",
          to: "447700900000",
          text,
          order: [3, 1, 2]
        }))
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(answer.json.length, 3)
        const parts = (yield* listener.requests.takeN(3)).map((r) => JSON.parse(r.body))
        assert.deepStrictEqual(parts.map((p) => p["concat-part"]), ["3", "1", "2"])
        assert.isTrue(parts.every((p) => p.concat === "true" && p["concat-total"] === "3"))
        assert.strictEqual(new Set(parts.map((p) => p["concat-ref"])).size, 1)
        const ordered = [...parts].sort((a, b) => Number(a["concat-part"]) - Number(b["concat-part"]))
        assert.strictEqual(ordered.map((p) => p.text).join(""), text)
        const schema = (yield* smsSpec)["components"]["schemas"]["InboundMessage"]
        for (const part of parts) {
          assert.deepStrictEqual(OpenApiValidator.schemaErrors(schema, part), [])
          yield* VonageSignature.verify({ params: part, secret: Redacted.make("in-secret"), algorithm: "sha512" })
        }

        const bad = yield* admin(simulator, "/inbound", post({ api: "vonage-sms", from: "1", to: "2", text, order: [1, 1, 2] }))
        assert.strictEqual(bad.status, 400)
        assert.strictEqual(bad.json.error, "InboundError")
        const noUrl = yield* admin(simulator, "/inbound", post({ api: "kpn-sms", from: "1", to: "2", text: "x" }))
        assert.strictEqual(noUrl.status, 400)
        assert.include(noUrl.json.message, "kpnSms.inboundUrl")
        const malformed = yield* admin(simulator, "/inbound", post({ api: "fax", from: "1", to: "2", text: "x" }))
        assert.strictEqual(malformed.status, 400)
      }))

    it.scoped("any text in any part order: inbound parts reassemble to the text; outbound parts match Sms.countSegments", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({ webhooks: { vonageSms: { inboundUrl: `${listener.url}/in` } } })
        const characters = ["a", "Z", " ", "0", ".", "\n", "é", "€", "{", "^", "😀", "ж", "中"]
        const samples = FastCheck.sample(
          FastCheck.tuple(
            FastCheck.array(FastCheck.constantFrom(...characters), { minLength: 1, maxLength: 450 }).map((cs) => cs.join("")),
            FastCheck.array(FastCheck.nat(), { minLength: 12, maxLength: 12 })
          ),
          { numRuns: 12, seed: 20260131 }
        )
        for (const [text, keys] of samples) {
          const total = Sms.segments(text).length
          const order = Array.from({ length: total }, (_, i) => i + 1).sort((a, b) => (keys[a % 12]! - keys[b % 12]!) || a - b)
          yield* simulator.inbound({ api: "vonage-sms", from: "447700900001", to: "447700900000", text, order })
          const parts = (yield* listener.requests.takeN(total)).map((r) => JSON.parse(r.body))
          if (total > 1) {
            assert.deepStrictEqual(parts.map((p) => Number(p["concat-part"])), order)
            parts.sort((a, b) => Number(a["concat-part"]) - Number(b["concat-part"]))
          }
          assert.strictEqual(parts.map((p) => p.text).join(""), text)
          const answer = yield* Http.postJson(`${simulator.baseUrl}/sms/json`, { from: "Acme", to: "447700900000", text }, {
            authorization: Http.basic("abcd1234", "secret")
          })
          assert.strictEqual(answer.json["message-count"], String(Sms.countSegments(text)))
        }
      }))

    it.scoped("sends inbound SMS to the URL registered through KPN's /register, as a GET when configured", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* Simulator.Simulator
        yield* simulator.reset
        yield* simulator.loadScenario({ webhooks: { vonageSms: { method: "GET" } } })
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const registered = yield* Http.postForm(`${simulator.baseUrl}/communication/nexmo/sms/register`, {
          to: "31612345678",
          callback_url: `${listener.url}/registered`
        }, { authorization: `Bearer ${token}` })
        assert.deepStrictEqual(registered.json, { message: "Your callback url is registered." })
        yield* simulator.inbound({ api: "kpn-vonage-sms", from: "31687654321", to: "31612345678", text: "ping", duplicate: 1 })
        const [first, second] = yield* listener.requests.takeN(2)
        assert.strictEqual(first!.method, "GET")
        assert.strictEqual(first!.path, "/registered")
        assert.strictEqual(first!.query.get("text"), "ping")
        assert.strictEqual(first!.query.get("keyword"), "PING")
        assert.strictEqual(first!.url, second!.url)
      }))

    it.scoped("drain waits for scheduled callbacks; failed callbacks are recorded with their status", () =>
      Effect.gen(function*() {
        const failing = yield* WebhookReceiver.make({ status: 500 })
        const simulator = yield* Simulator.Simulator
        yield* simulator.reset
        yield* simulator.loadScenario({
          rules: [{ outcome: { type: "read" }, callbacks: { delayMs: 20 } }],
          webhooks: { messages: { statusUrl: `${failing.url}/status` } }
        })
        yield* Http.postJson(`${simulator.baseUrl}/v1/messages`, {
          message_type: "text",
          channel: "whatsapp",
          to: "447700900000",
          from: "447700900001",
          text: "x"
        }, { authorization: Http.basic("abcd1234", "x") })
        assert.strictEqual((yield* admin(simulator, "/drain", post())).status, 204)
        const callbacks = (yield* admin(simulator, "/callbacks")).json
        assert.deepStrictEqual(callbacks.map((c: any) => [c.kind, c.status]), [
          ["messages-status", 500],
          ["messages-status", 500],
          ["messages-status", 500]
        ])
        assert.strictEqual((yield* simulator.counters).callbacksFailed, 3)
        yield* simulator.loadScenario({ webhooks: { messages: { statusUrl: "http://127.0.0.1:9/closed" } } })
        yield* Http.postJson(`${simulator.baseUrl}/v1/messages`, {
          message_type: "text",
          channel: "sms",
          to: "447700900000",
          from: "Acme",
          text: "x"
        }, { authorization: Http.basic("abcd1234", "x") })
        yield* simulator.drain
        const unreachable = (yield* simulator.callbacks).slice(3)
        assert.strictEqual(unreachable.length, 2)
        assert.isTrue(unreachable.every((c) => c.status === undefined && typeof c.error === "string"))
      }))
  })

  describe("the validators", () => {
    it.effect("reject what the definitions do not allow (so a pass means something)", () =>
      Effect.gen(function*() {
        const doc = yield* smsSpec
        assert.isNotEmpty(OpenApiValidator.responseErrors(doc, "POST /sms/{format}", 200, { "message-count": 1, messages: "none" }))
        assert.isNotEmpty(OpenApiValidator.requestErrors(doc, "POST /sms/{format}", {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: { api_key: "short", from: "Acme", to: "x" },
          params: { format: "json" }
        }, { coerce: true }))
        assert.isNotEmpty(OpenApiValidator.schemaErrors(doc["components"]["schemas"]["InboundMessage"], { msisdn: "1" }))
      }))
  })
})
