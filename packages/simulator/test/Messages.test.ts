import { assert, describe, layer } from "@effect/vitest"
import { MessagesWebhookJwt } from "@switchboard/auth"
import { Simulator } from "@switchboard/simulator"
import { OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import { MessengerCategory, Messages, MessengerText, SMS, ViberCategory, ViberText, WhatsAppText } from "@vonage/messages"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as crypto from "node:crypto"
import * as Http from "./support/http.js"
import { setup } from "./support/simulator.js"
import * as OpenApi from "./support/openapi.js"

const v1 = Effect.map(OpenApi.load("vonage-messages-v1.mock.yml"), OpenApi.fixReadStatus)
const v01 = OpenApi.load("vonage-messages-v0.1.mock.yml")

const keys = crypto.generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" }
})


const statusCallback = (doc: Record<string, any>) =>
  doc["paths"]["/v1/messages"]["post"]["callbacks"]["message-status"]["{$request.body#/callback}"]["post"]

const lastRequestBody = (simulator: Simulator.Service) =>
  Effect.map(simulator.requests, (requests) => JSON.parse(requests[requests.length - 1]!.body))

layer(Simulator.layer(), { excludeTestServices: true })("Vonage Messages", (it) => {
  describe("POST /v1/messages", () => {
    it.scoped("the official @vonage/messages SDK sends SMS with Basic auth; signed statuses reach the status URL", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          webhooks: { messages: { statusUrl: `${listener.url}/status`, signatureSecret: "webhook-secret" } }
        })
        const client = new Messages({ apiKey: "abcd1234", apiSecret: "made-up-secret" }, { apiHost: simulator.baseUrl })
        const result = yield* Effect.promise(() =>
          client.send(new SMS("Hello from the SDK", "447700900000", "447700900001", "ref-1"))
        )
        assert.isString(result.messageUUID)

        const doc = yield* v1
        const sent = yield* lastRequestBody(simulator)
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(doc, "POST /v1/messages", { headers: { "content-type": "application/json" }, body: sent }),
          []
        )
        const requests = yield* simulator.requests
        assert.strictEqual(requests[requests.length - 1]!.headers["authorization"], "Basic [redacted]")

        const statuses = yield* listener.requests.takeN(2)
        assert.deepStrictEqual(statuses.map((s) => JSON.parse(s.body).status), ["submitted", "delivered"])
        for (const status of statuses) {
          const payload = JSON.parse(status.body)
          assert.strictEqual(payload.message_uuid, result.messageUUID)
          assert.strictEqual(payload.channel, "sms")
          assert.strictEqual(payload.client_ref, "ref-1")
          assert.deepStrictEqual(OpenApi.webhookErrors(statusCallback(doc), payload), [])
          yield* MessagesWebhookJwt.verify({
            authorization: status.headers["authorization"],
            body: status.body,
            secret: Redacted.make("webhook-secret")
          })
        }
        const forged = yield* Effect.flip(MessagesWebhookJwt.verify({
          authorization: statuses[0]!.headers["authorization"],
          body: statuses[1]!.body,
          secret: Redacted.make("webhook-secret")
        }))
        assert.strictEqual(forged._tag, "SignatureError")
      }))

    it.scoped("accepts application JWTs from the SDK, verified against the configured public key", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const applicationId = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
        const simulator = yield* setup({
          credentials: { application: { applicationId, publicKey: keys.publicKey } },
          rules: [{ channel: "whatsapp", outcome: { type: "read" } }],
          webhooks: { messages: { statusUrl: `${listener.url}/status` } }
        })
        const client = new Messages({ applicationId, privateKey: keys.privateKey }, { apiHost: simulator.baseUrl })
        const result = yield* Effect.promise(() =>
          client.send(new WhatsAppText({ to: "447700900000", from: "447700900001", text: "Hi on WhatsApp" }))
        )
        const requests = yield* simulator.requests
        assert.strictEqual(requests[requests.length - 1]!.headers["authorization"], "Bearer [redacted]")
        const statuses = (yield* listener.requests.takeN(3)).map((s) => JSON.parse(s.body))
        assert.deepStrictEqual(statuses.map((s) => s.status), ["submitted", "delivered", "read"])
        assert.isTrue(statuses.every((s) => s.message_uuid === result.messageUUID))
        const doc = yield* v1
        for (const status of statuses) assert.deepStrictEqual(OpenApi.webhookErrors(statusCallback(doc), status), [])
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(doc, "POST /v1/messages", {
            headers: { "content-type": "application/json" },
            body: yield* lastRequestBody(simulator)
          }),
          []
        )

        const otherKeys = crypto.generateKeyPairSync("rsa", {
          modulusLength: 2048,
          privateKeyEncoding: { type: "pkcs8", format: "pem" },
          publicKeyEncoding: { type: "spki", format: "pem" }
        })
        const impostor = new Messages({ applicationId, privateKey: otherKeys.privateKey }, { apiHost: simulator.baseUrl })
        const refused = yield* Effect.flip(Effect.tryPromise(() =>
          impostor.send(new WhatsAppText({ to: "447700900000", from: "447700900001", text: "x" }))
        ))
        assert.include(String(refused.error), "401")
      }))

    it.scoped("reports read on Messenger and Viber, and never on SMS", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          default: { type: "read" },
          webhooks: { messages: { statusUrl: `${listener.url}/status` } }
        })
        const client = new Messages({ apiKey: "abcd1234", apiSecret: "x" }, { apiHost: simulator.baseUrl })
        const doc = yield* v1
        yield* Effect.promise(() => client.send(new MessengerText({ to: "0123456789", from: "9876543210", text: "Hi", messenger: { category: MessengerCategory.RESPONSE } })))
        assert.deepStrictEqual((yield* listener.requests.takeN(3)).map((s) => JSON.parse(s.body).status), ["submitted", "delivered", "read"])
        yield* Effect.promise(() => client.send(new ViberText({ to: "447700900000", from: "16273", text: "Hi", viberService: { category: ViberCategory.TRANSACTION, ttl: 600, type: "text", action: { url: "https://example.com/offer", text: "See offer" } } })))
        const viber = (yield* listener.requests.takeN(3)).map((s) => JSON.parse(s.body))
        assert.deepStrictEqual(viber.map((s) => s.status), ["submitted", "delivered", "read"])
        for (const status of viber) assert.deepStrictEqual(OpenApi.webhookErrors(statusCallback(doc), status), [])
        yield* Effect.promise(() => client.send(new SMS("Hi", "447700900000", "Acme")))
        yield* simulator.drain
        assert.deepStrictEqual((yield* listener.requests.takeAll).map((s) => JSON.parse(s.body).status), ["submitted", "delivered"])
      }))

    it.scoped("answers the API's problem bodies for bad credentials and bad requests", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ credentials: { vonage: { apiKey: "abcd1234", apiSecret: "right" } } })
        const url = `${simulator.baseUrl}/v1/messages`
        const doc = yield* v1
        const message = { message_type: "text", channel: "sms", to: "447700900000", from: "Acme", text: "x" }
        const wrong = yield* Http.postJson(url, message, { authorization: Http.basic("abcd1234", "wrong") })
        assert.strictEqual(wrong.status, 401)
        assert.strictEqual(wrong.json.title, "Unauthorized")
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /v1/messages", 401, wrong.json), [])
        const none = yield* Http.postJson(url, message)
        assert.strictEqual(none.status, 401)
        const notJwt = yield* Http.postJson(url, message, { authorization: "Bearer not.a.jwt" })
        assert.strictEqual(notJwt.status, 401)

        const auth = { authorization: Http.basic("abcd1234", "right") }
        const invalidJson = yield* Http.call(url, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: "{" })
        assert.strictEqual(invalidJson.status, 422)
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /v1/messages", 422, invalidJson.json), [])
        const channel = yield* Http.postJson(url, { ...message, channel: "pigeon" }, auth)
        assert.strictEqual(channel.status, 422)
        assert.match(channel.json.type, /#1400$/)
        const tooLong = yield* Http.postJson(url, { ...message, channel: "messenger", to: "0123456789", text: "x".repeat(641) }, auth)
        assert.strictEqual(tooLong.status, 422)
        assert.strictEqual(tooLong.json.invalid_parameters[0].name, "text")
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /v1/messages", 422, tooLong.json), [])
        const wrongType = yield* Http.postJson(url, { ...message, message_type: "image", image: { url: "https://example.com/a.jpg" } }, auth)
        assert.strictEqual(wrongType.status, 422)
        assert.match(wrongType.json.type, /#1440$/)
        assert.strictEqual((yield* simulator.counters).messagesAccepted, 0)
      }))

    it.scoped("sends statuses to a request's webhook_url instead of the application's status URL", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({ webhooks: { messages: { statusUrl: "http://127.0.0.1:9/unused" } } })
        const answer = yield* Http.postJson(`${simulator.baseUrl}/v1/messages`, {
          message_type: "text",
          channel: "whatsapp",
          to: "447700900000",
          from: "447700900001",
          text: "x",
          webhook_url: `${listener.url}/mine`
        }, { authorization: Http.basic("abcd1234", "x") })
        assert.strictEqual(answer.status, 202)
        const received = yield* listener.requests.takeN(2)
        assert.isTrue(received.every((r) => r.path === "/mine"))
      }))
  })

  describe("other v1 endpoints", () => {
    it.scoped("accepts any well-formed application JWT by default; PATCH marks a known message read; the v1 shape through KPN", () =>
      Effect.gen(function*() {
        const simulator = yield* setup()
        const client = new Messages({ applicationId: "app-1", privateKey: keys.privateKey }, { apiHost: simulator.baseUrl })
        const sent = yield* Effect.promise(() =>
          client.send(new WhatsAppText({ to: "447700900000", from: "447700900001", text: "any key will do" }))
        )
        assert.isString(sent.messageUUID)
        const patched = yield* Http.call(`${simulator.baseUrl}/v1/messages/${sent.messageUUID}`, {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: Http.basic("abcd1234", "x") },
          body: JSON.stringify({ status: "read" })
        })
        assert.strictEqual(patched.status, 200)
        const unknown = yield* Http.call(`${simulator.baseUrl}/v1/messages/nope`, {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: Http.basic("abcd1234", "x") },
          body: JSON.stringify({ status: "read" })
        })
        assert.strictEqual(unknown.status, 404)

        const body = { message_type: "text", channel: "sms", to: "31612345678", from: "KPN", text: "v1 via KPN" }
        const viaKpn = `${simulator.baseUrl}/communication/nexmo/messages`
        assert.strictEqual((yield* Http.postJson(viaKpn, body, { authorization: Http.basic("abcd1234", "x") })).status, 401)
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const accepted = yield* Http.postJson(viaKpn, body, { authorization: `Bearer ${token}`, applicationid: "app-1" })
        assert.strictEqual(accepted.status, 202)
        assert.isString(accepted.headers.get("quota-used"))
        assert.deepStrictEqual((yield* simulator.messages).map((m) => m.api), ["messages", "kpn-messages"])
      }))
  })

  describe("POST /communication/nexmo/v0.1/messages (KPN gateway)", () => {
    it.scoped("accepts the v0.1 shape with a KPN bearer token and sends v0.1 statuses", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          rules: [{ api: "kpn-messages", to: "+447700900099", outcome: { type: "undeliverable", code: 1300 } }],
          webhooks: { kpnMessages: { statusUrl: `${listener.url}/status` } }
        })
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const url = `${simulator.baseUrl}/communication/nexmo/v0.1/messages`
        const body = {
          from: { type: "whatsapp", number: "447700900001" },
          to: { type: "whatsapp", number: "447700900000" },
          message: { content: { type: "text", text: "Hello via KPN" } },
          client_ref: "kpn-ref"
        }
        const doc = yield* v01
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(doc, "POST /v0.1/messages", { headers: { "content-type": "application/json" }, body }),
          []
        )
        const refused = yield* Http.postJson(url, body)
        assert.strictEqual(refused.status, 401)
        const answer = yield* Http.postJson(url, body, { authorization: `Bearer ${token}` })
        assert.strictEqual(answer.status, 202)
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /v0.1/messages", 202, answer.json), [])
        const callback = doc["paths"]["/v0.1/messages"]["post"]["callbacks"]["message-status"]["{$request.body#/callback}"]["post"]
        const delivered = (yield* listener.requests.takeN(2)).map((s) => JSON.parse(s.body))
        assert.deepStrictEqual(delivered.map((s) => s.status), ["submitted", "delivered"])
        assert.strictEqual(delivered[0].client_ref, "kpn-ref")
        for (const status of delivered) assert.deepStrictEqual(OpenApi.webhookErrors(callback, status), [])

        yield* Http.postJson(url, { ...body, to: { type: "whatsapp", number: "447700900099" } }, { authorization: `Bearer ${token}` })
        const failed = (yield* listener.requests.takeN(2)).map((s) => JSON.parse(s.body))
        assert.deepStrictEqual(failed[1].error, { code: 1300, reason: "Not part of the provider network" })
        assert.strictEqual(failed[1].status, "undeliverable")
        assert.deepStrictEqual(OpenApi.webhookErrors(callback, failed[1]), [])

        const invalid = yield* Http.postJson(url, { ...body, to: { type: "fax", number: "1" } }, { authorization: `Bearer ${token}` })
        assert.strictEqual(invalid.status, 400)
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /v0.1/messages", 400, invalid.json), [])
      }))
  })

  describe("inbound messages", () => {
    it.scoped("sends v1 inbound webhooks per channel, signed, and v0.1 inbound webhooks", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          webhooks: {
            messages: { inboundUrl: `${listener.url}/v1-inbound`, signatureSecret: "in-secret" },
            kpnMessages: { inboundUrl: `${listener.url}/v01-inbound` }
          }
        })
        const doc = yield* v1
        const inboundV1 = doc["x-webhooks"]["inbound-message"]["{$request.body#/callback}"]["post"]
        for (const [channel, from, to] of [
          ["sms", "+447700900001", "447700900000"],
          ["whatsapp", "447700900001", "447700900000"],
          ["messenger", "1234567890", "0987654321"],
          ["viber_service", "447700900001", "16273"]
        ] as const) {
          yield* simulator.inbound({ api: "messages", channel, from, to, text: "Hello back" })
          const received = yield* listener.requests.take
          const payload = JSON.parse(received.body)
          assert.strictEqual(payload.channel, channel)
          assert.strictEqual(payload.text, "Hello back")
          if (channel === "sms") assert.strictEqual(payload.from, "447700900001")
          assert.deepStrictEqual(OpenApi.webhookErrors(inboundV1, payload), [], channel)
          yield* MessagesWebhookJwt.verify({
            authorization: received.headers["authorization"],
            body: received.body,
            secret: Redacted.make("in-secret")
          })
        }
        const v01doc = yield* v01
        const inboundV01 = v01doc["x-webhooks"]["inbound-message"]["{$request.body#/callback}"]["post"]
        for (const channel of ["sms", "whatsapp", "messenger", "viber_service"] as const) {
          yield* simulator.inbound({ api: "kpn-messages", channel, from: "447700900001", to: "447700900000", text: "Hi" })
          const payload = JSON.parse((yield* listener.requests.take).body)
          assert.strictEqual(payload.message.content.text, "Hi")
          assert.deepStrictEqual(OpenApi.webhookErrors(inboundV01, payload), [], channel)
        }
      }))
  })
})
