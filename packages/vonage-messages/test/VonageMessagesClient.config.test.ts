import { assert, describe, it } from "@effect/vitest"
import { ApplicationJwt } from "@switchboard/auth"
import { MockHttpClient } from "@switchboard/testing"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as VonageMessagesClient from "../src/VonageMessagesClient.js"
import { keys } from "./helpers.js"

const request: VonageMessagesClient.SendRequest = {
  channel: "messenger",
  from: "107083064136738",
  to: "5234567890123456",
  payload: { type: "text", text: "Hi" }
}

const fromEnvironment = (variables: Record<string, string>) =>
  VonageMessagesClient.layerConfig.pipe(
    Layer.provideMerge(
      MockHttpClient.layer(MockHttpClient.always(MockHttpClient.json({ message_uuid: "m-1" }, { status: 202 })))
    ),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables)))))
  )

describe("VonageMessagesClient.layerConfig", () => {
  it.effect("vonage-jwt: an application JWT from VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY, at the configured base URL", () =>
    Effect.gen(function*() {
      const client = yield* VonageMessagesClient.VonageMessagesClient
      assert.strictEqual(client.api, "v1")
      yield* client.send(request)
      const [sent] = yield* MockHttpClient.requests
      assert.strictEqual(sent!.url, "http://127.0.0.1:4010/v1/messages")
      const token = (MockHttpClient.header(sent!, "authorization") ?? "").replace(/^Bearer /, "")
      const claims = yield* ApplicationJwt.verify(token, keys.publicKey)
      assert.strictEqual(claims.application_id, "app-from-env")
    }).pipe(
      Effect.provide(
        fromEnvironment({
          VONAGE_MESSAGES_MODE: "vonage-jwt",
          VONAGE_MESSAGES_BASE_URL: "http://127.0.0.1:4010",
          VONAGE_APPLICATION_ID: "app-from-env",
          VONAGE_PRIVATE_KEY: keys.privateKey
        })
      )
    ))

  it.effect("vonage-basic by default", () =>
    Effect.gen(function*() {
      const client = yield* VonageMessagesClient.VonageMessagesClient
      yield* client.send(request)
      const [sent] = yield* MockHttpClient.requests
      assert.strictEqual(sent!.url, "https://api.nexmo.com/v1/messages")
      assert.match(MockHttpClient.header(sent!, "authorization") ?? "", /^Basic /)
    }).pipe(Effect.provide(fromEnvironment({ VONAGE_API_KEY: "abcd1234", VONAGE_API_SECRET: "env-secret-0001" }))))

  it.effect("a missing secret is a configuration error naming the variable, not its value", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(VonageMessagesClient.VonageMessagesClient, fromEnvironment({ VONAGE_API_KEY: "abcd1234" }))
      )
      assert.include(String(error), "VONAGE_API_SECRET")
      const badMode = yield* Effect.flip(
        Effect.provide(VonageMessagesClient.VonageMessagesClient, fromEnvironment({ VONAGE_MESSAGES_MODE: "sms" }))
      )
      assert.include(String(badMode), "VONAGE_MESSAGES_MODE")
    }))
})
