import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { VonageCredentials } from "@switchboard/auth"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { json, makeTransport } from "./helpers.js"

const secret = Redacted.make("my-api-secret")

describe("VonageCredentials", () => {
  it("basicAuthorization is Basic base64(api_key:api_secret)", () => {
    assert.strictEqual(
      VonageCredentials.basicAuthorization("abcd1234", secret),
      `Basic ${Buffer.from("abcd1234:my-api-secret").toString("base64")}`
    )
    assert.strictEqual(VonageCredentials.basicAuthorization("k", Redacted.make("pässwörd")), `Basic ${Buffer.from("k:pässwörd", "utf8").toString("base64")}`)
  })

  it("keySecretParams are api_key and api_secret", () => {
    assert.deepStrictEqual(VonageCredentials.keySecretParams("abcd1234", secret), {
      api_key: "abcd1234",
      api_secret: "my-api-secret"
    })
  })

  it.effect("withBasicAuth adds the header to every request", () =>
    Effect.gen(function*() {
      const transport = makeTransport(() => Effect.succeed(json(202, {})))
      const client = VonageCredentials.withBasicAuth(transport.client, "abcd1234", secret)
      yield* client.execute(HttpClientRequest.post("https://api.nexmo.com/v1/messages"))
      yield* client.execute(HttpClientRequest.post("https://api.nexmo.com/v1/messages"))
      assert.deepStrictEqual(
        transport.requests.map((request) => request.headers["authorization"]),
        Array.from({ length: 2 }, () => VonageCredentials.basicAuthorization("abcd1234", secret))
      )
    }))
})
