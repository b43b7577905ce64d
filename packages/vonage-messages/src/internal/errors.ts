/**
 * Translation of Messages API error responses (RFC 7807 in v1, `{code, reason}` in v0.1, Apigee faults from
 * KPN's gateway) into `ChannelError`s.
 *
 * @internal
 */
import {
  AuthenticationFailed,
  type ChannelError,
  InvalidMessage,
  ProviderUnavailable,
  RateLimited,
  Rejected
} from "@switchboard/core/ChannelError"
import type { ContentKind } from "@switchboard/core/Content"
import * as Schema from "effect/Schema"
import * as ErrorCode from "../ErrorCode.js"
import { ErrorBody } from "./wire.js"

/** What the error response said, normalized. */
export interface ProviderError {
  /** The Messages API code (1000–1450), when the body names one. */
  readonly code: number | undefined
  /** A non-numeric identifier: the `type` URL fragment (`low-balance`) or Apigee's `errorcode`. */
  readonly slug: string | undefined
  /** Vonage's human text: `detail`, `reason`, the title or the fault string. */
  readonly text: string | undefined
  /** `invalid_parameters`, as `name: reason` strings. */
  readonly invalidParameters: ReadonlyArray<string>
}

const stringOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? value.trim() : undefined

const decodeBody = Schema.decodeUnknownOption(ErrorBody)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const fragmentOf = (type: string | undefined): string | undefined => {
  if (type === undefined || !type.includes("#")) return undefined
  const fragment = type.slice(type.lastIndexOf("#") + 1).trim()
  return fragment.length > 0 ? fragment : undefined
}

/** Reads whatever error body shape Vonage or KPN sent; never fails. */
export const readProviderError = (bodyText: string): ProviderError => {
  const body = decodeBody(parseJson(bodyText))
  if (body._tag === "None") {
    return { code: undefined, slug: undefined, text: undefined, invalidParameters: [] }
  }
  const value = body.value
  const type = stringOf(value.type)
  const fault = typeof value.fault === "object" && value.fault !== null
    ? (value.fault as { readonly faultstring?: unknown; readonly detail?: { readonly errorcode?: unknown } })
    : undefined
  const code = ErrorCode.parse(fragmentOf(type)) ?? ErrorCode.parse(value.title) ?? ErrorCode.parse(value.code) ??
    ErrorCode.fromTitle(value.title) ?? ErrorCode.fromTitle(fragmentOf(type)) ?? ErrorCode.fromTitle(value.reason)
  const titleText = typeof value.title === "string" && ErrorCode.parse(value.title) === undefined
    ? stringOf(value.title)
    : undefined
  const text = stringOf(value.detail) ?? stringOf(value.reason) ?? titleText ?? stringOf(fault?.faultstring)
  const slug = code === undefined
    ? fragmentOf(type) ?? stringOf(typeof fault?.detail === "object" ? fault.detail?.errorcode : undefined) ??
      stringOf(value.code)
    : undefined
  const invalidParameters = Array.isArray(value.invalidParameters)
    ? value.invalidParameters.flatMap((entry: unknown) => {
      if (typeof entry !== "object" || entry === null) return []
      const { name, reason } = entry as { readonly name?: unknown; readonly reason?: unknown }
      const label = stringOf(name)
      return label === undefined ? [] : [stringOf(reason) === undefined ? label : `${label}: ${stringOf(reason)}`]
    })
    : []
  return { code, slug, text, invalidParameters }
}

/** `Retry-After` as milliseconds: delta seconds or an HTTP date. */
export const retryAfterMillis = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMillis)
}

const authenticationSlugs = /unauthori[sz]ed|invalid[-_ ]?credentials|invalidaccesstoken|oauth|access[-_ ]?token|invalid[-_ ]?application/i

/** The input of `fromResponse`. */
export interface Response {
  readonly channel: string
  readonly content?: ContentKind | undefined
  readonly status: number
  readonly bodyText: string
  readonly retryAfter?: string | undefined
  readonly nowMillis: number
}

/** The `ChannelError` for a non-2xx response. */
export const fromResponse = (response: Response): ChannelError => {
  const error = readProviderError(response.bodyText)
  const retryAfter = retryAfterMillis(response.retryAfter, response.nowMillis)
  const details = error.invalidParameters.length === 0 ? "" : ` (${error.invalidParameters.join("; ")})`
  if (error.code !== undefined && ErrorCode.lookup(error.code) !== undefined) {
    const translated = ErrorCode.toChannelError({
      channel: response.channel,
      code: error.code,
      text: error.text === undefined ? undefined : `${error.text}${details}`,
      content: response.content,
      retryAfterMillis: retryAfter,
      status: response.status
    })
    // a documented code on a 429 is still a rate limit, whatever else it says
    return response.status === 429 && translated._tag !== "RateLimited"
      ? new RateLimited({
        channel: response.channel,
        message: translated.message,
        providerCode: translated.providerCode,
        ...(translated.providerText === undefined ? {} : { providerText: translated.providerText }),
        ...(retryAfter === undefined ? {} : { retryAfterMillis: retryAfter })
      })
      : translated
  }
  const providerCode = error.code !== undefined ? String(error.code) : error.slug
  const providerText = error.text === undefined ? undefined : `${error.text}${details}`
  const common = {
    channel: response.channel,
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(providerText === undefined ? {} : { providerText })
  }
  const said = providerText === undefined ? "" : `: ${providerText}`
  const status = response.status
  if (status === 401 || status === 403 || (error.slug !== undefined && authenticationSlugs.test(error.slug))) {
    return new AuthenticationFailed({
      ...common,
      message: `the provider refused the credentials for ${response.channel} (HTTP ${status})${said}`
    })
  }
  if (status === 429) {
    return new RateLimited({
      ...common,
      message: `the provider throttled ${response.channel} (HTTP 429)${said}`,
      ...(retryAfter === undefined ? {} : { retryAfterMillis: retryAfter })
    })
  }
  if (status >= 500) {
    return new ProviderUnavailable({
      ...common,
      status,
      message: `the provider failed on its side for ${response.channel} (HTTP ${status})${said}`
    })
  }
  if (status === 402 || (error.slug !== undefined && /balance|credit|payment/i.test(error.slug))) {
    return new Rejected({
      ...common,
      rejection: "InsufficientCredit",
      message: `the account has too little credit to send on ${response.channel} (HTTP ${status})${said}`
    })
  }
  if (status === 400 || status === 404 || status === 405 || status === 413 || status === 415 || status === 422) {
    return new InvalidMessage({
      ...common,
      message: `the provider refused the ${response.channel} request as invalid (HTTP ${status})${said}`
    })
  }
  return new Rejected({
    ...common,
    rejection: "Other",
    message: `the provider refused the ${response.channel} request (HTTP ${status})${said}`
  })
}
