/**
 * The requests the adapter sends, recorded at the HttpClient seam, validated against Vonage's official
 * `sms.yml` (SMS API 1.0.10) and KPN's definition of the same API through its gateway.
 */
import { assert, describe, it } from "@effect/vitest"
import { type Message } from "@switchboard/core"
import { Content } from "@switchboard/core"
import { MockHttpClient, OpenApiValidator } from "@switchboard/testing"
import { type VonageSmsClient, VonageSmsClient as Client } from "@switchboard/vonage-sms"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import {
  accepted,
  apiKey,
  apiSecret,
  basic,
  directChannel,
  kpnChannel,
  message,
  send,
  signatureSecret,
  tokenReply
} from "./support.js"

type Document = OpenApiValidator.Document

/** A definition from test/fixtures/openapi (see ORIGIN.md), a copy of its own on every call. */
const load = (file: string) => OpenApiValidator.load(new URL(`./fixtures/openapi/${file}`, import.meta.url))

/** Form values travel as strings: they are coerced to the declared types, as a form parser does. */
const requestErrors = (operation: OpenApiValidator.Operation, request: OpenApiValidator.Request) =>
  OpenApiValidator.requestErrors(operation, request, { coerce: true })

const advanced = {
  statusReportReq: false,
  callback: "https://example.com/sms-dlr",
  messageClass: 1,
  accountRef: "customer1234",
  entityId: "1101456324675322134",
  contentId: "1107457532145798767",
  poolId: "abc123",
  trustedNumber: true
} as const

/** The messages whose requests are validated: every content type and every field. */
const messages: Effect.Effect<ReadonlyArray<Message.Message>> = Effect.all([
  message(Content.text("Hello World!")),
  message(Content.text("こんにちは世界 😀")),
  message(Content.text("A long one. ".repeat(40))),
  message(Content.binary("0011223344556677", { udh: "06050415811581", protocolId: 127 })),
  message(Content.text("Your code is 123456"), {
    ttl: Duration.minutes(15),
    clientReference: "my-personal-reference",
    metadata: { "vonage-sms.message-class": "0", "vonage-sms.protocol-id": "64" }
  })
])

const recordedSends = <E>(layer: Layer.Layer<any, E, never>) =>
  Effect.gen(function*() {
    for (const m of yield* messages) yield* send(m)
    return (yield* MockHttpClient.requests).filter((r) => !r.path.includes("oauth"))
  }).pipe(Effect.provide(layer))

const smsOperation = (spec: Document): Document => spec["paths"]["/{format}"]["post"]

/** `sms.yml` as the current reference describes it: `api_key` is "only required if setting sig". */
const withoutRequiredApiKey = (spec: Document): Document => {
  const schema = smsOperation(spec)["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
  schema["required"] = schema["required"].filter((name: string) => name !== "api_key")
  return spec
}

const validateSms = (operation: Document, request: MockHttpClient.RecordedRequest) => {
  const match = /^\/sms\/(json|xml)$/.exec(request.path)
  assert.isNotNull(match, `${request.path} is not under the spec's server https://rest.nexmo.com/sms`)
  return requestErrors(operation, {
    headers: request.headers,
    body: MockHttpClient.bodyForm(request),
    params: { format: match![1]! }
  })
}

describe("requests against the official definitions", () => {
  it.effect("the validator catches broken requests (a negative control)", () =>
    Effect.gen(function*() {
      const operation = smsOperation(yield* load("sms.yml"))
      const validRequest = { from: "Acme", to: "447700900000", text: "Hi", api_key: apiKey, api_secret: "abcdef0123456789" }
      const headers = { "content-type": "application/x-www-form-urlencoded" }
      const params = { format: "json" }
      assert.deepStrictEqual(requestErrors(operation, { headers, params, body: validRequest }), [])
      const broken: ReadonlyArray<Record<string, string>> = [
        { ...validRequest, "message-class": "7" },
        { ...validRequest, to: "12" },
        { ...validRequest, ttl: "100" },
        { ...validRequest, type: "emoji" },
        { from: "Acme", to: "447700900000", text: "Hi" }
      ]
      for (const body of broken) {
        assert.isAbove(requestErrors(operation, { headers, params, body }).length, 0, JSON.stringify(body))
      }
    }))

  /**
   * `sms.yml` limits `sig` to 60 characters, but the SHA-256 and SHA-512 HMACs Vonage documents are 64 and 128
   * hex digits (the spec's own delivery receipt example has a 64-digit `sig`): those two are checked with the
   * limit lifted, and the published spec must find nothing else wrong.
   */
  const withLongSignatures = (spec: Document): Document => {
    const schema = smsOperation(spec)["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    delete schema["properties"]["sig"]["maxLength"]
    return spec
  }

  for (
    const [name, authentication] of [
      ["key-secret", { type: "key-secret", apiKey, apiSecret }],
      ...(["md5hash", "md5", "sha1", "sha256", "sha512"] as const).map((algorithm) =>
        [`signed (${algorithm})`, { type: "signed", apiKey, signatureSecret, algorithm }] as const
      )
    ] as ReadonlyArray<readonly [string, VonageSmsClient.Authentication]>
  ) {
    const longSig = authentication.type === "signed" &&
      (authentication.algorithm === "sha256" || authentication.algorithm === "sha512")
    it.effect(`direct ${name}: every request is valid against sms.yml${longSig ? " (sig length aside)" : ""}`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(1_617_187_200_000)
        const published = smsOperation(yield* load("sms.yml"))
        const lifted = smsOperation(withLongSignatures(yield* load("sms.yml")))
        const requests = yield* recordedSends(directChannel(authentication, () => accepted(), { channel: advanced }))
        assert.strictEqual(requests.length, 5)
        for (const request of requests) {
          assert.deepStrictEqual(validateSms(lifted, request), [], request.body)
          assert.deepStrictEqual(
            validateSms(published, request),
            longSig ? ["body sig: must NOT have more than 60 characters"] : [],
            request.body
          )
        }
      }))
  }

  it.effect("direct Basic: valid against sms.yml, with api_key optional as the current reference says", () =>
    Effect.gen(function*() {
      const published = smsOperation(yield* load("sms.yml"))
      const current = smsOperation(withoutRequiredApiKey(yield* load("sms.yml")))
      const requests = yield* recordedSends(directChannel(basic, () => accepted(), { channel: advanced }))
      for (const request of requests) {
        assert.deepStrictEqual(validateSms(current, request), [], request.body)
        // the only difference from the published definition is the api_key it requires
        assert.deepStrictEqual(
          validateSms(published, request).map((error) => error.includes("api_key")),
          [true]
        )
      }
    }))

  it.effect("through KPN: every request is valid against KPN's /send definition and sms.yml", () =>
    Effect.gen(function*() {
      const kpn = yield* load("kpn-vonage-sms-openapi.yml")
      const current = smsOperation(withoutRequiredApiKey(yield* load("sms.yml")))
      const requests = yield* recordedSends(kpnChannel(
        MockHttpClient.routes({
          "POST /oauth/client_credential/accesstoken": tokenReply("kpn-token"),
          "POST /communication/nexmo/sms/send": accepted()
        }),
        { channel: advanced }
      ))
      assert.strictEqual(requests.length, 5)
      for (const request of requests) {
        assert.strictEqual(`${kpn["host"]}${kpn["basePath"]}/send`, `api-prd.kpn.com${request.path}`)
        const body = MockHttpClient.bodyForm(request)
        assert.deepStrictEqual(requestErrors(kpn["paths"]["/send"]["post"], { headers: request.headers, body }), [])
        assert.deepStrictEqual(
          requestErrors(current, { headers: request.headers, body, params: { format: "json" } }),
          []
        )
      }
    }))

  it.effect("through KPN: /register is valid against KPN's definition", () =>
    Effect.gen(function*() {
      const kpn = yield* load("kpn-vonage-sms-openapi.yml")
      const client = yield* Client.VonageSmsClient
      yield* client.register({ to: "31612345678", callbackUrl: "https://example.com/webhooks/inbound" })
      const [request] = (yield* MockHttpClient.requests).filter((r) => r.path.endsWith("/register"))
      assert.strictEqual(request!.path, `${kpn["basePath"]}/register`)
      const operation = kpn["paths"]["/register"]["post"]
      const body = MockHttpClient.bodyForm(request!)
      assert.deepStrictEqual(requestErrors(operation, { headers: request!.headers, body }), [])
      assert.isAbove(requestErrors(operation, { headers: request!.headers, body: { to: "31612345678" } }).length, 0)
    }).pipe(
      Effect.provide(kpnChannel(MockHttpClient.routes({
        "POST /oauth/client_credential/accesstoken": tokenReply("kpn-token"),
        "POST /communication/nexmo/sms/register": MockHttpClient.json({ message: "Your callback url is registered." })
      })))
    ))
})
