import { assert, describe, it } from "@effect/vitest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Scenario, Simulator } from "@switchboard/simulator"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Http from "./support/http.js"

// These tests run on the TestClock: the simulator's delays and token lifetimes follow `TestClock.adjust`.

const sms = (simulator: Simulator.Service, to: string) =>
  Http.postJson(`${simulator.baseUrl}/sms/json`, { from: "Acme", to, text: "Hello" }, {
    authorization: Http.basic("abcd1234", "secret")
  })

const kpn = (simulator: Simulator.Service, token: string) =>
  Http.postJson(`${simulator.baseUrl}/communication/kpn/sms/send`, {
    messages: [{ mobile_number: "0612345678", content: "Hello" }]
  }, { authorization: `Bearer ${token}` })

/** Waits on real time (a timer, not the TestClock), asserting nothing about it, until `count` requests are recorded. */
const recorded = (simulator: Simulator.Service, count: number) =>
  Effect.gen(function*() {
    while ((yield* simulator.requests).length < count) {
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
    }
    return yield* simulator.requests
  })

describe("Scenario timing", () => {
  it.scoped("delayMs holds the answer until the delay has passed (TestClock)", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.make({ scenario: { rules: [{ delayMs: 30_000, outcome: { type: "deliver" } }] } })
      const pending = yield* Effect.fork(sms(simulator, "447700900000"))
      const requests = yield* recorded(simulator, 1)
      assert.isUndefined(requests[0]!.status)
      yield* TestClock.adjust("30 seconds")
      const answer = yield* Fiber.join(pending)
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.json.messages[0].status, "0")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a client that gives up during delayMs does not stop the request: it is accepted (TestClock)", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.make({ scenario: { rules: [{ delayMs: 30_000, outcome: { type: "deliver" } }] } })
      const pending = yield* Effect.fork(sms(simulator, "447700900000"))
      yield* recorded(simulator, 1)
      yield* Fiber.interrupt(pending)
      yield* TestClock.adjust("30 seconds")
      while ((yield* simulator.requests)[0]!.status === undefined) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
      assert.strictEqual((yield* simulator.requests)[0]!.status, 200)
      assert.strictEqual((yield* simulator.counters).messagesAccepted, 1)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("KPN tokens expire after the configured lifetime (TestClock)", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.make({ scenario: { tokens: { lifetimeSeconds: 60 } } })
      const token = yield* Http.kpnToken(simulator.baseUrl)
      const send = kpn(simulator, token)
      assert.strictEqual((yield* send).status, 200)
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual((yield* send).status, 200)
      yield* TestClock.adjust("1 second")
      const expired = yield* send
      assert.strictEqual(expired.status, 401)
      assert.strictEqual(expired.json.fault.detail.errorcode, "oauth.v2.InvalidAccessToken")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("history", () => {
  it.scoped("keeps the last historyLimit requests while the counters keep counting", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.make({ historyLimit: 10 })
      for (let i = 0; i < 25; i++) yield* sms(simulator, `4477009000${String(i).padStart(2, "0")}`)
      const requests = yield* simulator.requests
      assert.isAtMost(requests.length, 11)
      assert.isAtLeast(requests.length, 10)
      assert.strictEqual(JSON.parse(requests[requests.length - 1]!.body).to, "447700900024")
      const counters = yield* simulator.counters
      assert.strictEqual(counters.requests, 25)
      assert.strictEqual(counters.messagesAccepted, 25)
      assert.isAtMost((yield* simulator.messages).length, 11)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("options.scenario", () => {
  it.scoped("takes a decoded scenario (secrets already Redacted) as well as its JSON form", () =>
    Effect.gen(function*() {
      const json = {
        rules: [{ to: "+4477*", outcome: { type: "reject" as const, code: 7 } }],
        webhooks: { messages: { signatureSecret: "messages-secret" } }
      }
      const decoded = yield* Scenario.decode(json)
      for (const scenario of [json, decoded]) {
        const simulator = yield* Simulator.make({ scenario })
        const answer = yield* sms(simulator, "447700900000")
        assert.strictEqual(answer.json.messages[0].status, "7")
        assert.deepStrictEqual(yield* simulator.scenario, decoded)
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
