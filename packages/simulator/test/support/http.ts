/**
 * Plain HTTP calls to the simulator (Node's fetch), as any client would make them.
 */
import * as Effect from "effect/Effect"

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

export const call = (url: string, init: RequestInit = {}): Effect.Effect<Answer, Error> =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, { ...init, signal })
      const text = await response.text()
      let json: unknown = undefined
      try {
        json = text === "" ? undefined : JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, headers: response.headers, text, json }
    },
    catch: (error) => (error instanceof Error ? error : new Error(String(error)))
  })

export const postForm = (url: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
  call(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString()
  })

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  call(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`

/** A KPN access token from the simulator's token endpoint. */
export const kpnToken = (baseUrl: string, clientId = "client-id", clientSecret = "client-secret") =>
  Effect.map(
    postForm(`${baseUrl}/oauth/client_credential/accesstoken?grant_type=client_credentials`, {
      client_id: clientId,
      client_secret: clientSecret
    }),
    (answer) => answer.json.access_token as string
  )
