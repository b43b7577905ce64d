/**
 * The simulator's view of a request and of its answer, independent of the HTTP server.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

/** A request as the handlers see it: the body read once, as text. */
export interface Incoming {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The media type without parameters, lower case (`application/json`). */
  readonly contentType: string
}

/** What the server does with a request. */
export type Reply =
  | {
    readonly _tag: "Respond"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly contentType: string
    readonly body: string
  }
  | { readonly _tag: "Drop" }
  | { readonly _tag: "Hang" }

export const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply => ({
  _tag: "Respond",
  status,
  headers,
  contentType: "application/json",
  body: JSON.stringify(body)
})

export const empty = (status: number, headers: Readonly<Record<string, string>> = {}): Reply => ({
  _tag: "Respond",
  status,
  headers,
  contentType: "application/json",
  body: ""
})

export const drop: Reply = { _tag: "Drop" }
export const hang: Reply = { _tag: "Hang" }

export const withHeaders = (reply: Reply, headers: Readonly<Record<string, string>>): Reply =>
  reply._tag === "Respond" ? { ...reply, headers: { ...headers, ...reply.headers } } : reply

/** Parses a form or JSON body (and the query string) into string-valued parameters; `undefined` for invalid JSON. */
export const parametersSync = (incoming: Incoming): Record<string, string> | undefined => {
  const params: Record<string, string> = {}
  incoming.query.forEach((value, key) => {
    params[key] = value
  })
  if (incoming.body.trim().length === 0) return params
  if (incoming.contentType === "application/json") {
    let parsed: unknown
    try {
      parsed = JSON.parse(incoming.body)
    } catch {
      return undefined
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined
    for (const [key, value] of Object.entries(parsed)) {
      if (value === null || value === undefined) continue
      params[key] = typeof value === "object" ? JSON.stringify(value) : String(value)
    }
    return params
  }
  new URLSearchParams(incoming.body).forEach((value, key) => {
    params[key] = value
  })
  return params
}

/** Parses a form or JSON body (and the query string) into string-valued parameters. */
export const parameters = (incoming: Incoming): Effect.Effect<Record<string, string>, "InvalidJson"> =>
  Effect.suspend(() => {
    const params = parametersSync(incoming)
    return params === undefined ? Effect.fail("InvalidJson" as const) : Effect.succeed(params)
  })

/** A handler's answer: a reply when it is known at once, else the effect that produces it. */
export type Handled = Reply | Effect.Effect<Reply>

/** A handler's answer as an effect. */
export const handled = (result: Handled): Effect.Effect<Reply> => Effect.isEffect(result) ? result : Effect.succeed(result)

/** Parses a JSON object body, or says why it is not one. */
export const jsonBodySync = (incoming: Incoming): Either.Either<Record<string, unknown>, string> => {
  try {
    const parsed: unknown = JSON.parse(incoming.body)
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? Either.right(parsed as Record<string, unknown>)
      : Either.left("the body is not a JSON object")
  } catch (error) {
    return Either.left(error instanceof Error ? error.message : String(error))
  }
}

/** Parses a JSON object body. */
export const jsonBody = (incoming: Incoming): Effect.Effect<Record<string, unknown>, string> =>
  Effect.suspend(() => {
    try {
      const parsed: unknown = JSON.parse(incoming.body)
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
        ? Effect.succeed(parsed as Record<string, unknown>)
        : Effect.fail("the body is not a JSON object")
    } catch (error) {
      return Effect.fail(error instanceof Error ? error.message : String(error))
    }
  })

/** The credentials of an `Authorization` header. */
export type Authorization =
  | { readonly _tag: "None" }
  | { readonly _tag: "Basic"; readonly user: string; readonly password: string }
  | { readonly _tag: "Bearer"; readonly token: string }
  | { readonly _tag: "Malformed" }

export const authorization = (incoming: Incoming): Authorization => {
  const header = incoming.headers["authorization"]
  if (header === undefined || header.trim() === "") return { _tag: "None" }
  const [scheme, ...rest] = header.trim().split(/\s+/)
  const value = rest.join(" ")
  switch (scheme?.toLowerCase()) {
    case "basic": {
      const decoded = Buffer.from(value, "base64").toString("utf8")
      const colon = decoded.indexOf(":")
      if (colon <= 0 || colon === decoded.length - 1) return { _tag: "Malformed" }
      return { _tag: "Basic", user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
    }
    case "bearer":
    case "bearertoken":
      return value.length > 0 ? { _tag: "Bearer", token: value } : { _tag: "Malformed" }
    default:
      return { _tag: "Malformed" }
  }
}

/** The recipient in E.164 with `+` when it is a phone number written with digits only. */
export const e164 = (digits: string): string => {
  const trimmed = digits.trim()
  if (/^\+\d+$/.test(trimmed)) return trimmed
  if (/^00\d+$/.test(trimmed)) return `+${trimmed.slice(2)}`
  if (/^\d+$/.test(trimmed)) return `+${trimmed}`
  return trimmed
}

/** The defined entries of a record of optional strings. */
export const definedStrings = (record: Readonly<Record<string, string | undefined>>): Record<string, string> => {
  const result: Record<string, string> = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) result[key] = value
  return result
}
