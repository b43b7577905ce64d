/**
 * The one table that turns KPN's answers into `ChannelError`s: Apigee gateway faults
 * (`{ fault: { faultstring, detail: { errorcode } } }`, sometimes sent with HTTP 500 for an auth problem),
 * the SMS API's own `{ errorResponse: { code, message, info } }` bodies, and bare HTTP statuses.
 *
 * Precedence: a recognised gateway fault code wins (its HTTP status is unreliable), then a recognised
 * `errorResponse.code`, then the HTTP status.
 */
import { ChannelError } from "@switchboard/core"
import { parseResetAt } from "./quota.js"

/** @internal */
export const channel = "sms.kpn"

/** @internal */
export type Classification =
  | { readonly reason: "InvalidMessage"; readonly explain: string }
  | { readonly reason: "AuthenticationFailed"; readonly explain: string }
  | { readonly reason: "RateLimited"; readonly explain: string }
  | { readonly reason: "ProviderUnavailable"; readonly explain: string }
  | {
    readonly reason: "Rejected"
    readonly rejection: ChannelError.RejectionCause
    readonly explain: string
  }

const auth = (explain: string): Classification => ({ reason: "AuthenticationFailed", explain })
const notPermitted = (explain: string): Classification => ({ reason: "Rejected", rejection: "NotPermitted", explain })
const limited = (explain: string): Classification => ({ reason: "RateLimited", explain })
const unavailable = (explain: string): Classification => ({ reason: "ProviderUnavailable", explain })
const invalid = (explain: string): Classification => ({ reason: "InvalidMessage", explain })
const other = (explain: string): Classification => ({ reason: "Rejected", rejection: "Other", explain })

/**
 * Apigee gateway fault codes (`fault.detail.errorcode`) KPN's API Store answers with.
 *
 * @internal
 */
export const faults: Readonly<Record<string, Classification>> = {
  "oauth.v2.InvalidAccessToken": auth("the access token was refused"),
  "oauth.v2.AccessTokenExpired": auth("the access token has expired"),
  "steps.oauth.v2.invalid_access_token": auth("the access token was refused"),
  "steps.oauth.v2.access_token_expired": auth("the access token has expired"),
  "steps.oauth.v2.FailedToResolveAccessToken": auth("the request carried no access token"),
  "keymanagement.service.invalid_access_token": auth("the access token was refused"),
  "keymanagement.service.access_token_expired": auth("the access token has expired"),
  "oauth.v2.InvalidApiKey": auth("the client id was refused"),
  "keymanagement.service.consumer_key_expired": auth("the client credentials have expired"),
  "keymanagement.service.app_not_approved": auth("the KPN API Store app is not approved"),
  "keymanagement.service.invalid_client-app_not_approved": auth("the KPN API Store app is not approved"),
  "keymanagement.service.DeveloperStatusNotActive": auth("the KPN API Store developer account is not active"),
  "oauth.v2.InvalidApiKeyForGivenResource": notPermitted(
    "the app's credentials are not valid for the SMS API: add the SMS product to the project"
  ),
  "keymanagement.service.InvalidAPICallAsNoApiProductMatchFound": notPermitted(
    "no API product of the app covers the SMS API: add the SMS product to the project"
  ),
  "keymanagement.service.apiresource_doesnot_exist": notPermitted("the app's API product does not include this path"),
  "policies.ratelimit.QuotaViolation": limited("the account's quota is used up"),
  "policies.ratelimit.SpikeArrestViolation": limited("the gateway's spike arrest throttled the request"),
  "messaging.adaptors.http.flow.ServiceUnavailable": unavailable("the SMS service behind the gateway is unavailable"),
  "messaging.adaptors.http.flow.GatewayTimeout": unavailable("the SMS service behind the gateway timed out"),
  "messaging.runtime.RouteFailed": unavailable("the gateway could not route the request"),
  "messaging.adaptors.http.flow.ApplicationNotFound": other(
    "the gateway knows no API at this path: check the base URL and path"
  ),
  "protocol.http.TooBigBody": invalid("the request body is too large"),
  "steps.jsonthreatprotection.ExecutionFailed": invalid("the gateway refused the JSON body"),
  "steps.jsonthreatprotection.ExecutionFailedJSONThreat": invalid("the gateway refused the JSON body")
}

/**
 * HTTP statuses (and `errorResponse.code` values) of the SMS API, as KPN documents them.
 *
 * @internal
 */
export const statuses: Readonly<Record<number, Classification>> = {
  400: invalid("KPN refused the request as invalid"),
  401: auth("KPN refused the credentials"),
  403: notPermitted("the account may not use the SMS API or this sender"),
  404: other("KPN knows no API at this path: check the base URL and path"),
  405: other("KPN does not allow this method at this path"),
  412: other("a precondition of the SMS API failed"),
  413: invalid("the request body is too large"),
  415: invalid("KPN did not accept the body's media type"),
  429: limited("KPN throttled the account"),
  500: unavailable("KPN's SMS API failed"),
  502: unavailable("KPN's gateway could not reach the SMS API"),
  503: unavailable("KPN's SMS API is unavailable"),
  504: unavailable("KPN's gateway timed out")
}

/** Falls back on the class of an HTTP status the table does not list. */
const byClass = (status: number): Classification =>
  status >= 500
    ? unavailable(`KPN answered HTTP ${status}`)
    : status === 408
    ? unavailable("KPN timed out reading the request")
    : other(`KPN answered HTTP ${status}`)

/** @internal */
export interface Answer {
  readonly status: number
  /** The body, parsed as JSON, or `undefined` when it is not JSON. */
  readonly body: unknown
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The current time in epoch milliseconds, for `Retry-After` dates and quota resets. */
  readonly now: number
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const str = (u: unknown): string | undefined =>
  typeof u === "string" && u.length > 0 ? u : typeof u === "number" ? String(u) : undefined

/** The gateway fault in a body, if it is one. */
export const fault = (body: unknown): { readonly code?: string; readonly text?: string } | undefined => {
  if (!isRecord(body) || !isRecord(body.fault)) return undefined
  const detail = isRecord(body.fault.detail) ? body.fault.detail : {}
  const code = str(detail.errorcode)
  const text = str(body.fault.faultstring)
  return { ...(code === undefined ? {} : { code }), ...(text === undefined ? {} : { text }) }
}

/** The SMS API's `errorResponse`, if the body is one. */
export const errorResponse = (
  body: unknown
): { readonly code?: string; readonly message?: string; readonly info?: string } | undefined => {
  if (!isRecord(body) || !isRecord(body.errorResponse)) return undefined
  const code = str(body.errorResponse.code)
  const message = str(body.errorResponse.message)
  const info = str(body.errorResponse.info)
  return {
    ...(code === undefined ? {} : { code }),
    ...(message === undefined ? {} : { message }),
    ...(info === undefined ? {} : { info })
  }
}

/**
 * How long the provider asks us to wait: `Retry-After` (seconds or an HTTP date), else the quota reset
 * (`quota-reset-UTC`).
 *
 * @internal
 */
export const retryAfterMillis = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): number | undefined => {
  const header = (name: string) => {
    for (const key in headers) if (key.toLowerCase() === name) return headers[key]?.trim()
    return undefined
  }
  const retryAfter = header("retry-after")
  if (retryAfter !== undefined && retryAfter.length > 0) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000)
    const at = Date.parse(retryAfter)
    if (!Number.isNaN(at)) return Math.max(0, at - now)
  }
  const reset = header("quota-reset-utc")
  if (reset !== undefined) {
    const at = parseResetAt(reset)
    if (at !== undefined) return Math.max(0, at - now)
  }
  return undefined
}

const classificationOf = (answer: Answer): {
  readonly classification: Classification
  readonly providerCode?: string | undefined
  readonly providerText?: string | undefined
} => {
  const gateway = fault(answer.body)
  if (gateway !== undefined) {
    const known = gateway.code === undefined ? undefined : faults[gateway.code]
    return {
      classification: known ?? statuses[answer.status] ?? byClass(answer.status),
      providerCode: gateway.code,
      providerText: gateway.text
    }
  }
  const api = errorResponse(answer.body)
  if (api !== undefined) {
    const code = api.code !== undefined && /^\d{3}$/.test(api.code) ? Number(api.code) : undefined
    const known = code === undefined || code < 400 ? undefined : statuses[code]
    return {
      classification: known ?? statuses[answer.status] ?? byClass(answer.status),
      providerCode: api.code ?? String(answer.status),
      providerText: api.message
    }
  }
  return { classification: statuses[answer.status] ?? byClass(answer.status), providerCode: String(answer.status) }
}

/**
 * The channel error for a non-success answer.
 *
 * @internal
 */
export const fromAnswer = (answer: Answer): ChannelError.ChannelError => {
  const { classification, providerCode, providerText } = classificationOf(answer)
  const provider = {
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(providerText === undefined ? {} : { providerText })
  }
  const detail = [providerCode, providerText].filter((s) => s !== undefined).join(": ")
  const message = `KPN SMS: ${classification.explain} (HTTP ${answer.status}${detail ? `, ${detail}` : ""})`
  switch (classification.reason) {
    case "InvalidMessage":
      return new ChannelError.InvalidMessage({ channel, message, ...provider })
    case "AuthenticationFailed":
      return new ChannelError.AuthenticationFailed({ channel, message, ...provider })
    case "RateLimited": {
      const retryAfter = retryAfterMillis(answer.headers, answer.now)
      return new ChannelError.RateLimited({
        channel,
        message,
        ...provider,
        ...(retryAfter === undefined ? {} : { retryAfterMillis: retryAfter })
      })
    }
    case "ProviderUnavailable":
      return new ChannelError.ProviderUnavailable({ channel, message, status: answer.status, ...provider })
    case "Rejected":
      return new ChannelError.Rejected({ channel, message, rejection: classification.rejection, ...provider })
  }
}
