/**
 * Sends webhooks (callbacks) and records them.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type * as Scenario from "../Scenario.js"
import type { CallbackKind, RecordedCallback } from "../Simulator.js"
import type { State } from "./state.js"

/** A webhook ready to send. */
export interface Callback {
  readonly kind: CallbackKind
  readonly messageId?: string | undefined
  readonly url: string
  readonly method: "GET" | "POST"
  readonly headers: Readonly<Record<string, string>>
  /** The body for POST; ignored for GET, whose parameters are already in `url`. */
  readonly body: string
  readonly contentType: string
}

export interface Dispatcher {
  /** Sends one webhook now and records it. */
  readonly send: (callback: Callback) => Effect.Effect<RecordedCallback>
  /**
   * Sends webhooks in the background, in order, as a scenario rule's `callbacks` settings say. Each is
   * built when its turn comes (so signatures carry the time they are sent).
   */
  readonly schedule: (
    callbacks: ReadonlyArray<Effect.Effect<Callback>>,
    settings: Scenario.Callbacks
  ) => Effect.Effect<void>
  /** Waits until every scheduled webhook has been sent. */
  readonly drain: Effect.Effect<void>
}

export const make = (state: State) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const fibers = yield* FiberSet.make<void, never>()

    const send = (callback: Callback): Effect.Effect<RecordedCallback> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const request = callback.method === "GET"
          ? HttpClientRequest.get(callback.url).pipe(HttpClientRequest.setHeaders(callback.headers))
          : HttpClientRequest.post(callback.url).pipe(
            HttpClientRequest.setHeaders(callback.headers),
            HttpClientRequest.bodyText(callback.body, callback.contentType)
          )
        const result = yield* client.execute(request).pipe(
          Effect.flatMap((response) => Effect.as(Effect.ignore(response.text), response.status)),
          Effect.timeoutFail({ duration: Duration.seconds(10), onTimeout: () => "timed out after 10 s" }),
          Effect.either
        )
        const recorded: RecordedCallback = {
          id: state.nextId(),
          at: new Date(now).toISOString(),
          kind: callback.kind,
          ...(callback.messageId === undefined ? {} : { messageId: callback.messageId }),
          url: callback.url,
          method: callback.method,
          headers: { ...callback.headers, ...(callback.method === "POST" ? { "content-type": callback.contentType } : {}) },
          body: callback.method === "POST" ? callback.body : "",
          ...(result._tag === "Right"
            ? { status: result.right }
            : { error: typeof result.left === "string" ? result.left : result.left.message })
        }
        state.callbacks.push(recorded)
        state.trim()
        if (result._tag === "Right" && result.right >= 200 && result.right < 300) state.callbacksSent += 1
        else state.callbacksFailed += 1
        return recorded
      })

    const schedule = (
      callbacks: ReadonlyArray<Effect.Effect<Callback>>,
      settings: Scenario.Callbacks
    ): Effect.Effect<void> => {
      if (callbacks.length === 0) return Effect.void
      const ordered = settings.order === "reverse" ? [...callbacks].reverse() : callbacks
      const copies = 1 + (settings.duplicate ?? 0)
      const delay = settings.delayMs ?? 0
      const run = Effect.forEach(ordered, (build) =>
        Effect.gen(function*() {
          if (delay > 0) yield* Effect.sleep(Duration.millis(delay))
          const callback = yield* build
          for (let i = 0; i < copies; i++) yield* send(callback)
        }), { discard: true })
      return FiberSet.run(fibers, run).pipe(Effect.asVoid)
    }

    const dispatcher: Dispatcher = { send, schedule, drain: FiberSet.awaitEmpty(fibers) }
    return dispatcher
  })

/** Encodes string parameters for a Vonage-style callback in the configured method. */
export const vonageStyle = (options: {
  readonly kind: CallbackKind
  readonly messageId?: string | undefined
  readonly url: string
  readonly method: "GET" | "POST" | "POST-JSON"
  readonly params: Readonly<Record<string, string>>
}): Callback => {
  switch (options.method) {
    case "GET": {
      const url = new URL(options.url)
      for (const [key, value] of Object.entries(options.params)) url.searchParams.append(key, value)
      return {
        kind: options.kind,
        messageId: options.messageId,
        url: url.toString(),
        method: "GET",
        headers: {},
        body: "",
        contentType: ""
      }
    }
    case "POST":
      return {
        kind: options.kind,
        messageId: options.messageId,
        url: options.url,
        method: "POST",
        headers: {},
        body: new URLSearchParams(options.params as Record<string, string>).toString(),
        contentType: "application/x-www-form-urlencoded"
      }
    case "POST-JSON":
      return {
        kind: options.kind,
        messageId: options.messageId,
        url: options.url,
        method: "POST",
        headers: {},
        body: JSON.stringify(options.params),
        contentType: "application/json"
      }
  }
}

/** A JSON POST webhook. */
export const jsonPost = (options: {
  readonly kind: CallbackKind
  readonly messageId?: string | undefined
  readonly url: string
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
}): Callback => ({
  kind: options.kind,
  messageId: options.messageId,
  url: options.url,
  method: "POST",
  headers: options.headers ?? {},
  body: options.body,
  contentType: "application/json"
})
