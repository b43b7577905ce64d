/**
 * Test harness: KPN's gateway faked at the `HttpClient` seam with `@switchboard/testing`'s MockHttpClient.
 * The token endpoint is answered with the gateway's string-valued token body (one new token per call), and
 * the SMS endpoint by the handler a test sets.
 */
import { OAuthClientCredentials } from "@switchboard/auth"
import { MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { KpnSmsChannel, KpnSmsClient } from "../../src/index.js"

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures")

export const fixtureText = (name: string): string => fs.readFileSync(path.join(fixturesDir, name), "utf8")

export const fixture = (name: string): unknown => JSON.parse(fixtureText(name))

export const clientSecret = "s3cr3t-client-secret-value"

export const tokenPath = "/oauth/client_credential/accesstoken"

export const smsUrl = "https://api-prd.kpn.com/communication/kpn/sms/send"

/** The quota headers KPN's gateway sends on every answer. */
export const quotaHeaders = (used: number, extra: Record<string, string> = {}): Record<string, string> => ({
  "quota-interval": "1",
  "quota-limit": "1000",
  "quota-reset-UTC": "1700000000000",
  "quota-time-unit": "month",
  "quota-used": String(used),
  "api-version": "v1",
  "sunset": "n/a",
  ...extra
})

export const accepted = (documentId: string, headers: Record<string, string> = quotaHeaders(1)) =>
  MockHttpClient.json({ document_id: documentId, status: "OK" }, { headers })

/** Counts and answers token requests with `token-1`, `token-2`, … in KPN's string-valued body. */
export class Tokens extends Effect.Service<Tokens>()("test/Tokens", {
  effect: Effect.map(Ref.make(0), (issued) => ({ issued }))
}) {}

const tokenBody = (n: number) => ({
  ...(fixture("wyre-node-kpn/oauth-token-200.json") as Record<string, string>),
  access_token: `token-${n}`
})

/** The SMS requests recorded so far (token requests left out). */
export const smsRequests = Effect.map(
  MockHttpClient.requests,
  (all) => all.filter((request) => request.path !== tokenPath)
)

export const tokenRequests = Effect.map(
  MockHttpClient.requests,
  (all) => all.filter((request) => request.path === tokenPath)
)

/**
 * Routes the token endpoint to a counting token issuer and everything else to `sms` (by default a defect).
 */
export const setSmsHandler = (sms: MockHttpClient.Handler) =>
  Effect.gen(function*() {
    const { issued } = yield* Tokens
    yield* MockHttpClient.setHandler((request) =>
      request.path === tokenPath
        ? Effect.map(Ref.updateAndGet(issued, (n) => n + 1), (n) => MockHttpClient.json(tokenBody(n)))
        : sms(request)
    )
  })

const oauth = OAuthClientCredentials.layer({
  clientId: "test-client-id",
  clientSecret: Redacted.make(clientSecret),
  proactiveRefresh: false
})

/**
 * The client on the fake transport (no client-side rate limit unless given), with MockHttpClient and
 * Tokens for the test; `setSmsHandler` must be called before sending.
 */
export const clientLayer = (options: KpnSmsClient.Options = {}) =>
  KpnSmsClient.layer({ rateLimit: false, ...options }).pipe(
    Layer.provideMerge(oauth),
    Layer.provideMerge(MockHttpClient.layer()),
    Layer.provideMerge(Tokens.Default)
  )

/** The channel, its client and the fakes. */
export const channelLayer = (
  options: KpnSmsChannel.Options = {},
  clientOptions: KpnSmsClient.Options = {}
) => KpnSmsChannel.layer(options).pipe(Layer.provideMerge(clientLayer(clientOptions)))
