import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import {
  ApplicationJwt,
  KpnWebhookSignature,
  MessagesWebhookJwt,
  OAuthClientCredentials,
  VonageSignature
} from "@switchboard/auth"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as NodeCrypto from "node:crypto"
import * as NodeUtil from "node:util"
import { json, makeTransport, type Reply } from "./helpers.js"

const CLIENT_SECRET = "KPN-CLIENT-SECRET-d41d8cd98f00"
const ACCESS_TOKENS = ["KPN-ACCESS-TOKEN-0001-aaaa", "KPN-ACCESS-TOKEN-0002-bbbb", "KPN-ACCESS-TOKEN-0003-cccc"]
const API_SECRET = "VONAGE-API-SECRET-7c9e6679"
const SIGNATURE_SECRET = "VONAGE-SIGNATURE-SECRET-e4da3b7f"
const KPN_WEBHOOK_SECRET = "KPN-WEBHOOK-SECRET-1679091c5a88"
const rsa = NodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
const PRIVATE_PEM = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString()
// a line from the middle of the key's base64 body
const PRIVATE_KEY_LINE = PRIVATE_PEM.split("\n")[5]!

describe("secrets", () => {
  it.effect("no secret appears in any log line, error message, toString() or inspection", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.make((options) => {
        lines.push(Logger.logfmtLogger.log(options))
        lines.push(JSON.stringify(Logger.structuredLogger.log(options)))
      })
      const errors: Array<unknown> = []
      const record = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.tapError(effect, (error) => Effect.sync(() => errors.push(error)))
      const issued: Array<string> = []

      yield* Effect.gen(function*() {
        // --- OAuth: token, 401 → refresh → retry, second rejection, invalid_client echoing the secret,
        //     malformed token body, failed background refresh
        let calls = 0
        let tokenReply: (n: number) => Reply = (n) =>
          json(200, { access_token: ACCESS_TOKENS[(n - 1) % 3], expires_in: "3599", token_type: "Bearer" })
        const transport = makeTransport((request) => {
          if (request.url.pathname.endsWith("/accesstoken")) {
            calls += 1
            return Effect.succeed(tokenReply(calls))
          }
          return Effect.succeed(json(401, { fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } } }))
        })
        const options: OAuthClientCredentials.Options = {
          clientId: "test-client-id",
          clientSecret: Redacted.make(CLIENT_SECRET)
        }
        yield* Effect.gen(function*() {
          const oauth = yield* OAuthClientCredentials.OAuthClientCredentials
          issued.push(Redacted.value(yield* oauth.token))
          yield* Effect.ignore(record(
            oauth.withBearer(transport.client).execute(HttpClientRequest.get("https://api-prd.kpn.com/x"))
          ))
          tokenReply = () =>
            json(401, { ErrorCode: "invalid_client", Error: `client_secret ${CLIENT_SECRET} is invalid` })
          yield* oauth.invalidate
          yield* Effect.ignore(record(oauth.token))
          tokenReply = () => json(200, { access_token: ACCESS_TOKENS[2], expires_in: "soon" })
          yield* Effect.ignore(record(oauth.token))
          tokenReply = (n) => json(200, { access_token: ACCESS_TOKENS[(n - 1) % 3], expires_in: "3599" })
          issued.push(Redacted.value(yield* oauth.token))
          tokenReply = () => json(503, { fault: { faultstring: `backend said ${CLIENT_SECRET}` } })
          yield* TestClock.adjust("3400 seconds")
          for (let i = 0; i < 100; i++) yield* Effect.yieldNow()
          lines.push(String(oauth), Inspectable.format(oauth), NodeUtil.inspect(oauth, { depth: 5 }))
        }).pipe(Effect.provide(OAuthClientCredentials.layer(options).pipe(Layer.provide(transport.layer))))
        lines.push(JSON.stringify(options), NodeUtil.inspect(options), String(options.clientSecret))

        // --- Vonage credentials
        const apiSecret = Redacted.make(API_SECRET)
        lines.push(String(apiSecret), NodeUtil.inspect({ apiSecret }), JSON.stringify({ apiSecret }))

        // --- Vonage signatures
        const signatureSecret = Redacted.make(SIGNATURE_SECRET)
        for (const algorithm of VonageSignature.algorithms) {
          const signed = yield* VonageSignature.sign({ params: { a: "1" }, secret: signatureSecret, algorithm, timestamp: 1 })
          yield* Effect.ignore(record(VonageSignature.verify({ params: { ...signed, a: "2" }, secret: signatureSecret, algorithm, now: 1 })))
          yield* Effect.ignore(record(VonageSignature.verify({ params: { ...signed, sig: SIGNATURE_SECRET }, secret: signatureSecret, algorithm, now: 1 })))
          yield* Effect.ignore(record(VonageSignature.verify({ params: signed, secret: signatureSecret, algorithm, now: 10_000 })))
        }

        // --- Messages webhook JWT
        const jwt = yield* MessagesWebhookJwt.sign({ body: "{}", secret: signatureSecret, now: 1 })
        issued.push(jwt)
        yield* Effect.ignore(record(MessagesWebhookJwt.verify({ authorization: `Bearer ${jwt}`, body: "{ }", secret: signatureSecret, now: 1 })))
        yield* Effect.ignore(record(MessagesWebhookJwt.verify({ authorization: `Bearer ${jwt}`, body: "{}", secret: Redacted.make("other"), now: 1 })))
        yield* Effect.ignore(record(MessagesWebhookJwt.verify({ authorization: `Bearer ${jwt}`, body: "{}", secret: signatureSecret, now: 9_999 })))
        yield* Effect.ignore(record(MessagesWebhookJwt.verify({ authorization: SIGNATURE_SECRET, body: "{}", secret: signatureSecret, now: 1 })))

        // --- KPN webhook signatures
        const kpnSecret = Redacted.make(KPN_WEBHOOK_SECRET)
        const headers = yield* KpnWebhookSignature.sign({ body: "{}", secret: kpnSecret, keyId: "wk_1", timestamp: 1 })
        yield* Effect.ignore(record(KpnWebhookSignature.verify({ headers, body: "{ }", secrets: { wk_1: kpnSecret }, now: 1 })))
        yield* Effect.ignore(record(KpnWebhookSignature.verify({ headers, body: "{}", secrets: { wk_1: kpnSecret }, now: 9_999 })))
        yield* Effect.ignore(record(KpnWebhookSignature.verify({ headers: { ...headers, "X-KPN-Webhook-Key-Id": KPN_WEBHOOK_SECRET.slice(0, 5) }, body: "{}", secrets: { wk_1: kpnSecret }, now: 1 })))

        // --- Application JWT
        const appJwt = yield* ApplicationJwt.make({ applicationId: "app", privateKey: Redacted.make(PRIVATE_PEM) })
        issued.push(Redacted.value(yield* appJwt.token))
        lines.push(String(yield* appJwt.token), NodeUtil.inspect(appJwt))
        yield* Effect.ignore(record(ApplicationJwt.make({ applicationId: "app", privateKey: Redacted.make(PRIVATE_PEM.slice(0, 400)) })))
        yield* Effect.ignore(record(ApplicationJwt.verify(issued.at(-1)!, PRIVATE_PEM.slice(0, 300))))
      }).pipe(Logger.withMinimumLogLevel(LogLevel.All), Effect.provide(Logger.replace(Logger.defaultLogger, capture)))

      // the scenarios did run and fail as intended
      assert.isAtLeast(errors.length, 20)
      assert.isTrue(lines.some((line) => line.includes("could not fetch a KPN access token")))
      assert.isTrue(lines.some((line) => line.includes("fetching a new one and retrying once")))
      assert.isTrue(errors.some((e) => (e as { _tag?: string })._tag === "InvalidPrivateKey"))

      const renderings = [
        ...lines,
        ...errors.flatMap((error) => [
          String(error),
          (error as { message?: string }).message ?? "",
          JSON.stringify(error),
          NodeUtil.inspect(error, { depth: 10 }),
          Inspectable.format(error),
          Cause.pretty(Cause.fail(error))
        ])
      ]
      const secrets = [
        CLIENT_SECRET,
        ...ACCESS_TOKENS,
        API_SECRET,
        SIGNATURE_SECRET,
        KPN_WEBHOOK_SECRET,
        PRIVATE_KEY_LINE,
        ...issued
      ]
      for (const text of renderings) {
        for (const secret of secrets) {
          assert.notInclude(text, secret, `a secret leaked into: ${text.slice(0, 200)}`)
        }
      }
      // and the scrubbed provider text says what it could
      const echoed = errors.find((e) => (e as { providerCode?: string }).providerCode === "invalid_client") as {
        providerText?: string
      }
      assert.include(echoed.providerText, "<redacted>")
    }))
})
