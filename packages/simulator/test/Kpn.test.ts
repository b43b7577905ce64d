import { assert, describe, layer } from "@effect/vitest"
import { KpnWebhookSignature } from "@switchboard/auth"
import { Simulator } from "@switchboard/simulator"
import { OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Http from "./support/http.js"
import { setup } from "./support/simulator.js"
import * as OpenApi from "./support/openapi.js"

const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", name), "utf8"))

const mock = OpenApi.load("kpn.mock.yml")
const official = OpenApi.load("kpn-sms-openapi.yml")
const inboundSpec = OpenApi.load("kpn-sms-inbound-openapi.yml")


const tokenPath = "/oauth/client_credential/accesstoken?grant_type=client_credentials"

layer(Simulator.layer(), { excludeTestServices: true })("KPN", (it) => {
  describe("POST /oauth/client_credential/accesstoken", () => {
    it.scoped("issues string-valued Apigee tokens and counts them", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ tokens: { lifetimeSeconds: 120 } })
        const form = { client_id: "my-app", client_secret: "my-secret" }
        const answer = yield* Http.postForm(`${simulator.baseUrl}${tokenPath}`, form)
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(answer.json.expires_in, "120")
        assert.strictEqual(answer.json.token_type, "Bearer")
        assert.strictEqual(answer.json.client_id, "my-app")
        assert.match(answer.json.issued_at, /^\d{13}$/)
        const expected = fixture("kpn-oauth-token-200.json")
        for (const [key, value] of Object.entries(answer.json)) {
          if (key !== "api_product_list_json") assert.isString(value, key)
        }
        for (const key of Object.keys(expected)) {
          if (key !== "refresh_token" && key !== "level") assert.property(answer.json, key)
        }
        const doc = yield* mock
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(doc, "POST /oauth/client_credential/accesstoken", {
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: form,
            query: { grant_type: "client_credentials" }
          }),
          []
        )
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /oauth/client_credential/accesstoken", 200, answer.json), [])
        yield* Http.postForm(`${simulator.baseUrl}${tokenPath}`, form)
        assert.strictEqual((yield* simulator.counters).tokensIssued, 2)
      }))

    it.scoped("answers invalid_client for unknown clients when credentials are required", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ credentials: { kpn: { clientId: "my-app", clientSecret: "my-secret" } } })
        const unknown = yield* Http.postForm(`${simulator.baseUrl}${tokenPath}`, { client_id: "other", client_secret: "x" })
        assert.strictEqual(unknown.status, 401)
        assert.deepStrictEqual(unknown.json, fixture("kpn-oauth-token-invalid-client.json"))
        const wrongSecret = yield* Http.postForm(`${simulator.baseUrl}${tokenPath}`, { client_id: "my-app", client_secret: "x" })
        assert.strictEqual(wrongSecret.status, 401)
        assert.strictEqual(wrongSecret.json.ErrorCode, "invalid_client")
        const doc = yield* mock
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /oauth/client_credential/accesstoken", 401, unknown.json), [])
        const noGrant = yield* Http.postForm(`${simulator.baseUrl}/oauth/client_credential/accesstoken`, { client_id: "my-app", client_secret: "my-secret" })
        assert.strictEqual(noGrant.status, 400)
        assert.strictEqual((yield* simulator.counters).tokensIssued, 0)
      }))

    it.scoped("refuses expired and unknown tokens with the Apigee fault (401, or 500 when configured)", () =>
      Effect.gen(function*() {
        const simulator = yield* setup()
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const body = { messages: [{ mobile_number: "0612345678", content: "hi" }] }
        const url = `${simulator.baseUrl}/communication/kpn/sms/send`
        const ok = yield* Http.postJson(url, body, { authorization: `Bearer ${token}` })
        assert.strictEqual(ok.status, 200)
        yield* simulator.expireTokens
        const expired = yield* Http.postJson(url, body, { authorization: `Bearer ${token}` })
        assert.strictEqual(expired.status, 401)
        assert.deepStrictEqual(expired.json, fixture("kpn-apigee-invalid-access-token-fault.json"))
        const missing = yield* Http.postJson(url, body)
        assert.strictEqual(missing.status, 401)
        yield* simulator.loadScenario({ tokens: { invalidTokenStatus: 500 } })
        const as500 = yield* Http.postJson(url, body, { authorization: "Bearer unknown" })
        assert.strictEqual(as500.status, 500)
        assert.strictEqual(as500.json.fault.detail.errorcode, "oauth.v2.InvalidAccessToken")
        const doc = yield* mock
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /communication/kpn/sms/send", 401, expired.json), [])
      }))
  })

  describe("POST /communication/kpn/sms/send", () => {
    it.scoped("sends to Dutch mobiles, answers a document id with quota headers, and reports delivery signed", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          webhooks: { kpnSms: { signingKey: { keyId: "key-1", secret: "kpn-webhook-secret" } } }
        })
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const body = {
          sender: "KPN API",
          webhook_url: `${listener.url}/kpn-dlr`,
          messages: [
            { mobile_number: "+31612345678,0687654321", content: "Hi from KPN!" },
            { mobile_number: "097012345678", content: "M2M" }
          ]
        }
        const answer = yield* Http.postJson(`${simulator.baseUrl}/communication/kpn/sms/send`, body, {
          authorization: `Bearer ${token}`
        })
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(answer.json.status, "OK")
        assert.isString(answer.json.document_id)
        assert.strictEqual(answer.headers.get("quota-used"), "1")
        assert.isString(answer.headers.get("quota-limit"))
        assert.isString(answer.headers.get("quota-reset-utc"))
        const doc = yield* official
        assert.deepStrictEqual(
          OpenApiValidator.requestErrors(doc, "POST /send", { headers: { "content-type": "application/json" }, body }),
          []
        )
        assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /send", 200, answer.json), [])
        assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* mock, "POST /communication/kpn/sms/send", 200, answer.json), [])

        const reports = yield* listener.requests.takeN(3)
        const recipients = reports.map((report) => JSON.parse(report.body).RecipientPhonenumber).sort()
        assert.deepStrictEqual(recipients, ["+31612345678", "+31687654321", "+3197012345678"])
        for (const report of reports) {
          const payload = JSON.parse(report.body)
          assert.strictEqual(payload.Status, "1")
          assert.strictEqual(payload.document_id, answer.json.document_id)
          assert.isNumber(payload.StatusDateTime)
          assert.strictEqual(report.headers["x-kpn-webhook-key-id"], "key-1")
          assert.strictEqual(report.headers["x-kpn-webhook-attempt"], "1")
          yield* KpnWebhookSignature.verify({
            headers: report.headers as Record<string, string>,
            body: report.body,
            secrets: { "key-1": Redacted.make("kpn-webhook-secret") }
          })
        }
      }))

    it.scoped("answers the older /messaging/sms-kpn/v1/send path the same way", () =>
      Effect.gen(function*() {
        const simulator = yield* setup()
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const answer = yield* Http.postJson(`${simulator.baseUrl}/messaging/sms-kpn/v1/send`, {
          sender: "KPN",
          messages: [{ mobile_number: "0612345678", content: "legacy" }]
        }, { authorization: `Bearer ${token}` })
        assert.strictEqual(answer.status, 200)
        assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* mock, "POST /messaging/sms-kpn/v1/send", 200, answer.json), [])
      }))

    it.scoped("refuses what KPN refuses with its error envelope", () =>
      Effect.gen(function*() {
        const simulator = yield* setup()
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const url = `${simulator.baseUrl}/communication/kpn/sms/send`
        const send = (body: unknown) => Http.postJson(url, body, { authorization: `Bearer ${token}` })
        const cases: ReadonlyArray<readonly [string, unknown]> = [
          ["a foreign number", { messages: [{ mobile_number: "+447700900000", content: "x" }] }],
          ["a 060 number", { messages: [{ mobile_number: "0601234567", content: "x" }] }],
          ["a 067 number", { messages: [{ mobile_number: "0671234567", content: "x" }] }],
          ["a Dutch landline", { messages: [{ mobile_number: "0201234567", content: "x" }] }],
          ["a sender of 12 characters", { sender: "TwelveChars!", messages: [{ mobile_number: "0612345678", content: "x" }] }],
          ["1001 characters", { messages: [{ mobile_number: "0612345678", content: "x".repeat(1001) }] }],
          ["201 recipients", {
            messages: [{
              mobile_number: Array.from({ length: 201 }, (_, i) => `06${String(10000000 + i)}`).join(","),
              content: "x"
            }]
          }],
          ["no messages", { sender: "KPN" }]
        ]
        const doc = yield* official
        for (const [name, body] of cases) {
          const answer = yield* send(body)
          assert.strictEqual(answer.status, 400, name)
          assert.strictEqual(answer.json.errorResponse.code, "400", name)
          assert.isString(answer.json.errorResponse.message, name)
          assert.deepStrictEqual(OpenApiValidator.responseErrors(doc, "POST /send", 400, answer.json), [], name)
        }
        const exactly200 = yield* send({
          messages: [{
            mobile_number: Array.from({ length: 200 }, (_, i) => `06${String(10000000 + i)}`).join(","),
            content: "x".repeat(1000)
          }]
        })
        assert.strictEqual(exactly200.status, 200)
        assert.strictEqual((yield* simulator.counters).messagesAccepted, 1)
      }))

    it.scoped("answers 429 with the Apigee quota fault once the quota is used up", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ account: { quotaLimit: 2 } })
        const token = yield* Http.kpnToken(simulator.baseUrl)
        const send = Http.postJson(`${simulator.baseUrl}/communication/kpn/sms/send`, {
          messages: [{ mobile_number: "0612345678", content: "x" }]
        }, { authorization: `Bearer ${token}` })
        assert.strictEqual((yield* send).status, 200)
        const second = yield* send
        assert.strictEqual(second.headers.get("quota-used"), "2")
        const third = yield* send
        assert.strictEqual(third.status, 429)
        assert.strictEqual(third.json.fault.detail.errorcode, "policies.ratelimit.QuotaViolation")
        assert.isString(third.headers.get("retry-after"))
      }))
  })

  describe("inbound SMS", () => {
    it.scoped("sends KPN's inbound webhook, signed", () =>
      Effect.gen(function*() {
        const listener = yield* WebhookReceiver.make()
        const simulator = yield* setup({
          webhooks: { kpnSms: { inboundUrl: `${listener.url}/in`, signingKey: { keyId: "k", secret: "s" } } }
        })
        const sent = yield* simulator.inbound({ api: "kpn-sms", from: "+31612345678", to: "3197000000000", text: "Hello" })
        assert.strictEqual(sent[0]!.status, 200)
        const received = yield* listener.requests.take
        const payload = JSON.parse(received.body)
        assert.strictEqual(payload.sender, "31612345678")
        assert.strictEqual(payload.content, "Hello")
        const doc = yield* inboundSpec
        assert.deepStrictEqual(
          OpenApiValidator.schemaErrors(doc["components"]["schemas"]["InboundSms"], payload),
          []
        )
        yield* KpnWebhookSignature.verify({
          headers: received.headers as Record<string, string>,
          body: received.body,
          secrets: { k: Redacted.make("s") }
        })
      }))
  })
})
