import { assert, describe, it } from "@effect/vitest"
import { VonageSignature } from "@switchboard/auth"
import { Content } from "@switchboard/core"
import { MockHttpClient } from "@switchboard/testing"
import { VonageSmsChannel, VonageSmsClient } from "@switchboard/vonage-sms"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { accepted, message, send, tokenReply } from "./support.js"

const env = (values: Record<string, string>) => Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(values))))

const channelFromEnv = (values: Record<string, string>, handler: MockHttpClient.Handler = () => accepted()) =>
  VonageSmsChannel.layerConfig({ retry: false, sender: "Acme" }).pipe(
    Layer.provideMerge(MockHttpClient.layer(handler)),
    Layer.provide(env(values))
  )

const hello = Content.text("Hello")

describe("VonageSmsClient.layerConfig", () => {
  it.effect("VONAGE_API_KEY + VONAGE_API_SECRET: direct, Basic", () =>
    Effect.gen(function*() {
      yield* send(yield* message(hello))
      const [request] = yield* MockHttpClient.requests
      assert.strictEqual(request!.url, "https://rest.nexmo.com/sms/json")
      assert.match(MockHttpClient.header(request!, "authorization") ?? "", /^Basic /)
    }).pipe(Effect.provide(channelFromEnv({ VONAGE_API_KEY: "abcd1234", VONAGE_API_SECRET: "secret-123456" }))))

  it.effect("VONAGE_SMS_AUTH=key-secret and VONAGE_SMS_BASE_URL", () =>
    Effect.gen(function*() {
      yield* send(yield* message(hello))
      const [request] = yield* MockHttpClient.requests
      assert.strictEqual(request!.url, "http://127.0.0.1:4010/sms/json")
      assert.strictEqual(MockHttpClient.bodyForm(request!)["api_secret"], "secret-123456")
    }).pipe(
      Effect.provide(channelFromEnv({
        VONAGE_API_KEY: "abcd1234",
        VONAGE_API_SECRET: "secret-123456",
        VONAGE_SMS_AUTH: "key-secret",
        VONAGE_SMS_BASE_URL: "http://127.0.0.1:4010"
      }))
    ))

  it.effect("VONAGE_SIGNATURE_SECRET: signed, with VONAGE_SIGNATURE_METHOD in the dashboard's words", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      yield* send(yield* message(hello))
      const [request] = yield* MockHttpClient.requests
      const form = MockHttpClient.bodyForm(request!)
      assert.strictEqual(form["sig"]!.length, 64)
      yield* VonageSignature.verify({ params: form, secret: Redacted.make("sig-secret-99"), algorithm: "sha256" })
    }).pipe(
      Effect.provide(channelFromEnv({
        VONAGE_API_KEY: "abcd1234",
        VONAGE_SIGNATURE_SECRET: "sig-secret-99",
        VONAGE_SIGNATURE_METHOD: "SHA-256 HMAC"
      }))
    ))

  it.effect("KPN_CLIENT_ID + KPN_CLIENT_SECRET: through KPN, with overridable URLs", () =>
    Effect.gen(function*() {
      yield* send(yield* message(hello))
      const requests = yield* MockHttpClient.requests
      assert.deepStrictEqual(requests.map((r) => r.url), [
        "http://127.0.0.1:4011/token?grant_type=client_credentials",
        "http://127.0.0.1:4011/nexmo/sms/send"
      ])
      assert.strictEqual(MockHttpClient.header(requests[1]!, "authorization"), "Bearer env-token")
    }).pipe(
      Effect.provide(channelFromEnv(
        {
          KPN_CLIENT_ID: "client",
          KPN_CLIENT_SECRET: "kpn-secret-123",
          KPN_TOKEN_URL: "http://127.0.0.1:4011/token",
          KPN_NEXMO_SMS_BASE_URL: "http://127.0.0.1:4011/nexmo/sms"
        },
        MockHttpClient.routes({ "POST /token": tokenReply("env-token"), "POST /nexmo/sms/send": accepted() })
      ))
    ))

  it.effect("VONAGE_SMS_RATE_LIMIT limits requests a second", () =>
    Effect.gen(function*() {
      const m = yield* message(hello)
      const fiber = yield* Effect.fork(Effect.all([send(m), send(m)], { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* MockHttpClient.requests).length, 1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.strictEqual((yield* MockHttpClient.requests).length, 2)
    }).pipe(
      Effect.provide(channelFromEnv({ VONAGE_API_KEY: "k", VONAGE_API_SECRET: "s", VONAGE_SMS_RATE_LIMIT: "1" }))
    ))

  it.effect("missing or wrong settings are ConfigErrors that name the variable", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
        [{}, "VONAGE_API_KEY"],
        [{ VONAGE_API_KEY: "k" }, "VONAGE_API_SECRET"],
        [{ VONAGE_API_KEY: "k", VONAGE_SMS_AUTH: "signed", VONAGE_API_SECRET: "s" }, "VONAGE_SIGNATURE_SECRET"],
        [{ VONAGE_API_KEY: "k", VONAGE_SIGNATURE_SECRET: "s", VONAGE_SIGNATURE_METHOD: "crc32" }, "VONAGE_SIGNATURE_METHOD"],
        [{ VONAGE_SMS_MODE: "kpn" }, "KPN_CLIENT_ID"],
        [{ KPN_CLIENT_ID: "c" }, "KPN_CLIENT_SECRET"],
        [{ VONAGE_API_KEY: "k", VONAGE_API_SECRET: "s", VONAGE_SMS_RATE_LIMIT: "0" }, "VONAGE_SMS_RATE_LIMIT"]
      ]
      for (const [values, name] of cases) {
        const exit = yield* Effect.exit(VonageSmsClient.config.pipe(Effect.withConfigProvider(
          ConfigProvider.fromMap(new Map(Object.entries(values)))
        )))
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), name)
      }
    }))

  it.effect("secrets read from the environment stay redacted", () =>
    Effect.gen(function*() {
      const configuration = yield* VonageSmsClient.config.pipe(Effect.withConfigProvider(
        ConfigProvider.fromMap(new Map([["VONAGE_API_KEY", "k"], ["VONAGE_API_SECRET", "top-secret-value"]]))
      ))
      assert.notInclude(JSON.stringify(configuration), "top-secret-value")
      assert.notInclude(String(configuration.options.mode === "direct" ? configuration.options.authentication : ""), "top-secret-value")
    }))
})
