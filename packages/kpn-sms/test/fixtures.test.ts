/**
 * Every KPN fixture (copied from the shared spec collection, see fixtures/ORIGIN.md) goes through the part
 * of the package that meets it in real traffic, and comes out as the expected event, result or error.
 */
import { assert, describe, it } from "@effect/vitest"
import { MockHttpClient } from "@switchboard/testing"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as path from "node:path"
import { KpnSmsClient, KpnSmsWebhook } from "../src/index.js"
import {
  clientLayer,
  clientSecret,
  fixture,
  fixturesDir,
  fixtureText,
  setSmsHandler,
  smsRequests,
  tokenPath
} from "./support/kpn.js"

const send = Effect.flatMap(
  KpnSmsClient.KpnSmsClient,
  (kpn) => kpn.send({ messages: [{ to: "0612345678", text: "Hi from KPN!" }] })
)

type Check = () => Effect.Effect<void, unknown, never>

const table: Record<string, Check> = {
  "spec-generated/inbound-sms.json": () =>
    Effect.gen(function*() {
      const events = yield* KpnSmsWebhook.parse(
        { method: "POST", url: "/kpn/inbound", headers: { "content-type": "application/json" }, body: fixtureText("spec-generated/inbound-sms.json") },
        { verification: "disabled" }
      )
      assert.strictEqual(events.length, 1)
      const inbound = events[0]!
      if (inbound._tag !== "InboundMessage") throw new Error("expected an InboundMessage")
      assert.strictEqual(inbound.providerMessageId, "6W0000001G7BB999.3197000000000")
      assert.strictEqual(inbound.from, "31600000000")
      assert.strictEqual(inbound.to, "3197000000000")
      assert.strictEqual(inbound.content._tag === "Text" ? inbound.content.text : undefined, "Hey this is an inbound response.")
      assert.strictEqual(DateTime.formatIso(inbound.receivedAt), "2024-04-30T14:37:42.218Z")
    }),

  "spec-generated/send-response-200.json": () =>
    Effect.gen(function*() {
      yield* setSmsHandler(() => MockHttpClient.json(fixture("spec-generated/send-response-200.json")))
      const result = yield* send
      assert.strictEqual(result.documentId, "b4e905d4-774c-4c83-8360-01427e17a33a")
      assert.strictEqual(result.status, "OK")
    }).pipe(Effect.provide(clientLayer())),

  "spec-generated/error-response-example.json": () =>
    Effect.gen(function*() {
      const body = fixture("spec-generated/error-response-example.json")
      // the example's code is placeholder text, so the HTTP status decides
      for (const [status, tag] of [[400, "InvalidMessage"], [404, "Rejected"], [500, "ProviderUnavailable"]] as const) {
        yield* setSmsHandler(() => MockHttpClient.json(body, { status }))
        const error = yield* Effect.flip(send)
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.providerText, "eq. internal server error")
        assert.strictEqual(error.providerCode, "Status codes possible 401, 403, 404, 500")
      }
    }).pipe(Effect.provide(clientLayer())),

  "spec-generated/send-request-example.json": () =>
    Effect.gen(function*() {
      // the wire schema reads KPN's example body…
      const wire = Schema.decodeUnknownSync(KpnSmsClient.WireRequest)(fixture("spec-generated/send-request-example.json"))
      assert.strictEqual(wire.sender, "KPN API")
      assert.strictEqual(wire.expireIn, "10")
      assert.strictEqual(wire.messages[0].content, "Hi from KPN!")
      assert.deepStrictEqual(Schema.encodeSync(KpnSmsClient.WireRequest)(wire), fixture("spec-generated/send-request-example.json"))
      // …and the client refuses its placeholder values before any I/O
      yield* setSmsHandler(() => MockHttpClient.json({ document_id: "never", status: "OK" }))
      const kpn = yield* KpnSmsClient.KpnSmsClient
      const request: KpnSmsClient.SendRequest = {
        ...(wire.sender === undefined ? {} : { sender: wire.sender }),
        ...(wire.webhookUrl === undefined ? {} : { webhookUrl: wire.webhookUrl }),
        expireIn: Duration.seconds(Number(wire.expireIn)),
        messages: wire.messages.map((m) => ({ to: m.mobileNumber, text: m.content }))
      }
      const error = yield* Effect.flip(kpn.send(request))
      assert.strictEqual(error._tag === "InvalidMessage" ? error.field : error._tag, "webhook_url")
      const fixedUrl = yield* Effect.flip(kpn.send({ ...request, webhookUrl: "https://example.com/dlr" }))
      assert.strictEqual(fixedUrl._tag === "InvalidMessage" ? fixedUrl.field : fixedUrl._tag, "recipient.phone")
      assert.strictEqual((yield* MockHttpClient.requests).length, 0)
    }).pipe(Effect.provide(clientLayer())),

  "wyre-node-kpn/apigee-invalid-access-token-fault.json": () =>
    Effect.gen(function*() {
      const fault = fixture("wyre-node-kpn/apigee-invalid-access-token-fault.json")
      for (const status of [401, 500]) {
        yield* setSmsHandler(() => MockHttpClient.json(fault, { status }))
        const error = yield* Effect.flip(send)
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.strictEqual(error.providerCode, "oauth.v2.InvalidAccessToken")
      }
      // each refusal renewed the token once and retried once
      assert.strictEqual((yield* smsRequests).length, 4)
    }).pipe(Effect.provide(clientLayer())),

  "wyre-node-kpn/oauth-token-200.json": () =>
    Effect.gen(function*() {
      yield* MockHttpClient.setHandler((request) =>
        request.path === tokenPath
          ? MockHttpClient.json(fixture("wyre-node-kpn/oauth-token-200.json"))
          : MockHttpClient.json({ document_id: "doc", status: "OK" })
      )
      yield* send
      const [request] = yield* smsRequests
      assert.strictEqual(MockHttpClient.header(request!, "authorization"), "Bearer fake-gateway-access-token")
    }).pipe(Effect.provide(clientLayer())),

  "wyre-node-kpn/oauth-token-invalid-client.json": () =>
    Effect.gen(function*() {
      yield* MockHttpClient.setHandler((request) =>
        request.path === tokenPath
          ? MockHttpClient.json(fixture("wyre-node-kpn/oauth-token-invalid-client.json"), { status: 401 })
          : MockHttpClient.json({ document_id: "never", status: "OK" })
      )
      const error = yield* Effect.flip(send)
      assert.strictEqual(error._tag, "AuthenticationFailed")
      assert.strictEqual(error.channel, "sms.kpn")
      assert.strictEqual(error.providerCode, "invalid_client")
      assert.notInclude(JSON.stringify(error), clientSecret)
      assert.strictEqual((yield* smsRequests).length, 0)
    }).pipe(Effect.provide(clientLayer()))
}

const jsonFixtures = ["spec-generated", "wyre-node-kpn"].flatMap((dir) =>
  fs.readdirSync(path.join(fixturesDir, dir)).filter((f) => f.endsWith(".json")).map((f) => `${dir}/${f}`)
)

describe("KPN fixtures", () => {
  it("every JSON fixture has an expectation", () => {
    assert.deepStrictEqual(jsonFixtures.sort(), Object.keys(table).sort())
  })

  for (const name of Object.keys(table)) {
    it.effect(name, table[name]!)
  }
})
