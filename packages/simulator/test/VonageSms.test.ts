import { assert, describe, layer } from "@effect/vitest"
import { VonageSignature } from "@switchboard/auth"
import { Simulator } from "@switchboard/simulator"
import { OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import { SMS } from "@vonage/sms"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Http from "./support/http.js"
import { setup } from "./support/simulator.js"
import * as OpenApi from "./support/openapi.js"

const spec = OpenApi.load("vonage-sms.mock.yml")
const kpnSpec = OpenApi.load("kpn-vonage-sms-openapi.yml")


layer(Simulator.layer(), { excludeTestServices: true })("Vonage SMS", (it) => {
  describe("POST /sms/json", () => {
    it.scoped("accepts a form request with api_key and api_secret and sends a JSON delivery receipt", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({ webhooks: { vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr` } } })
        const params = {
          api_key: "abcd1234",
          api_secret: "abcdef0123456789",
          from: "AcmeInc",
          to: "447700900000",
          text: "Hello World!",
          "client-ref": "my-ref"
        }
        const answer = yield* Http.postForm(`${simulator.baseUrl}/sms/json`, params)
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(answer.json["message-count"], "1")
        assert.strictEqual(answer.json.messages[0].status, "0")
        assert.strictEqual(answer.json.messages[0].to, "447700900000")
        assert.strictEqual(answer.json.messages[0]["client-ref"], "my-ref")

        const doc = yield* spec
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(doc, "POST /sms/{format}", {
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: params,
            params: { format: "json" }
          }, { coerce: true }),
          []
        )
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /sms/{format}", answer.status, answer.json), [])

        const dlr = yield* listener.requests.take
        assert.strictEqual(dlr.method, "POST")
        assert.strictEqual(dlr.path, "/dlr")
        assert.strictEqual(dlr.headers["content-type"], "application/json")
        const receipt = JSON.parse(dlr.body)
        assert.strictEqual(receipt.messageId, answer.json.messages[0]["message-id"])
        assert.strictEqual(receipt.status, "delivered")
        assert.strictEqual(receipt["err-code"], "0")
        assert.strictEqual(receipt.msisdn, "447700900000")
        assert.strictEqual(receipt.to, "AcmeInc")
        assert.strictEqual(receipt["client-ref"], "my-ref")
        assert.strictEqual(receipt["api-key"], "abcd1234")
        assert.match(receipt["message-timestamp"], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
        assert.match(receipt.scts, /^\d{10}$/)
        const callback = doc["paths"]["/sms/{format}"]["post"]["callbacks"]["delivery-receipt"]["{$request.body#/callback}"]["post"]
        assert.deepStrictEqual(OpenApi.webhookErrors(callback, receipt), [])
      }))

    it.scoped("splits a long text into parts, each with its id, price and delivery receipt", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({ account: { balance: 10, pricePerPart: 0.05 } })
        const answer = yield* Http.postJson(`${simulator.baseUrl}/sms/json`, {
          from: "AcmeInc",
          to: "31612345678",
          text: "a".repeat(161),
          callback: `${listener.url}/dlr`
        }, { authorization: Http.basic("abcd1234", "secret") })
        assert.strictEqual(answer.json["message-count"], "2")
        const [first, second] = answer.json.messages
        assert.notStrictEqual(first["message-id"], second["message-id"])
        assert.strictEqual(first["message-price"], "0.05000000")
        assert.strictEqual(first["remaining-balance"], "9.95000000")
        assert.strictEqual(second["remaining-balance"], "9.90000000")
        const receipts = (yield* listener.requests.takeN(2)).map((r) => JSON.parse(r.body).messageId)
        assert.deepStrictEqual(receipts, [first["message-id"], second["message-id"]])
        const doc = yield* spec
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /sms/{format}", answer.status, answer.json), [])
      }))

    it.scoped("sends delivery receipts as GET query strings or form POSTs when configured", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          webhooks: { vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr`, method: "GET" } }
        })
        const auth = { authorization: Http.basic("abcd1234", "secret") }
        yield* Http.postJson(`${simulator.baseUrl}/sms/json`, { from: "Acme", to: "447700900000", text: "x" }, auth)
        const get = yield* listener.requests.take
        assert.strictEqual(get.method, "GET")
        assert.strictEqual(get.query.get("status"), "delivered")
        assert.strictEqual(get.query.get("msisdn"), "447700900000")

        yield* simulator.loadScenario({ webhooks: { vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr`, method: "POST" } } })
        yield* Http.postJson(`${simulator.baseUrl}/sms/json`, { from: "Acme", to: "447700900000", text: "x" }, auth)
        const post = yield* listener.requests.take
        assert.strictEqual(post.method, "POST")
        assert.strictEqual(post.headers["content-type"], "application/x-www-form-urlencoded")
        assert.strictEqual(new URLSearchParams(post.body).get("status"), "delivered")
      }))

    it.scoped("signs delivery receipts with the signature secret, verifiable with @switchboard/auth", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          webhooks: {
            vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr`, signatureSecret: "dlr-secret", signatureMethod: "sha256" }
          }
        })
        yield* Http.postJson(`${simulator.baseUrl}/sms/json`, { from: "Acme", to: "447700900000", text: "x" }, {
          authorization: Http.basic("abcd1234", "secret")
        })
        const receipt = JSON.parse((yield* listener.requests.take).body)
        assert.isString(receipt.nonce)
        assert.isString(receipt.timestamp)
        yield* VonageSignature.verify({ params: receipt, secret: Redacted.make("dlr-secret"), algorithm: "sha256" })
        const tampered = yield* Effect.flip(
          VonageSignature.verify({ params: { ...receipt, status: "failed" }, secret: Redacted.make("dlr-secret"), algorithm: "sha256" })
        )
        assert.strictEqual(tampered.reason, "Mismatch")
      }))

    it.scoped("verifies signed requests (sig) with the configured signature secret", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({
          credentials: { vonage: { apiKey: "abcd1234", signatureSecret: "sig-secret", signatureMethod: "md5hash" } }
        })
        const signed = yield* VonageSignature.sign({
          params: { api_key: "abcd1234", from: "Acme", to: "447700900000", text: "Signed" },
          secret: Redacted.make("sig-secret"),
          algorithm: "md5hash"
        })
        const ok = yield* Http.postForm(`${simulator.baseUrl}/sms/json`, signed)
        assert.strictEqual(ok.json.messages[0].status, "0")

        const forged = yield* Http.postForm(`${simulator.baseUrl}/sms/json`, { ...signed, text: "Changed" })
        assert.deepStrictEqual(forged.json, { "message-count": "1", messages: [{ status: "14", "error-text": "Invalid Signature" }] })

        const both = yield* Http.postForm(`${simulator.baseUrl}/sms/json`, { ...signed, api_secret: "abcdef0123456789" })
        assert.strictEqual(both.json.messages[0].status, "32")
        const doc = yield* spec
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /sms/{format}", forged.status, forged.json), [])
      }))

    it.scoped("answers status 4 for credentials other than the required ones, and 2 for missing ones", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ credentials: { vonage: { apiKey: "abcd1234", apiSecret: "right-secret" } } })
        const url = `${simulator.baseUrl}/sms/json`
        const message = { from: "Acme", to: "447700900000", text: "x" }
        const wrong = yield* Http.postJson(url, message, { authorization: Http.basic("abcd1234", "wrong-secret") })
        assert.strictEqual(wrong.status, 200)
        assert.deepStrictEqual(wrong.json, { "message-count": "1", messages: [{ status: "4", "error-text": "Bad Credentials" }] })
        const wrongForm = yield* Http.postForm(url, { ...message, api_key: "abcd1234", api_secret: "nope-nope" })
        assert.strictEqual(wrongForm.json.messages[0].status, "4")
        const missing = yield* Http.postForm(url, message)
        assert.deepStrictEqual(missing.json.messages[0], { status: "2", "error-text": "Missing api_key" })
        const right = yield* Http.postJson(url, message, { authorization: Http.basic("abcd1234", "right-secret") })
        assert.strictEqual(right.json.messages[0].status, "0")
      }))

    it.scoped("refuses missing and invalid parameters with status 2 and 3", () =>
      Effect.gen(function*() {
        const simulator = yield* setup()
        const url = `${simulator.baseUrl}/sms/json`
        const auth = { authorization: Http.basic("abcd1234", "secret") }
        const noTo = yield* Http.postJson(url, { from: "Acme", text: "x" }, auth)
        assert.deepStrictEqual(noTo.json.messages[0], { status: "2", "error-text": "Missing to param" })
        const badTo = yield* Http.postJson(url, { from: "Acme", to: "not-a-number", text: "x" }, auth)
        assert.strictEqual(badTo.json.messages[0].status, "3")
        const badTtl = yield* Http.postJson(url, { from: "Acme", to: "447700900000", text: "x", ttl: 10 }, auth)
        assert.strictEqual(badTtl.json.messages[0].status, "3")
        assert.strictEqual((yield* simulator.counters).messagesAccepted, 0)
      }))
  })

  describe("POST /communication/nexmo/sms/send (KPN gateway)", () => {
    it.scoped("needs a KPN bearer token, then answers like Vonage", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup()
        const url = `${simulator.baseUrl}/communication/nexmo/sms/send`
        const params = { from: "Acme", to: "31612345678", text: "Via KPN", callback: `${listener.url}/dlr` }
        const refused = yield* Http.postForm(url, params, { authorization: "Bearer not-issued" })
        assert.strictEqual(refused.status, 401)
        assert.strictEqual(refused.json.fault.detail.errorcode, "oauth.v2.InvalidAccessToken")

        const token = yield* Http.kpnToken(simulator.baseUrl)
        const answer = yield* Http.postForm(url, params, { authorization: `Bearer ${token}` })
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(answer.json.messages[0].status, "0")
        assert.strictEqual(answer.headers.get("quota-used"), "1")
        const kpn = yield* kpnSpec
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(kpn, "POST /send", {
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: params
          }, { coerce: true }),
          []
        )
        assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* spec, "POST /sms/{format}", 200, answer.json), [])
        const receipt = JSON.parse((yield* listener.requests.take).body)
        assert.strictEqual(receipt.status, "delivered")
      }))
  })

  describe("the official @vonage/sms SDK", () => {
    it.scoped("sends through the simulator with restHost, and its delivery receipt arrives", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* Simulator.Simulator
        yield* simulator.reset
        yield* simulator.loadScenario({ webhooks: { vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr` } } })
        const client = new SMS({ apiKey: "abcd1234", apiSecret: "made-up-secret" }, { restHost: simulator.baseUrl })
        const response = yield* Effect.promise(() =>
          client.send({ to: "447700900000", from: "AcmeInc", text: "Hello from @vonage/sms", clientRef: "sdk-ref" })
        )
        assert.strictEqual(String(response.messageCount), "1")
        const messageId = response.messages[0]!.messageId
        assert.isString(messageId)
        const receipt = JSON.parse((yield* listener.requests.take).body)
        assert.strictEqual(receipt.messageId, messageId)
        assert.strictEqual(receipt.status, "delivered")
        assert.strictEqual(receipt["client-ref"], "sdk-ref")

        const sent = (yield* simulator.requests)[0]!
        assert.strictEqual(sent.headers["content-type"], "application/json")
        assert.strictEqual(sent.headers["authorization"], "Basic [redacted]")
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(yield* spec, "POST /sms/{format}", {
            headers: { "content-type": "application/json" },
            body: JSON.parse(sent.body),
            params: { format: "json" }
          }),
          []
        )

        yield* simulator.loadScenario({ rules: [{ outcome: { type: "reject", code: 7 } }] })
        const failure = yield* Effect.flip(Effect.tryPromise(() =>
          client.send({ to: "447700900000", from: "AcmeInc", text: "barred" })
        ))
        assert.include(JSON.stringify((failure.error as any).response ?? failure.error), "Number barred.")
      }))
  })
})
