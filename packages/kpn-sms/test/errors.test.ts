import { assert, describe, it } from "@effect/vitest"
import * as Errors from "../src/internal/errors.js"
import { parseResetAt } from "../src/internal/quota.js"

const now = Date.UTC(2026, 0, 1, 12, 0, 0)

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Errors.fromAnswer({ status, body, headers, now })

const fault = (errorcode: string, faultstring = "a fault") => ({ fault: { faultstring, detail: { errorcode } } })

// The expected classification of every row of the table, written out so a change to the table is a
// deliberate change to this test.
const expectedFaults: Record<string, string> = {
  "oauth.v2.InvalidAccessToken": "AuthenticationFailed",
  "oauth.v2.AccessTokenExpired": "AuthenticationFailed",
  "steps.oauth.v2.invalid_access_token": "AuthenticationFailed",
  "steps.oauth.v2.access_token_expired": "AuthenticationFailed",
  "steps.oauth.v2.FailedToResolveAccessToken": "AuthenticationFailed",
  "keymanagement.service.invalid_access_token": "AuthenticationFailed",
  "keymanagement.service.access_token_expired": "AuthenticationFailed",
  "oauth.v2.InvalidApiKey": "AuthenticationFailed",
  "keymanagement.service.consumer_key_expired": "AuthenticationFailed",
  "keymanagement.service.app_not_approved": "AuthenticationFailed",
  "keymanagement.service.invalid_client-app_not_approved": "AuthenticationFailed",
  "keymanagement.service.DeveloperStatusNotActive": "AuthenticationFailed",
  "oauth.v2.InvalidApiKeyForGivenResource": "Rejected/NotPermitted",
  "keymanagement.service.InvalidAPICallAsNoApiProductMatchFound": "Rejected/NotPermitted",
  "keymanagement.service.apiresource_doesnot_exist": "Rejected/NotPermitted",
  "policies.ratelimit.QuotaViolation": "RateLimited",
  "policies.ratelimit.SpikeArrestViolation": "RateLimited",
  "messaging.adaptors.http.flow.ServiceUnavailable": "ProviderUnavailable",
  "messaging.adaptors.http.flow.GatewayTimeout": "ProviderUnavailable",
  "messaging.runtime.RouteFailed": "ProviderUnavailable",
  "messaging.adaptors.http.flow.ApplicationNotFound": "Rejected/Other",
  "protocol.http.TooBigBody": "InvalidMessage",
  "steps.jsonthreatprotection.ExecutionFailed": "InvalidMessage",
  "steps.jsonthreatprotection.ExecutionFailedJSONThreat": "InvalidMessage"
}

const expectedStatuses: Record<number, string> = {
  400: "InvalidMessage",
  401: "AuthenticationFailed",
  403: "Rejected/NotPermitted",
  404: "Rejected/Other",
  405: "Rejected/Other",
  412: "Rejected/Other",
  413: "InvalidMessage",
  415: "InvalidMessage",
  429: "RateLimited",
  500: "ProviderUnavailable",
  502: "ProviderUnavailable",
  503: "ProviderUnavailable",
  504: "ProviderUnavailable"
}

const kind = (error: ReturnType<typeof answer>): string =>
  error._tag === "Rejected" ? `Rejected/${error.rejection}` : error._tag

describe("the KPN error table", () => {
  it("lists exactly the expected gateway faults and statuses", () => {
    assert.deepStrictEqual(Object.keys(Errors.faults).sort(), Object.keys(expectedFaults).sort())
    assert.deepStrictEqual(Object.keys(Errors.statuses).map(Number).sort(), Object.keys(expectedStatuses).map(Number).sort())
  })

  for (const [code, expected] of Object.entries(expectedFaults)) {
    it(`gateway fault ${code} → ${expected}, whatever the HTTP status`, () => {
      for (const status of [401, 403, 429, 500]) {
        const error = answer(status, fault(code, `text of ${code}`))
        assert.strictEqual(kind(error), expected)
        assert.strictEqual(error.channel, "sms.kpn")
        assert.strictEqual(error.providerCode, code)
        assert.strictEqual(error.providerText, `text of ${code}`)
        assert.include(error.message, code)
      }
    })
  }

  for (const [status, expected] of Object.entries(expectedStatuses)) {
    it(`HTTP ${status} → ${expected} (errorResponse body, bare body, and errorResponse.code)`, () => {
      const withBody = answer(Number(status), {
        errorResponse: { code: status, message: `message ${status}`, info: "for additional information look at https://developer.kpn.com" }
      })
      assert.strictEqual(kind(withBody), expected)
      assert.strictEqual(withBody.providerCode, status)
      assert.strictEqual(withBody.providerText, `message ${status}`)

      const bare = answer(Number(status), undefined)
      assert.strictEqual(kind(bare), expected)
      assert.strictEqual(bare.providerCode, status)

      // KPN's errorResponse.code wins over the HTTP status it came with
      const wrapped = answer(500, { errorResponse: { code: status, message: "wrapped" } })
      assert.strictEqual(kind(wrapped), expected)
    })
  }

  it("an unknown fault code falls back on the HTTP status", () => {
    assert.strictEqual(answer(500, fault("some.new.Fault"))._tag, "ProviderUnavailable")
    assert.strictEqual(answer(401, fault("some.new.Fault"))._tag, "AuthenticationFailed")
    assert.strictEqual(answer(429, fault("some.new.Fault"))._tag, "RateLimited")
  })

  it("a non-numeric errorResponse.code (the spec's example) falls back on the HTTP status", () => {
    const error = answer(400, { errorResponse: { code: "Status codes possible 401, 403, 404, 500", message: "m" } })
    assert.strictEqual(error._tag, "InvalidMessage")
    assert.strictEqual(error.providerCode, "Status codes possible 401, 403, 404, 500")
  })

  it("statuses the table does not list fall back on their class", () => {
    assert.strictEqual(kind(answer(418, undefined)), "Rejected/Other")
    assert.strictEqual(kind(answer(409, "not json")), "Rejected/Other")
    assert.strictEqual(answer(408, undefined)._tag, "ProviderUnavailable")
    assert.strictEqual(answer(599, undefined)._tag, "ProviderUnavailable")
    const unavailable = answer(507, undefined)
    assert.strictEqual(unavailable._tag === "ProviderUnavailable" ? unavailable.status : undefined, 507)
  })

  it("RateLimited takes its retry-after from Retry-After seconds, an HTTP date, or the quota reset", () => {
    const seconds = answer(429, fault("policies.ratelimit.QuotaViolation"), { "retry-after": "7" })
    assert.strictEqual(seconds._tag === "RateLimited" ? seconds.retryAfterMillis : -1, 7000)

    const date = answer(429, undefined, { "Retry-After": new Date(now + 90_000).toUTCString() })
    assert.strictEqual(date._tag === "RateLimited" ? date.retryAfterMillis : -1, 90_000)

    const reset = answer(429, undefined, { "quota-reset-utc": String(now + 120_000) })
    assert.strictEqual(reset._tag === "RateLimited" ? reset.retryAfterMillis : -1, 120_000)

    const none = answer(429, undefined)
    assert.strictEqual(none._tag === "RateLimited" ? none.retryAfterMillis : -1, undefined)

    const past = answer(429, undefined, { "quota-reset-utc": String(now - 5_000) })
    assert.strictEqual(past._tag === "RateLimited" ? past.retryAfterMillis : -1, 0)
  })

  it("reads every form of quota-reset-UTC", () => {
    const at = Date.UTC(2026, 1, 1, 0, 0, 0)
    assert.strictEqual(parseResetAt(String(at)), at)
    assert.strictEqual(parseResetAt(String(at / 1000)), at)
    assert.strictEqual(parseResetAt("2026-02-01T00:00:00Z"), at)
    assert.strictEqual(parseResetAt("2026-02-01T00:00:00"), at)
    assert.strictEqual(parseResetAt("2026-02-01 00:00:00.000"), at)
    assert.strictEqual(parseResetAt("2026-02-01 00:00:00 UTC"), at)
    assert.strictEqual(parseResetAt("Sun, 01 Feb 2026 00:00:00 GMT"), at)
    assert.strictEqual(parseResetAt("n/a"), undefined)
    assert.strictEqual(parseResetAt(""), undefined)
  })
})
