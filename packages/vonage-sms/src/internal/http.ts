import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { ChannelError } from "@switchboard/core"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/** A string, or a number sent where a string is documented, as a string. */
export const Stringish = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Number, Schema.String, { strict: true, decode: String, encode: Number })
)

/** Removes every secret from a provider's text and keeps it short. */
export const scrub = (
  text: string | undefined,
  secrets: ReadonlyArray<Redacted.Redacted<string>>
): string | undefined => {
  if (text === undefined) return undefined
  let clean = text
  for (const secret of secrets) {
    const value = Redacted.value(secret)
    if (value.length > 0) clean = clean.split(value).join("<redacted>")
  }
  clean = clean.trim()
  if (clean.length === 0) return undefined
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export const retryAfterMillis = (
  value: string | undefined
): Effect.Effect<Option.Option<number>> =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    if (value === undefined) return Option.none()
    const trimmed = value.trim()
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Option.some(Math.round(Number(trimmed) * 1000))
    const date = Date.parse(trimmed)
    return Number.isNaN(date) ? Option.none() : Option.some(Math.max(0, date - now))
  })

/** The provider's error text in a JSON error body (KPN's `ErrorResponse`, Apigee faults), else the body. */
const describeBody = (body: string): { readonly code?: string; readonly text?: string } => {
  try {
    const json: unknown = JSON.parse(body)
    if (typeof json === "object" && json !== null) {
      const record = json as Record<string, unknown>
      const fault = record["fault"] as Record<string, unknown> | undefined
      const detail = fault?.["detail"] as Record<string, unknown> | undefined
      const pick = (...values: ReadonlyArray<unknown>) => values.find((v): v is string => typeof v === "string")
      const code = pick(
        detail?.["errorcode"],
        record["name"],
        record["error-code"],
        record["ErrorCode"],
        record["status"],
        record["code"]
      )
      const text = pick(
        fault?.["faultstring"],
        record["message"],
        record["error-code-label"],
        record["Error"],
        record["info"],
        record["detail"],
        record["title"]
      )
      return { ...(code === undefined ? {} : { code }), ...(text === undefined ? {} : { text }) }
    }
  } catch {
    // not JSON: the body itself is the text
  }
  return { text: body }
}

/**
 * The `ChannelError` for an HTTP status other than 2xx: 429 → `RateLimited` (with `Retry-After`), 401 and 403
 * → `AuthenticationFailed`, 408 and 5xx → `ProviderUnavailable`, any other 4xx → `InvalidMessage`.
 */
export const statusError = (options: {
  readonly channel: string
  readonly what: string
  readonly response: HttpClientResponse.HttpClientResponse
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
}): Effect.Effect<
  | ChannelError.RateLimited
  | ChannelError.AuthenticationFailed
  | ChannelError.ProviderUnavailable
  | ChannelError.InvalidMessage
> =>
  Effect.gen(function*() {
    const { channel, response, secrets, what } = options
    const status = response.status
    const body = yield* Effect.orElseSucceed(response.text, () => "")
    const described = describeBody(body)
    const providerText = scrub(described.text, secrets)
    const providerCode = scrub(described.code, secrets)
    const provider = {
      ...(providerCode === undefined ? {} : { providerCode }),
      ...(providerText === undefined ? {} : { providerText })
    }
    if (status === 429) {
      const retryAfter = yield* retryAfterMillis(response.headers["retry-after"])
      return new ChannelError.RateLimited({
        channel,
        message: `${what} was throttled (HTTP 429)${
          Option.isSome(retryAfter) ? `; retry after ${retryAfter.value} ms` : ""
        }`,
        ...provider,
        ...(Option.isSome(retryAfter) ? { retryAfterMillis: retryAfter.value } : {})
      })
    }
    if (status === 401 || status === 403) {
      return new ChannelError.AuthenticationFailed({
        channel,
        message: `${what} refused the credentials (HTTP ${status})`,
        ...provider
      })
    }
    if (status === 408 || status >= 500) {
      return new ChannelError.ProviderUnavailable({
        channel,
        message: `${what} failed (HTTP ${status})`,
        status,
        ...provider
      })
    }
    return new ChannelError.InvalidMessage({
      channel,
      message: `${what} refused the request (HTTP ${status})`,
      ...provider
    })
  })

/** A transport failure (no response) as `ProviderUnavailable`, without the request's details. */
export const transportError = (
  channel: string,
  what: string,
  error: HttpClientError.HttpClientError
): ChannelError.ProviderUnavailable =>
  new ChannelError.ProviderUnavailable({
    channel,
    message: `could not reach ${what} (${
      error._tag === "RequestError" ? `${error.reason.toLowerCase()} error` : `${error.reason} error`
    })`
  })

/** The same error, naming `channel` (errors from shared services, such as the token middleware, name theirs). */
export const withChannel = <E extends ChannelError.ChannelError>(error: E, channel: string): E => {
  if (error.channel === channel) return error
  const common = {
    channel,
    message: error.message,
    ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
    ...(error.providerText === undefined ? {} : { providerText: error.providerText })
  }
  const e = error as ChannelError.ChannelError
  switch (e._tag) {
    case "AuthenticationFailed":
      return new ChannelError.AuthenticationFailed(common) as ChannelError.ChannelError as E
    case "RateLimited":
      return new ChannelError.RateLimited({
        ...common,
        ...(e.retryAfterMillis === undefined ? {} : { retryAfterMillis: e.retryAfterMillis })
      }) as ChannelError.ChannelError as E
    case "ProviderUnavailable":
      return new ChannelError.ProviderUnavailable({
        ...common,
        ...(e.status === undefined ? {} : { status: e.status })
      }) as ChannelError.ChannelError as E
    case "InvalidMessage":
      return new ChannelError.InvalidMessage({
        ...common,
        ...(e.field === undefined ? {} : { field: e.field })
      }) as ChannelError.ChannelError as E
    case "Rejected":
      return new ChannelError.Rejected({ ...common, rejection: e.rejection }) as ChannelError.ChannelError as E
    case "Unaddressable":
      return new ChannelError.Unaddressable({ ...common, address: e.address }) as ChannelError.ChannelError as E
    case "UnsupportedContent":
      return new ChannelError.UnsupportedContent({ ...common, content: e.content }) as ChannelError.ChannelError as E
  }
}

export { timeoutFail } from "@switchboard/core/Timeout"
