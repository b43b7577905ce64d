import { assert, describe, it, layer } from "@effect/vitest"
import { Scenario, Simulator } from "@switchboard/simulator"
import { OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Http from "./support/http.js"
import { setup } from "./support/simulator.js"
import * as OpenApi from "./support/openapi.js"

const auth = { authorization: Http.basic("abcd1234", "secret") }


const sms = (simulator: Simulator.Service, to: string, extra: Record<string, unknown> = {}) =>
  Http.postJson(`${simulator.baseUrl}/sms/json`, { from: "Acme", to, text: "Hello", ...extra }, auth)

const message = (simulator: Simulator.Service, to: string, channel = "whatsapp") =>
  Http.postJson(`${simulator.baseUrl}/v1/messages`, {
    message_type: "text",
    channel,
    to,
    from: "447700900001",
    text: "Hello"
  }, auth)

const kpn = (simulator: Simulator.Service, token: string, webhookUrl: string, number = "0612345678") =>
  Http.postJson(`${simulator.baseUrl}/communication/kpn/sms/send`, {
    webhook_url: webhookUrl,
    messages: [{ mobile_number: number, content: "Hello" }]
  }, { authorization: `Bearer ${token}` })

/** Waits (on real time, without asserting on it) until the simulator has recorded `count` requests. */
const recorded = (simulator: Simulator.Service, count: number) =>
  Effect.gen(function*() {
    while ((yield* simulator.requests).length < count) {
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
    }
    return yield* simulator.requests
  })

const smsSpec = OpenApi.load("vonage-sms.mock.yml")
const messagesSpec = Effect.map(OpenApi.load("vonage-messages-v1.mock.yml"), OpenApi.fixReadStatus)

describe("Scenario", () => {
  it.effect("validates scenarios and explains what is wrong", () =>
    Effect.gen(function*() {
      const ok = yield* Scenario.decode({
        rules: [{ to: "+316*", api: ["vonage-sms", "kpn-sms"], outcome: { type: "reject", code: 7 }, times: 2 }],
        default: { type: "undeliverable" }
      })
      assert.strictEqual(ok.rules.length, 1)
      const unknownOutcome = yield* Effect.flip(Scenario.decode({ rules: [{ outcome: { type: "explode" } }] }))
      assert.strictEqual(unknownOutcome._tag, "ScenarioError")
      assert.include(unknownOutcome.message, "explode")
      const typo = yield* Effect.flip(Scenario.decode({ rulez: [] }))
      assert.include(typo.message, "rulez")
      const notJson = yield* Effect.flip(Scenario.decodeJson("{ nope"))
      assert.include(notJson.message, "not JSON")
      const badStatus = yield* Effect.flip(Scenario.decode({ default: { type: "server-error", status: 404 } }))
      assert.strictEqual(badStatus._tag, "ScenarioError")
    }))

  it.effect("the README's example scenario is valid", () =>
    Effect.gen(function*() {
      const example = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "example-scenario.json"), "utf8")
      const scenario = yield* Scenario.decodeJson(example)
      assert.strictEqual(scenario.rules.length, 10)
      const readme = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "README.md"), "utf8")
      assert.include(readme.replace(/\s+/g, " "), example.trim().replace(/\s+/g, " "))
    }))

  it("matches recipients by glob, with or without +, and by /regex/", () => {
    const glob = Scenario.compilePattern("+3161*")
    assert.isTrue(glob("+31612345678"))
    assert.isFalse(glob("+31622345678"))
    assert.isTrue(Scenario.compilePattern("3161*")("+31612345678"))
    assert.isTrue(Scenario.compilePattern("+44770090000?")("+447700900001"))
    assert.isFalse(Scenario.compilePattern("+44770090000?")("+4477009000012"))
    assert.isTrue(Scenario.compilePattern("/^\\+31(6|97)/")("+3197012345678"))
    assert.isTrue(Scenario.compilePattern("psid-*")("psid-123"))
    assert.isTrue(Scenario.matches(
      { outcome: { type: "deliver" }, api: "messages", channel: ["whatsapp", "viber_service"] },
      { api: "messages", channel: "viber_service", to: "x" }
    ))
    assert.isFalse(Scenario.matches(
      { outcome: { type: "deliver" }, api: "messages", channel: "whatsapp" },
      { api: "kpn-messages", channel: "whatsapp", to: "x" }
    ))
  })

  it.prop("a pattern without wildcards matches exactly itself", [FastCheck.string({ minLength: 1, maxLength: 20 })], ([text]) => {
    const literal = text.replace(/[*?]/g, "")
    if (literal.length === 0 || (literal.startsWith("/") && literal.endsWith("/"))) return true
    const matches = Scenario.compilePattern(literal)
    return matches(literal) && (literal.length < 2 || !matches(literal.slice(1) + literal[0] + "x")) && Scenario.compilePattern("*")(text)
  })
})

layer(Simulator.layer(), { excludeTestServices: true })("Scenario outcomes", (it) => {
  it.scoped("deliver: accepted, then delivered on every API", () =>
    Effect.gen(function*() {
      const listener = yield* WebhookReceiver.make()
      const simulator = yield* setup({
        default: { type: "deliver" },
        webhooks: {
          vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr` },
          messages: { statusUrl: `${listener.url}/status` }
        }
      })
      assert.strictEqual((yield* sms(simulator, "447700900000")).json.messages[0].status, "0")
      assert.strictEqual(JSON.parse((yield* listener.requests.take).body).status, "delivered")
      assert.strictEqual((yield* message(simulator, "447700900000")).status, 202)
      assert.deepStrictEqual((yield* listener.requests.takeN(2)).map((r) => JSON.parse(r.body).status), ["submitted", "delivered"])
      const token = yield* Http.kpnToken(simulator.baseUrl)
      assert.strictEqual((yield* kpn(simulator, token, `${listener.url}/kpn`)).status, 200)
      assert.strictEqual(JSON.parse((yield* listener.requests.take).body).StatusDescription, "Delivered")
    }))

  it.scoped("reject at submission: Vonage SMS status codes, Messages 422/402, KPN 400", () =>
    Effect.gen(function*() {
      const simulator = yield* setup({
        rules: [
          { to: "+447700900007", outcome: { type: "reject", code: 7 } },
          { to: "+447700900015", outcome: { type: "reject", code: 15, text: "Illegal Sender Address - rejected" } },
          { to: "+447700900099", api: "messages", outcome: { type: "reject", stage: "submit", code: 1070 } },
          { to: "+447700900098", api: "messages", outcome: { type: "reject", stage: "submit", code: 1120 } },
          { api: "kpn-sms", outcome: { type: "reject", stage: "submit", text: "Sender not allowed" } }
        ]
      })
      const barred = yield* sms(simulator, "447700900007")
      assert.deepStrictEqual(barred.json, { "message-count": "1", messages: [{ status: "7", "error-text": "Number barred." }] })
      assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* smsSpec, "POST /sms/{format}", 200, barred.json), [])
      assert.strictEqual((yield* sms(simulator, "447700900015")).json.messages[0]["error-text"], "Illegal Sender Address - rejected")
      const lowBalance = yield* message(simulator, "447700900099")
      assert.strictEqual(lowBalance.status, 402)
      assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* messagesSpec, "POST /v1/messages", 402, lowBalance.json), [])
      const sender = yield* message(simulator, "447700900098")
      assert.strictEqual(sender.status, 422)
      assert.match(sender.json.type, /#1120$/)
      const token = yield* Http.kpnToken(simulator.baseUrl)
      const refused = yield* kpn(simulator, token, "http://127.0.0.1:9/unused")
      assert.strictEqual(refused.status, 400)
      assert.strictEqual(refused.json.errorResponse.message, "Sender not allowed")
      assert.strictEqual((yield* simulator.counters).messagesAccepted, 0)
    }))

  it.scoped("reject in the receipt, undeliverable and expire: each API's failure receipts", () =>
    Effect.gen(function*() {
      const listener = yield* WebhookReceiver.make()
      const simulator = yield* setup({
        rules: [
          { to: "+447700900001", api: "vonage-sms", outcome: { type: "reject", stage: "receipt", code: 6 } },
          { to: "+447700900001", outcome: { type: "reject", stage: "receipt" } },
          { to: "+447700900002", outcome: { type: "undeliverable" } },
          { to: "+447700900003", outcome: { type: "expire" } },
          { to: "+31611111111", outcome: { type: "reject", code: 18 } },
          { to: "+31622222222", outcome: { type: "undeliverable", code: 7 } },
          { to: "+31633333333", outcome: { type: "expire" } }
        ],
        webhooks: {
          vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr` },
          messages: { statusUrl: `${listener.url}/status` }
        }
      })
      const doc = yield* smsSpec
      const dlrCallback = doc["paths"]["/sms/{format}"]["post"]["callbacks"]["delivery-receipt"]["{$request.body#/callback}"]["post"]
      const expected = [["447700900001", "rejected", "6"], ["447700900002", "failed", "2"], ["447700900003", "expired", "1"]]
      for (const [to, status, errCode] of expected) {
        assert.strictEqual((yield* sms(simulator, to!)).json.messages[0].status, "0")
        const receipt = JSON.parse((yield* listener.requests.take).body)
        assert.deepStrictEqual([receipt.status, receipt["err-code"]], [status, errCode])
        assert.deepStrictEqual(OpenApi.webhookErrors(dlrCallback, receipt), [])
      }
      const statusSchema = (yield* messagesSpec)["paths"]["/v1/messages"]["post"]["callbacks"]["message-status"]["{$request.body#/callback}"]["post"]
      const messagesExpected = [["447700900001", "rejected", "1250"], ["447700900002", "undeliverable", "1300"], ["447700900003", "rejected", "1360"]]
      for (const [to, status, code] of messagesExpected) {
        assert.strictEqual((yield* message(simulator, to!)).status, 202)
        const [submitted, final] = (yield* listener.requests.takeN(2)).map((r) => JSON.parse(r.body))
        assert.strictEqual(submitted.status, "submitted")
        assert.strictEqual(final.status, status)
        assert.strictEqual(final.error.title, code)
        assert.match(final.error.type, new RegExp(`#${code}$`))
        assert.deepStrictEqual(OpenApi.webhookErrors(statusSchema, final), [])
      }
      const token = yield* Http.kpnToken(simulator.baseUrl)
      const kpnExpected = [["0611111111", "5", "018"], ["0622222222", "4", "007"], ["0633333333", "6", "024"]]
      for (const [number, status, errorCode] of kpnExpected) {
        assert.strictEqual((yield* kpn(simulator, token, `${listener.url}/kpn`, number)).status, 200)
        const report = JSON.parse((yield* listener.requests.take).body)
        assert.deepStrictEqual([report.Status, report.ErrorCode], [status, errorCode])
      }
    }))

  it.scoped("no-receipt: accepted, and no final status ever comes (Messages still says submitted)", () =>
    Effect.gen(function*() {
      const listener = yield* WebhookReceiver.make()
      const simulator = yield* setup({
        default: { type: "no-receipt" },
        webhooks: {
          vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr` },
          messages: { statusUrl: `${listener.url}/status` }
        }
      })
      assert.strictEqual((yield* sms(simulator, "447700900000")).json.messages[0].status, "0")
      assert.strictEqual((yield* message(simulator, "447700900000")).status, 202)
      yield* simulator.drain
      const received = yield* listener.requests.takeAll
      assert.deepStrictEqual(received.map((r) => [r.path, JSON.parse(r.body).status]), [["/status", "submitted"]])
      assert.strictEqual((yield* simulator.messages).length, 2)
    }))

  it.scoped("throttle: 429 with Retry-After in each API's format; times: 1 throttles once", () =>
    Effect.gen(function*() {
      const simulator = yield* setup({
        rules: [{ times: 1, outcome: { type: "throttle", retryAfterSeconds: 7 } }]
      })
      const throttled = yield* sms(simulator, "447700900000")
      assert.strictEqual(throttled.status, 429)
      assert.strictEqual(throttled.headers.get("retry-after"), "7")
      assert.strictEqual(throttled.json.messages[0].status, "1")
      assert.strictEqual((yield* sms(simulator, "447700900000")).status, 200)

      yield* simulator.loadScenario({ rules: [{ outcome: { type: "throttle" } }] })
      const messages = yield* message(simulator, "447700900000")
      assert.strictEqual(messages.status, 429)
      assert.strictEqual(messages.headers.get("retry-after"), "1")
      assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* messagesSpec, "POST /v1/messages", 429, messages.json), [])
      const token = yield* Http.kpnToken(simulator.baseUrl)
      const kpnThrottled = yield* kpn(simulator, token, "http://127.0.0.1:9/unused")
      assert.strictEqual(kpnThrottled.status, 429)
      assert.strictEqual(kpnThrottled.json.fault.detail.errorcode, "policies.ratelimit.QuotaViolation")
      assert.isString(kpnThrottled.headers.get("quota-limit"))
    }))

  it.scoped("server-error: the configured 5xx with the API's error body", () =>
    Effect.gen(function*() {
      const simulator = yield* setup({ default: { type: "server-error", status: 503 } })
      const vonage = yield* sms(simulator, "447700900000")
      assert.strictEqual(vonage.status, 503)
      assert.strictEqual(vonage.json.messages[0].status, "5")
      const messages = yield* message(simulator, "447700900000")
      assert.strictEqual(messages.status, 503)
      yield* simulator.loadScenario({ default: { type: "server-error" } })
      const internal = yield* message(simulator, "447700900000")
      assert.strictEqual(internal.status, 500)
      assert.deepStrictEqual(OpenApiValidator.responseErrors(yield* messagesSpec, "POST /v1/messages", 500, internal.json), [])
      const token = yield* Http.kpnToken(simulator.baseUrl)
      const kpnError = yield* kpn(simulator, token, "http://127.0.0.1:9/unused")
      assert.strictEqual(kpnError.status, 500)
      assert.strictEqual(kpnError.json.errorResponse.code, "500")
    }))

  it.scoped("drop-connection: the socket closes without an answer", () =>
    Effect.gen(function*() {
      const simulator = yield* setup({ default: { type: "drop-connection" } })
      const failed = yield* Effect.either(sms(simulator, "447700900000"))
      assert.isTrue(Either.isLeft(failed))
      const failedMessages = yield* Effect.either(message(simulator, "447700900000"))
      assert.isTrue(Either.isLeft(failedMessages))
      const requests = yield* simulator.requests
      assert.deepStrictEqual(requests.map((r) => r.outcome), ["dropped", "dropped"])
      assert.strictEqual((yield* simulator.messages).length, 0)
    }))

  it.scoped("never-answer: the request stays open until the client gives up", () =>
    Effect.gen(function*() {
      const simulator = yield* setup({ rules: [{ api: "vonage-sms", outcome: { type: "never-answer" } }] })
      const pending = yield* Effect.fork(sms(simulator, "447700900000"))
      const requests = yield* recorded(simulator, 1)
      assert.strictEqual(requests[0]!.outcome, "unanswered")
      assert.isUndefined(requests[0]!.status)
      const exit = yield* Fiber.interrupt(pending)
      assert.isTrue(exit._tag === "Failure")
      // The server keeps serving other requests.
      assert.strictEqual((yield* message(simulator, "447700900000")).status, 202)
    }))

  it.scoped("duplicate and reverse-ordered callbacks", () =>
    Effect.gen(function*() {
      const listener = yield* WebhookReceiver.make()
      const simulator = yield* setup({
        rules: [
          { api: "vonage-sms", outcome: { type: "deliver" }, callbacks: { duplicate: 1 } },
          { api: "messages", outcome: { type: "read" }, callbacks: { order: "reverse" } },
          { api: "kpn-sms", outcome: { type: "deliver" }, callbacks: { interim: true, order: "reverse" } }
        ],
        webhooks: {
          vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr`, signatureSecret: "s" },
          messages: { statusUrl: `${listener.url}/status` }
        }
      })
      yield* sms(simulator, "447700900000")
      const [first, second] = yield* listener.requests.takeN(2)
      assert.strictEqual(first!.body, second!.body)
      assert.strictEqual(JSON.parse(first!.body).status, "delivered")

      yield* message(simulator, "447700900000")
      assert.deepStrictEqual((yield* listener.requests.takeN(3)).map((r) => JSON.parse(r.body).status), ["read", "delivered", "submitted"])

      const token = yield* Http.kpnToken(simulator.baseUrl)
      yield* kpn(simulator, token, `${listener.url}/kpn`)
      assert.deepStrictEqual((yield* listener.requests.takeN(2)).map((r) => JSON.parse(r.body).StatusDescription), ["Delivered", "Accepted"])

      yield* simulator.loadScenario({
        rules: [{ outcome: { type: "deliver" }, callbacks: { order: "reverse", interim: true } }],
        webhooks: { vonageSms: { deliveryReceiptUrl: `${listener.url}/dlr` } }
      })
      const parts = (yield* sms(simulator, "447700900000", { text: "b".repeat(200) })).json.messages
      const receipts = (yield* listener.requests.takeN(4)).map((r) => JSON.parse(r.body))
      assert.deepStrictEqual(
        receipts.map((r) => [r.messageId, r.status]),
        [
          [parts[1]["message-id"], "delivered"],
          [parts[1]["message-id"], "accepted"],
          [parts[0]["message-id"], "delivered"],
          [parts[0]["message-id"], "accepted"]
        ]
      )
    }))

  it.scoped("rules apply by recipient, API and channel, in order; the default applies otherwise", () =>
    Effect.gen(function*() {
      const simulator = yield* setup({
        rules: [
          { to: "psid-*", channel: "messenger", outcome: { type: "throttle" } },
          { to: "+44*", api: "messages", outcome: { type: "server-error" } },
          { to: "psid-*", outcome: { type: "drop-connection" } }
        ],
        default: { type: "reject", code: 9 }
      })
      assert.strictEqual((yield* message(simulator, "447700900000")).status, 500)
      assert.strictEqual((yield* message(simulator, "psid-1", "messenger")).status, 429)
      assert.strictEqual((yield* sms(simulator, "447700900000")).json.messages[0].status, "9")
      // The default `reject` refuses Vonage SMS at submission and Messages in the status webhook.
      assert.strictEqual((yield* message(simulator, "page-1", "messenger")).status, 202)
      assert.deepStrictEqual((yield* simulator.messages).map((m) => [m.to, m.outcome]), [["page-1", "reject"]])
    }))
})
