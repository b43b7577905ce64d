/**
 * Sends webhooks (callbacks) and records them.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Undici from "@effect/platform-node/Undici"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
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
  /** `schedule`, run now (from synchronous code). */
  readonly scheduleNow: (callbacks: ReadonlyArray<Effect.Effect<Callback>>, settings: Scenario.Callbacks) => void
  /** Waits until every scheduled webhook has been sent. */
  readonly drain: Effect.Effect<void>
  /** The current time (ms) on the simulator's clock (the `TestClock` in tests). */
  readonly now: () => number
}

/** How a webhook goes out: the receiver's HTTP status, or why it could not be delivered. */
export type Transport = (callback: Callback) => Effect.Effect<number, string>

const timeout = Duration.seconds(10)
const timeoutMessage = "timed out after 10 s"

/** Sends webhooks with an `HttpClient` (the one the simulator was given). */
export const httpClientTransport = (client: HttpClient.HttpClient): Transport => (callback) => {
  const request = callback.method === "GET"
    ? HttpClientRequest.get(callback.url).pipe(HttpClientRequest.setHeaders(callback.headers))
    : HttpClientRequest.post(callback.url).pipe(
      HttpClientRequest.setHeaders(callback.headers),
      HttpClientRequest.bodyText(callback.body, callback.contentType)
    )
  return client.execute(request).pipe(
    Effect.flatMap((response) => Effect.as(Effect.ignore(response.text), response.status)),
    Effect.timeoutFail({ duration: timeout, onTimeout: () => timeoutMessage }),
    Effect.mapError((error) => typeof error === "string" ? error : error.message)
  )
}

/**
 * Sends webhooks with an undici dispatcher directly (its `dispatch` API): the same requests on the wire as
 * `HttpClient` over undici (same header order), without a fiber race per webhook for its timeout, a
 * response stream, nor a span and trace headers (which the real providers do not send either). Errors read
 * as the `HttpClientError` messages did.
 */
export const undiciTransport = (dispatcher: Undici.Dispatcher): Transport => (callback) =>
  Effect.async<number, string>((resume) => {
    const method = callback.method
    let url: URL
    try {
      url = new URL(callback.url)
    } catch {
      resume(Effect.fail(`InvalidUrl error (${method} ${callback.url})`))
      return
    }
    const headers: Record<string, string> = {}
    for (const name in callback.headers) headers[name.toLowerCase()] = callback.headers[name]!
    if (method === "POST") headers["content-type"] = callback.contentType
    let controller: Undici.Dispatcher.DispatchController | undefined
    let status: number | undefined
    let done = false
    const finish = (result: Effect.Effect<number, string> | undefined): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (result !== undefined) resume(result)
    }
    const abort = () => controller?.abort(new Error("the webhook was abandoned"))
    const timer = setTimeout(() => {
      finish(Effect.fail(timeoutMessage))
      abort()
    }, Duration.toMillis(timeout))
    dispatcher.dispatch({
      method,
      origin: url.origin,
      path: url.pathname + url.search + url.hash,
      headers,
      body: method === "POST" ? callback.body : null,
      headersTimeout: 60 * 60 * 1000,
      bodyTimeout: 0
    }, {
      onRequestStart: (started) => {
        controller = started
        if (done) abort()
      },
      onResponseStart: (_, statusCode) => {
        if (statusCode >= 200) status = statusCode
      },
      onResponseData: () => {},
      onResponseEnd: () => finish(Effect.succeed(status ?? 0)),
      // As `Effect.ignore(response.text)`: a body that fails once the status is known still counts as answered.
      onResponseError: () =>
        finish(status === undefined ? Effect.fail(`Transport error (${method} ${callback.url})`) : Effect.succeed(status))
    })
    return Effect.sync(() => {
      finish(undefined)
      abort()
    })
  })

export const make = (state: State, transport: Transport) =>
  Effect.gen(function*() {
    const runFork = Runtime.runFork(yield* Effect.runtime<never>())
    const clock = yield* Effect.clock
    // The webhook sequences in flight (one fiber per accepted message), interrupted when the simulator stops.
    const running = new Set<Fiber.RuntimeFiber<void>>()
    let idle: Array<() => void> = []
    yield* Effect.addFinalizer(() => Fiber.interruptAll(running))
    const settled = (fiber: Fiber.RuntimeFiber<void>) => () => {
      running.delete(fiber)
      if (running.size === 0 && idle.length > 0) {
        const waiting = idle
        idle = []
        for (const wake of waiting) wake()
      }
    }

    const send = (callback: Callback): Effect.Effect<RecordedCallback> => {
      const now = clock.unsafeCurrentTimeMillis()
      return Effect.map(Effect.either(transport(callback)), (result) => {
        const recorded: RecordedCallback = {
          id: state.nextId(),
          at: new Date(now).toISOString(),
          kind: callback.kind,
          ...(callback.messageId === undefined ? {} : { messageId: callback.messageId }),
          url: callback.url,
          method: callback.method,
          headers: callback.method === "POST" ? { ...callback.headers, "content-type": callback.contentType } : { ...callback.headers },
          body: callback.method === "POST" ? callback.body : "",
          ...(result._tag === "Right" ? { status: result.right } : { error: result.left })
        }
        state.callbacks.push(recorded)
        state.trim()
        if (result._tag === "Right" && result.right >= 200 && result.right < 300) state.callbacksSent += 1
        else state.callbacksFailed += 1
        return recorded
      })
    }

    const scheduleNow = (callbacks: ReadonlyArray<Effect.Effect<Callback>>, settings: Scenario.Callbacks): void => {
      if (callbacks.length === 0) return
      const ordered = settings.order === "reverse" ? [...callbacks].reverse() : callbacks
      const copies = 1 + (settings.duplicate ?? 0)
      const delay = settings.delayMs ?? 0
      const sendCopies = (callback: Callback): Effect.Effect<void> =>
        copies === 1 ? send(callback) : Effect.forEach(Array.from({ length: copies }, () => callback), send, { discard: true })
      const step = (build: Effect.Effect<Callback>): Effect.Effect<void> => {
        const sent = Effect.flatMap(build, sendCopies)
        return delay > 0 ? Effect.zipRight(Effect.sleep(Duration.millis(delay)), sent) : sent
      }
      let run = step(ordered[0]!)
      for (let i = 1; i < ordered.length; i++) run = Effect.zipRight(run, step(ordered[i]!))
      // Forked as `Effect.fork` forks: started on the scheduler, after the current request's answer.
      const fiber = runFork(run, { immediate: false })
      running.add(fiber)
      fiber.addObserver(settled(fiber))
    }

    const schedule = (
      callbacks: ReadonlyArray<Effect.Effect<Callback>>,
      settings: Scenario.Callbacks
    ): Effect.Effect<void> => Effect.sync(() => scheduleNow(callbacks, settings))

    const drain = Effect.async<void>((resume) => {
      if (running.size === 0) return resume(Effect.void)
      const wake = () => resume(Effect.void)
      idle.push(wake)
      return Effect.sync(() => {
        idle = idle.filter((waiting) => waiting !== wake)
      })
    })

    const dispatcher: Dispatcher = { send, schedule, scheduleNow, drain, now: () => clock.unsafeCurrentTimeMillis() }
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
