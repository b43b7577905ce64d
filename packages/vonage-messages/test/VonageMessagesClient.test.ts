import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { ApplicationJwt } from "@switchboard/auth"
import type { ChannelError } from "@switchboard/core/ChannelError"
import { MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as path from "node:path"
import * as VonageMessagesClient from "../src/VonageMessagesClient.js"
import { apiSecret, clientLayer, keys, kpnSecret, kpnToken, type Mode } from "./helpers.js"

const payload = (file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "payloads", file), "utf8"))

const whatsappText: VonageMessagesClient.SendRequest = {
  channel: "whatsapp",
  from: "447700900001",
  to: "447700900000",
  payload: { type: "text", text: "Hello" },
  clientRef: "order-1"
}

const send = (request: VonageMessagesClient.SendRequest) =>
  Effect.flatMap(VonageMessagesClient.VonageMessagesClient, (client) => client.send(request))

const sendFailure = (request: VonageMessagesClient.SendRequest) =>
  Effect.flip(send(request)) as Effect.Effect<ChannelError, never, VonageMessagesClient.VonageMessagesClient>

const accepted = MockHttpClient.json({ message_uuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" }, { status: 202 })

const noSecrets = (error: ChannelError) => {
  const rendered = `${String(error)} ${JSON.stringify(error)} ${error.message}`
  for (const secret of [apiSecret, kpnSecret, kpnToken, "abcd1234:"]) assert.notInclude(rendered, secret)
}

describe("VonageMessagesClient", () => {
  describe("vonage-basic (v1)", () => {
    it.effect("posts the v1 body to /v1/messages with HTTP Basic", () =>
      Effect.gen(function*() {
        const result = yield* send(whatsappText)
        assert.deepStrictEqual(result, { messageUuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" })
        const [request] = yield* MockHttpClient.requests
        assert.strictEqual(request!.method, "POST")
        assert.strictEqual(request!.url, "https://api.nexmo.com/v1/messages")
        assert.strictEqual(
          MockHttpClient.header(request!, "authorization"),
          `Basic ${Buffer.from(`abcd1234:${apiSecret}`).toString("base64")}`
        )
        assert.strictEqual(MockHttpClient.header(request!, "content-type"), "application/json")
        assert.deepStrictEqual(MockHttpClient.bodyJson(request!), {
          message_type: "text",
          channel: "whatsapp",
          to: "447700900000",
          from: "447700900001",
          client_ref: "order-1",
          text: "Hello"
        })
      }).pipe(Effect.provide(clientLayer("vonage-basic", MockHttpClient.always(accepted)))))

    it.effect("uses a configured base URL", () =>
      Effect.gen(function*() {
        const client = yield* VonageMessagesClient.make({
          mode: "vonage-basic",
          apiKey: "k",
          apiSecret: Redacted.make("s"),
          baseUrl: "http://127.0.0.1:4010/"
        })
        yield* client.send(whatsappText)
        const [request] = yield* MockHttpClient.requests
        assert.strictEqual(request!.url, "http://127.0.0.1:4010/v1/messages")
      }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(accepted)))))
  })

  it.effect("vonage-jwt (v1) sends an RS256 application JWT", () =>
    Effect.gen(function*() {
      yield* send(whatsappText)
      const [request] = yield* MockHttpClient.requests
      assert.strictEqual(request!.url, "https://api.nexmo.com/v1/messages")
      const authorization = MockHttpClient.header(request!, "authorization") ?? ""
      assert.match(authorization, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
      const claims = yield* ApplicationJwt.verify(authorization.slice("Bearer ".length), keys.publicKey)
      assert.strictEqual(claims.application_id, "app-0001")
    }).pipe(Effect.provide(clientLayer("vonage-jwt", MockHttpClient.always(accepted)))))

  it.effect("kpn (v0.1) posts the v0.1 body through KPN with a bearer token and the application id", () =>
    Effect.gen(function*() {
      yield* send(whatsappText)
      const requests = yield* MockHttpClient.requests
      assert.deepStrictEqual(requests.map((r) => r.path), [
        "/oauth/client_credential/accesstoken",
        "/communication/nexmo/v0.1/messages"
      ])
      const request = requests[1]!
      assert.strictEqual(request.url, "https://api-prd.kpn.com/communication/nexmo/v0.1/messages")
      assert.strictEqual(MockHttpClient.header(request, "authorization"), `Bearer ${kpnToken}`)
      assert.strictEqual(MockHttpClient.header(request, "applicationid"), "app-0001")
      assert.deepStrictEqual(MockHttpClient.bodyJson(request), {
        from: { type: "whatsapp", number: "447700900001" },
        to: { type: "whatsapp", number: "447700900000" },
        message: { content: { type: "text", text: "Hello" } },
        client_ref: "order-1"
      })
    }).pipe(Effect.provide(clientLayer("kpn", MockHttpClient.always(accepted)))))

  describe("rendering", () => {
    const cases: ReadonlyArray<readonly [string, VonageMessagesClient.SendRequest, unknown, unknown]> = [
      [
        "a WhatsApp template (KPN's {default} parameters in v0.1)",
        {
          channel: "whatsapp",
          from: "447700900001",
          to: "447700900000",
          payload: { type: "template", name: "whatsapp:hsm:technology:nexmo:verify", parameters: ["Nexmo", "64873"] },
          whatsapp: { policy: "deterministic", locale: "en-GB" }
        },
        {
          message_type: "template",
          channel: "whatsapp",
          to: "447700900000",
          from: "447700900001",
          template: { name: "whatsapp:hsm:technology:nexmo:verify", parameters: ["Nexmo", "64873"] },
          whatsapp: { locale: "en-GB", policy: "deterministic" }
        },
        {
          from: { type: "whatsapp", number: "447700900001" },
          to: { type: "whatsapp", number: "447700900000" },
          message: {
            content: {
              type: "template",
              template: {
                name: "whatsapp:hsm:technology:nexmo:verify",
                parameters: [{ default: "Nexmo" }, { default: "64873" }]
              }
            },
            whatsapp: { locale: "en-GB", policy: "deterministic" }
          }
        }
      ],
      [
        "a Viber image with ttl and category",
        {
          channel: "viber",
          from: "654321",
          to: "447700900000",
          payload: { type: "image", url: "https://example.com/a.jpg" },
          viber: { category: "transaction", ttl: 600 }
        },
        {
          message_type: "image",
          channel: "viber_service",
          to: "447700900000",
          from: "654321",
          image: { url: "https://example.com/a.jpg" },
          viber_service: { category: "transaction", ttl: 600 }
        },
        {
          from: { type: "viber_service_msg", id: "654321" },
          to: { type: "viber_service_msg", number: "447700900000" },
          message: {
            content: { type: "image", image: { url: "https://example.com/a.jpg" } },
            viber_service_msg: { category: "transaction", ttl: 600 }
          }
        }
      ],
      [
        "a Messenger file with a tag",
        {
          channel: "messenger",
          from: "9876543210",
          to: "0123456789",
          payload: { type: "file", url: "https://example.com/a.pdf" },
          messenger: { category: "message_tag", tag: "CONFIRMED_EVENT_UPDATE" }
        },
        {
          message_type: "file",
          channel: "messenger",
          to: "0123456789",
          from: "9876543210",
          file: { url: "https://example.com/a.pdf" },
          messenger: { category: "message_tag", tag: "CONFIRMED_EVENT_UPDATE" }
        },
        {
          from: { type: "messenger", id: "9876543210" },
          to: { type: "messenger", id: "0123456789" },
          message: {
            content: { type: "file", file: { url: "https://example.com/a.pdf" } },
            messenger: { category: "message_tag", tag: "CONFIRMED_EVENT_UPDATE" }
          }
        }
      ],
      [
        "a WhatsApp custom payload",
        {
          channel: "whatsapp",
          from: "447700900001",
          to: "447700900000",
          payload: { type: "custom", custom: { type: "interactive", interactive: { type: "button" } } }
        },
        {
          message_type: "custom",
          channel: "whatsapp",
          to: "447700900000",
          from: "447700900001",
          custom: { type: "interactive", interactive: { type: "button" } }
        },
        {
          from: { type: "whatsapp", number: "447700900001" },
          to: { type: "whatsapp", number: "447700900000" },
          message: { content: { type: "custom", custom: { type: "interactive", interactive: { type: "button" } } } }
        }
      ]
    ]
    for (const [name, request, v1, v01] of cases) {
      it(name, () => {
        assert.deepStrictEqual(VonageMessagesClient.toV1Body(request), v1)
        assert.deepStrictEqual(VonageMessagesClient.toV01Body(request), v01)
      })
    }
  })

  describe("errors", () => {
    type Case = readonly [
      name: string,
      mode: Mode,
      outcome: MockHttpClient.Outcome,
      expected: { readonly tag: ChannelError["_tag"]; readonly code?: string; readonly text?: string; readonly rejection?: string }
    ]
    const cases: ReadonlyArray<Case> = [
      ["php-sdk invalid JSON (422)", "vonage-basic", MockHttpClient.json(payload("php-sdk/bad-request.json"), { status: 422 }), { tag: "InvalidMessage", code: "invalid-json" }],
      ["php-sdk rate limit (429, code 1010 in type)", "vonage-basic", MockHttpClient.json(payload("php-sdk/rate-limit.json"), { status: 429, headers: { "retry-after": "3" } }), { tag: "RateLimited", code: "1010", text: "Please wait, then retry your request" }],
      ["python-sdk 1150 with invalid_parameters (422)", "vonage-basic", MockHttpClient.json(payload("python-sdk/invalid_error.json"), { status: 422 }), { tag: "InvalidMessage", code: "1150", text: "The value of one or more parameters is invalid. (messenger.tag: invalid value)" }],
      ["python-sdk low balance (402)", "vonage-basic", MockHttpClient.json(payload("python-sdk/low_balance_error.json"), { status: 402 }), { tag: "Rejected", code: "low-balance", rejection: "InsufficientCredit" }],
      ["python-sdk not found (404)", "vonage-basic", MockHttpClient.json(payload("python-sdk/not_found.json"), { status: 404 }), { tag: "InvalidMessage", code: "not-found" }],
      ["java-sdk 1110 invalid channel (422, undocumented code)", "vonage-basic", MockHttpClient.json(payload("java-sdk/error-422-invalid-channel.json"), { status: 422 }), { tag: "InvalidMessage", code: "1110" }],
      ["v1 1240 illegal number, title as a number", "vonage-jwt", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors/messages-olympus#1240", title: 1240, detail: "Illegal Number", instance: "x" }, { status: 422 }), { tag: "Rejected", code: "1240", rejection: "BlockedRecipient" }],
      ["v1 1000 throttled (429)", "vonage-jwt", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors/messages-olympus#1000", title: "Throttled", detail: "slow down", instance: "x" }, { status: 429 }), { tag: "RateLimited", code: "1000" }],
      ["v1 401 missing credentials", "vonage-basic", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors#unauthorized", title: "Invalid credentials supplied", detail: "You did not provide correct credentials.", instance: "x" }, { status: 401 }), { tag: "AuthenticationFailed", code: "unauthorized" }],
      ["v1 500", "vonage-basic", MockHttpClient.json({ type: "https://developer.nexmo.com/api-errors#internal", title: "Internal Error", detail: "oops", instance: "x" }, { status: 500 }), { tag: "ProviderUnavailable" }],
      ["v1 503 without a body", "vonage-basic", MockHttpClient.empty(503), { tag: "ProviderUnavailable" }],
      ["v0.1 {code, reason} 1240", "kpn", MockHttpClient.json({ code: 1240, reason: "Illegal Number" }, { status: 400 }), { tag: "Rejected", code: "1240", text: "Illegal Number", rejection: "BlockedRecipient" }],
      ["v0.1 {code, reason} 1340 outside the window, code as a string", "kpn", MockHttpClient.json({ code: "1340", reason: "Outside of the allowed window" }, { status: 422 }), { tag: "Rejected", code: "1340", rejection: "NotPermitted" }],
      ["v0.1 1030 internal error", "kpn", MockHttpClient.json({ code: 1030, reason: "Internal error" }, { status: 500 }), { tag: "ProviderUnavailable", code: "1030" }],
      ["KPN quota exceeded (429)", "kpn", MockHttpClient.text("quota exceeded", { status: 429, headers: { "retry-after": "60" } }), { tag: "RateLimited" }],
      ["202 without message_uuid", "vonage-basic", MockHttpClient.json({}, { status: 202 }), { tag: "ProviderUnavailable" }],
      ["a refused connection", "vonage-basic", MockHttpClient.transportError("connect ECONNREFUSED 127.0.0.1:1"), { tag: "ProviderUnavailable" }]
    ]
    for (const [name, mode, outcome, expected] of cases) {
      it.effect(`${name} → ${expected.tag}`, () =>
        Effect.gen(function*() {
          const error = yield* sendFailure(whatsappText)
          assert.strictEqual(error._tag, expected.tag)
          assert.strictEqual(error.channel, "whatsapp")
          if (expected.code !== undefined) assert.strictEqual(error.providerCode, expected.code)
          if (expected.text !== undefined) assert.strictEqual(error.providerText, expected.text)
          if (expected.rejection !== undefined) {
            assert.strictEqual(error._tag === "Rejected" ? error.rejection : undefined, expected.rejection)
          }
          noSecrets(error)
        }).pipe(Effect.provide(clientLayer(mode, MockHttpClient.always(outcome)))))
    }

    it.effect("keeps Retry-After as the rate limit's hint", () =>
      Effect.gen(function*() {
        const error = yield* sendFailure(whatsappText)
        assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 3000)
      }).pipe(
        Effect.provide(
          clientLayer(
            "vonage-basic",
            MockHttpClient.always(MockHttpClient.json(payload("php-sdk/rate-limit.json"), {
              status: 429,
              headers: { "retry-after": "3" }
            }))
          )
        )
      ))

    it.effect("reports 1440 as UnsupportedContent for the content kind sent", () =>
      Effect.gen(function*() {
        const error = yield* sendFailure({ ...whatsappText, payload: { type: "audio", url: "https://example.com/a.mp3" } })
        assert.strictEqual(error._tag, "UnsupportedContent")
        assert.strictEqual(error._tag === "UnsupportedContent" ? error.content : undefined, "Audio")
      }).pipe(
        Effect.provide(
          clientLayer(
            "vonage-basic",
            MockHttpClient.always(
              MockHttpClient.json({ type: "https://developer.vonage.com/api-errors/messages#1440", title: "1440", detail: "no", instance: "x" }, { status: 422 })
            )
          )
        )
      ))

    it.effect("a KPN token rejected twice is AuthenticationFailed under the channel's id", () =>
      Effect.gen(function*() {
        const error = yield* sendFailure(whatsappText)
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.strictEqual(error.channel, "whatsapp")
        noSecrets(error)
        const requests = yield* MockHttpClient.requests
        assert.strictEqual(requests.filter((r) => r.path.endsWith("/v0.1/messages")).length, 2)
      }).pipe(
        Effect.provide(
          clientLayer(
            "kpn",
            MockHttpClient.always(
              MockHttpClient.json(
                { fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } } },
                { status: 401 }
              )
            )
          )
        )
      ))

    it.effect("a provider that never answers fails with ProviderUnavailable after the timeout", () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(sendFailure(whatsappText))
        yield* TestClock.adjust("31 seconds")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "ProviderUnavailable")
        assert.include(error.message, "did not answer")
      }).pipe(Effect.provide(clientLayer("vonage-basic", MockHttpClient.always(MockHttpClient.hang)))))
  })

  it.live("a provider that never answers fails with ProviderUnavailable after the timeout (live clock)", () =>
    Effect.gen(function*() {
      const client = VonageMessagesClient.fromHttpClient({
        api: "v1",
        url: "https://api.nexmo.com/v1/messages",
        client: yield* HttpClient.HttpClient,
        timeout: "20 millis"
      })
      const error = yield* Effect.flip(client.send(whatsappText))
      assert.strictEqual(error._tag, "ProviderUnavailable")
      assert.include(error.message, "did not answer within")
    }).pipe(Effect.provide(MockHttpClient.layer(MockHttpClient.always(MockHttpClient.hang)))))

  describe("success responses", () => {
    for (const file of ["php-sdk/sms-success.json", "python-sdk/send_message.json", "python-sdk/send_message_with_failover.json"]) {
      it.effect(file, () =>
        Effect.gen(function*() {
          const body = payload(file) as { message_uuid: string; workflow_id?: string }
          const result = yield* send(whatsappText).pipe(
            Effect.provide(clientLayer("vonage-basic", MockHttpClient.always(MockHttpClient.json(body, { status: 202 }))))
          )
          assert.strictEqual(result.messageUuid, body.message_uuid)
          assert.strictEqual(result.workflowId, body.workflow_id)
        }))
    }
  })
})
