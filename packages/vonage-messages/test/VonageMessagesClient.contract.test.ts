import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { ApplicationJwt, OAuthClientCredentials } from "@switchboard/auth"
import { Simulator } from "@switchboard/simulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as NodeCrypto from "node:crypto"
import * as VonageMessagesClient from "../src/VonageMessagesClient.js"
import { keys } from "./helpers.js"

const applicationId = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
const other = NodeCrypto.generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" }
})

const simulator = Layer.scoped(
  Simulator.Simulator,
  Simulator.make({
    scenario: {
      credentials: {
        vonage: { apiKey: "contract-key", apiSecret: "contract-api-secret-5d1e" },
        kpn: { clientId: "contract-kpn-client", clientSecret: "contract-kpn-secret-3b7f" },
        application: { applicationId, publicKey: keys.publicKey }
      }
    }
  })
).pipe(Layer.provideMerge(NodeHttpClient.layerUndici))

const request: VonageMessagesClient.SendRequest = {
  channel: "whatsapp",
  from: "447700900001",
  to: "447700900000",
  payload: { type: "text", text: "Hello from the contract test" }
}

/** Sends `request` with a client built by `configure` for the running simulator's base URL. */
const sendWith = <E>(
  configure: (baseUrl: string) => Layer.Layer<VonageMessagesClient.VonageMessagesClient, E, HttpClient.HttpClient>
) =>
  Effect.gen(function*() {
    const { baseUrl } = yield* Simulator.Simulator
    return yield* Effect.flatMap(VonageMessagesClient.VonageMessagesClient, (client) => client.send(request)).pipe(
      Effect.provide(configure(baseUrl))
    )
  })

describe("VonageMessagesClient against the simulator", () => {
  it.live("v1 with an application JWT the simulator verifies against the application's public key", () =>
    Effect.gen(function*() {
      const ok = yield* sendWith((baseUrl) =>
        VonageMessagesClient.layer({ mode: "vonage-jwt", baseUrl }).pipe(
          Layer.provide(ApplicationJwt.layer({ applicationId, privateKey: Redacted.make(keys.privateKey) }))
        )
      )
      assert.match(ok.messageUuid, /^[0-9a-f-]{36}$/)

      const forged = yield* Effect.flip(
        sendWith((baseUrl) =>
          VonageMessagesClient.layer({ mode: "vonage-jwt", baseUrl }).pipe(
            Layer.provide(ApplicationJwt.layer({ applicationId, privateKey: Redacted.make(other.privateKey) }))
          )
        )
      )
      assert.strictEqual(forged._tag, "AuthenticationFailed")
    }).pipe(Effect.provide(simulator)))

  it.live("v1 with HTTP Basic: the right secret is accepted, a wrong one is AuthenticationFailed", () =>
    Effect.gen(function*() {
      const ok = yield* sendWith((baseUrl) =>
        VonageMessagesClient.layer({
          mode: "vonage-basic",
          apiKey: "contract-key",
          apiSecret: Redacted.make("contract-api-secret-5d1e"),
          baseUrl
        })
      )
      assert.match(ok.messageUuid, /^[0-9a-f-]{36}$/)
      const wrong = yield* Effect.flip(
        sendWith((baseUrl) =>
          VonageMessagesClient.layer({ mode: "vonage-basic", apiKey: "contract-key", apiSecret: Redacted.make("wrong-secret"), baseUrl })
        )
      )
      assert.strictEqual(wrong._tag, "AuthenticationFailed")
      assert.notInclude(`${wrong.message} ${JSON.stringify(wrong)}`, "wrong-secret")
    }).pipe(Effect.provide(simulator)))

  it.live("v0.1 through KPN: a token from the token endpoint; an expired token is refreshed once", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const kpn = (baseUrl: string, clientSecret: string) =>
        VonageMessagesClient.layer({ mode: "kpn", applicationId, baseUrl: `${baseUrl}/communication/nexmo` }).pipe(
          Layer.provide(
            OAuthClientCredentials.layer({
              clientId: "contract-kpn-client",
              clientSecret: Redacted.make(clientSecret),
              tokenUrl: `${baseUrl}/oauth/client_credential/accesstoken`,
              proactiveRefresh: false
            })
          )
        )
      const context = yield* Layer.build(kpn(sim.baseUrl, "contract-kpn-secret-3b7f"))
      const client = yield* Effect.provide(VonageMessagesClient.VonageMessagesClient, context)
      assert.strictEqual(client.api, "v0.1")
      yield* client.send(request)
      yield* sim.expireTokens
      yield* client.send(request)
      const counters = yield* sim.counters
      assert.strictEqual(counters.tokensIssued, 2)
      assert.strictEqual(counters.messagesAccepted, 2)

      const wrong = yield* Effect.flip(sendWith((baseUrl) => kpn(baseUrl, "not-the-kpn-secret")))
      assert.strictEqual(wrong._tag, "AuthenticationFailed")
      assert.strictEqual(wrong.channel, "whatsapp")
    }).pipe(Effect.scoped, Effect.provide(simulator)))
})
