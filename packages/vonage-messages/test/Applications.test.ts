import { assert, describe, it } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import { MockHttpClient, OpenApiValidator } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Applications from "../src/Applications.js"
import { apiSecret, kpnSecret, kpnToken, kpnTokenRoute } from "./helpers.js"

const privateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"

const wireApplication = (id: string, name: string, withKey = false) => ({
  id,
  name,
  capabilities: {
    messages: {
      version: "v1",
      webhooks: {
        inbound_url: { address: "https://example.com/inbound", http_method: "POST" },
        status_url: { address: "https://example.com/status", http_method: "POST" }
      }
    }
  },
  keys: { public_key: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n", ...(withKey ? { private_key: privateKey } : {}) }
})

const input: Applications.Input = {
  name: "switchboard",
  inboundUrl: "https://example.com/inbound",
  statusUrl: "https://example.com/status"
}

const vonage = (handler: MockHttpClient.Handler) =>
  Applications.layer({ mode: "vonage-basic", apiKey: "abcd1234", apiSecret: Redacted.make(apiSecret) }).pipe(
    Layer.provideMerge(MockHttpClient.layer(handler))
  )

const kpn = (handler: MockHttpClient.Handler) =>
  Applications.layer({ mode: "kpn" }).pipe(
    Layer.provide(OAuthClientCredentials.layer({ clientId: "kpn-client", clientSecret: Redacted.make(kpnSecret), proactiveRefresh: false })),
    Layer.provideMerge(MockHttpClient.layer(MockHttpClient.routes(kpnTokenRoute, handler)))
  )

const headersOf = (request: MockHttpClient.RecordedRequest) => request.headers

describe("Applications", () => {
  it.effect("create, list, get, update and delete, direct to Vonage, valid against application.v2.yml", () =>
    Effect.gen(function*() {
      const spec = yield* OpenApiValidator.load(new URL("./fixtures/specs/application.v2.yml", import.meta.url))
      const applications = yield* Applications.Applications
      const created = yield* applications.create(input)
      assert.strictEqual(created.id, "app-1")
      assert.strictEqual(created.inboundUrl, "https://example.com/inbound")
      assert.strictEqual(created.statusUrl, "https://example.com/status")
      assert.strictEqual(created.version, "v1")
      assert.strictEqual(Redacted.value(created.privateKey!), privateKey)
      assert.notInclude(String(created.privateKey), "PRIVATE KEY")

      const page = yield* applications.list({ page: 2, pageSize: 5 })
      assert.deepStrictEqual(page.applications.map((a) => a.name), ["one", "two"])
      assert.strictEqual(page.page, 2)
      assert.strictEqual(page.totalItems, 7)

      const got = yield* applications.get("app-1")
      assert.strictEqual(got.name, "switchboard")
      assert.isUndefined(got.privateKey)
      const updated = yield* applications.update("app-1", { ...input, name: "renamed", version: "v0.1" })
      assert.strictEqual(updated.name, "renamed")
      yield* applications.delete("app-1")

      const requests = yield* MockHttpClient.requests
      assert.deepStrictEqual(requests.map((r) => `${r.method} ${r.url}`), [
        "POST https://api.nexmo.com/v2/applications",
        "GET https://api.nexmo.com/v2/applications?page=2&page_size=5",
        "GET https://api.nexmo.com/v2/applications/app-1",
        "PUT https://api.nexmo.com/v2/applications/app-1",
        "DELETE https://api.nexmo.com/v2/applications/app-1"
      ])
      for (const request of requests) {
        assert.strictEqual(
          MockHttpClient.header(request, "authorization"),
          `Basic ${Buffer.from(`abcd1234:${apiSecret}`).toString("base64")}`
        )
      }
      assert.deepStrictEqual(MockHttpClient.bodyJson(requests[0]!), {
        name: "switchboard",
        capabilities: {
          messages: {
            version: "v1",
            webhooks: {
              inbound_url: { address: "https://example.com/inbound", http_method: "POST" },
              status_url: { address: "https://example.com/status", http_method: "POST" }
            }
          }
        }
      })
      assert.deepStrictEqual(
        OpenApiValidator.requestErrors(spec, "POST /", { headers: headersOf(requests[0]!), body: MockHttpClient.bodyJson(requests[0]!) }),
        []
      )
      // the validator does check: a body without a name is refused
      assert.isNotEmpty(OpenApiValidator.requestErrors(spec, "POST /", { headers: headersOf(requests[0]!), body: { capabilities: {} } }))
      assert.deepStrictEqual(OpenApiValidator.requestErrors(spec, "GET /", { headers: headersOf(requests[1]!), query: requests[1]!.query }, { coerce: true }), [])
      assert.deepStrictEqual(
        OpenApiValidator.requestErrors(spec, "PUT /{id}", {
          headers: headersOf(requests[3]!),
          body: MockHttpClient.bodyJson(requests[3]!),
          params: { id: "app-1" }
        }),
        []
      )
      assert.strictEqual((MockHttpClient.bodyJson(requests[3]!) as any).capabilities.messages.version, "v0.1")
    }).pipe(
      Effect.provide(
        vonage(MockHttpClient.routes({
          "POST /v2/applications": MockHttpClient.json(wireApplication("app-1", "switchboard", true), { status: 201 }),
          "GET /v2/applications": MockHttpClient.json({
            page_size: 5,
            page: 2,
            total_items: 7,
            total_pages: 2,
            _embedded: { applications: [wireApplication("a", "one"), wireApplication("b", "two")] }
          }),
          "GET /v2/applications/app-1": MockHttpClient.json(wireApplication("app-1", "switchboard")),
          "PUT /v2/applications/app-1": MockHttpClient.json(wireApplication("app-1", "renamed")),
          "DELETE /v2/applications/app-1": MockHttpClient.empty(204)
        }))
      )
    ))

  it.effect("goes through KPN's gateway with a bearer token, the v0.1 webhook version and page_index", () =>
    Effect.gen(function*() {
      const applications = yield* Applications.Applications
      yield* applications.create(input)
      const page = yield* applications.list({ page: 3, pageSize: 20 })
      assert.strictEqual(page.page, 3)
      assert.deepStrictEqual(page.applications.map((a) => a.id), ["k1"])
      const requests = (yield* MockHttpClient.requests).filter((r) => r.path.includes("/applications"))
      assert.deepStrictEqual(requests.map((r) => `${r.method} ${r.url}`), [
        "POST https://api-prd.kpn.com/communication/nexmo/applications/v2",
        "GET https://api-prd.kpn.com/communication/nexmo/applications/v2?page_index=2&page_size=20"
      ])
      assert.strictEqual(MockHttpClient.header(requests[0]!, "authorization"), `Bearer ${kpnToken}`)
      assert.strictEqual((MockHttpClient.bodyJson(requests[0]!) as any).capabilities.messages.version, "v0.1")
    }).pipe(
      Effect.provide(
        kpn(MockHttpClient.routes({
          "POST /communication/nexmo/applications/v2": MockHttpClient.json(wireApplication("k1", "switchboard"), { status: 201 }),
          "GET /communication/nexmo/applications/v2": MockHttpClient.json({ applications: [wireApplication("k1", "switchboard")] })
        }))
      )
    ))

  const failures: ReadonlyArray<readonly [string, MockHttpClient.Outcome, Applications.ApplicationsError["reason"]]> = [
    ["401", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors#unauthorized", title: "Invalid credentials supplied", detail: "You did not provide correct credentials.", instance: "x" }, { status: 401 }), "AuthenticationFailed"],
    ["404", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors#not-found", title: "Not Found", detail: "ID 'ABC123' does not exist, or you do not have access", instance: "x" }, { status: 404 }), "NotFound"],
    ["400 with invalid_parameters", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors/application.v2#payload-validation", title: "Bad Request", detail: "The request failed due to validation errors", invalid_parameters: [{ name: "capabilities.messages.webhooks.inbound_url.address", reason: "Malformed URL" }], instance: "x" }, { status: 400 }), "InvalidRequest"],
    ["429", MockHttpClient.json({ title: "rate limited" }, { status: 429 }), "RateLimited"],
    ["500", MockHttpClient.empty(500), "ProviderUnavailable"],
    ["a refused connection", MockHttpClient.transportError(), "ProviderUnavailable"]
  ]
  for (const [name, outcome, reason] of failures) {
    it.effect(`${name} → ${reason}`, () =>
      Effect.gen(function*() {
        const applications = yield* Applications.Applications
        const error = yield* Effect.flip(applications.get("ABC123"))
        assert.strictEqual(error.reason, reason)
        assert.notInclude(`${error.message} ${JSON.stringify(error)}`, apiSecret)
        if (name.startsWith("400")) {
          assert.include(error.providerText ?? "", "capabilities.messages.webhooks.inbound_url.address: Malformed URL")
        }
      }).pipe(Effect.provide(vonage(MockHttpClient.always(outcome)))))
  }
})
