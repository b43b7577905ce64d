/**
 * KPN's API Store gateway (Apigee): the client-credentials token endpoint, bearer-token checks, its fault
 * bodies and the quota response headers.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Http from "./http.js"
import type { State } from "./state.js"
import * as Wire from "./wire.js"

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const randomToken = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(28))
  return Array.from(bytes, (byte) => tokenAlphabet[byte % tokenAlphabet.length]).join("")
}

/** `{"ErrorCode": ..., "Error": ...}`, Apigee's OAuth error envelope. */
const oauthError = (status: number, code: string, error: string): Http.Reply =>
  Http.json(status, { ErrorCode: code, Error: error })

/** `POST /oauth/client_credential/accesstoken?grant_type=client_credentials` */
export const token = (state: State, incoming: Http.Incoming): Effect.Effect<Http.Reply> =>
  Effect.gen(function*() {
    const grantType = incoming.query.get("grant_type") ?? new URLSearchParams(incoming.body).get("grant_type")
    if (grantType !== "client_credentials") {
      return oauthError(400, "invalid_request", `Unsupported grant type : ${grantType ?? ""}`)
    }
    const form = new URLSearchParams(incoming.body)
    const basic = Http.authorization(incoming)
    const clientId = form.get("client_id") ?? (basic._tag === "Basic" ? basic.user : null)
    const clientSecret = form.get("client_secret") ?? (basic._tag === "Basic" ? basic.password : null)
    if (clientId === null || clientId.trim() === "") return oauthError(401, "invalid_client", "ClientId is Invalid")
    const required = state.scenario.credentials?.kpn
    if (required !== undefined && clientId !== required.clientId) {
      return oauthError(401, "invalid_client", "ClientId is Invalid")
    }
    if (clientSecret === null || clientSecret.trim() === "" || (required !== undefined && clientSecret !== Redacted.value(required.clientSecret))) {
      return oauthError(401, "invalid_client", "Client credentials are invalid")
    }
    const now = yield* Clock.currentTimeMillis
    const lifetime = state.scenario.tokens?.lifetimeSeconds ?? 3599
    const accessToken = randomToken()
    state.issueToken(accessToken, clientId, now + lifetime * 1000)
    return Http.json(200, Wire.encodeKpnToken({
      refreshTokenExpiresIn: "0",
      apiProductList: "[sms-kpn, sms-nexmo, messages-nexmo]",
      apiProductListJson: ["sms-kpn", "sms-nexmo", "messages-nexmo"],
      organizationName: "kpn",
      developerEmail: "developer@example.test",
      tokenType: "Bearer",
      issuedAt: String(now),
      clientId,
      accessToken,
      applicationName: "switchboard-simulator",
      scope: "",
      expiresIn: String(lifetime),
      refreshCount: "0",
      status: "approved"
    }))
  })

/** Apigee's fault for a missing, unknown or expired access token. */
export const invalidToken = (state: State): Http.Reply =>
  Http.json(state.scenario.tokens?.invalidTokenStatus ?? 401, {
    fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } }
  })

/** Apigee's quota fault. */
export const quotaViolation = (retryAfterSeconds: number, headers: Readonly<Record<string, string>> = {}): Http.Reply =>
  Http.json(429, {
    fault: {
      faultstring: "Rate limit quota violation. Quota limit exceeded. Identifier : _default",
      detail: { errorcode: "policies.ratelimit.QuotaViolation" }
    }
  }, { ...headers, "retry-after": String(retryAfterSeconds) })

/** Checks the bearer token; `undefined` when it is valid, else the gateway's answer. */
export const checkBearer = (state: State, incoming: Http.Incoming): Effect.Effect<Http.Reply | undefined> =>
  Effect.gen(function*() {
    const auth = Http.authorization(incoming)
    if (auth._tag !== "Bearer") return invalidToken(state)
    const now = yield* Clock.currentTimeMillis
    const status = state.tokenStatus(auth.token, now)
    if (status === "valid") return undefined
    if (status === "unknown" && state.scenario.tokens?.acceptUnknown === true) return undefined
    return invalidToken(state)
  })

/** KPN's standard response headers, with the quota counters. */
export const quotaHeaders = (state: State, now: number): Record<string, string> => {
  const limit = state.scenario.account?.quotaLimit ?? 100000
  const reset = new Date(now)
  const nextMonth = Date.UTC(reset.getUTCFullYear(), reset.getUTCMonth() + 1, 1)
  return {
    "sunset": "n/a",
    "api-version": "v1",
    "quota-interval": "1",
    "quota-limit": String(limit),
    "quota-reset-utc": String(nextMonth),
    "quota-time-unit": "month",
    "quota-used": String(Math.min(state.quotaUsed, limit))
  }
}

/** Counts one call against the quota; the gateway's 429 when it is used up. */
export const useQuota = (state: State): Effect.Effect<{ readonly headers: Record<string, string>; readonly exceeded: boolean }> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    state.quotaUsed += 1
    const limit = state.scenario.account?.quotaLimit ?? 100000
    return { headers: quotaHeaders(state, now), exceeded: state.quotaUsed > limit }
  })
