/**
 * Where the parts of a multi-part (concatenated) inbound SMS wait until the whole message is there.
 *
 * Vonage delivers each part of a long inbound SMS as its own webhook, with `concat-ref` (shared by the parts),
 * `concat-total` and `concat-part` (1-based), in any order and sometimes more than once. `offer` stores a part
 * and, when it completes its set, hands back every part in order (once: the set is then forgotten and later
 * copies of its parts are ignored for `ttl`). A part already stored is ignored. `expire` removes and returns
 * the sets whose first part arrived more than `ttl` ago, so they can be emitted as incomplete messages.
 *
 * Time is read from Effect's `Clock`, so tests drive expiry with `TestClock`.
 *
 * Two implementations: `layerMemory` (one process) here, and `SqlConcatStore.layer` (any `@effect/sql`
 * database, shared by several processes) in `@switchboard/vonage-sms/SqlConcatStore`.
 *
 * @example
 * ```ts
 * import { ConcatStore, VonageSmsWebhook } from "@switchboard/vonage-sms"
 * import { Webhook } from "@switchboard/core"
 * import { Effect } from "effect"
 *
 * declare const request: Webhook.Request
 *
 * const events = VonageSmsWebhook.parse(request).pipe(
 *   Effect.provide(ConcatStore.layerMemory({ ttl: "5 minutes" }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"

/**
 * One part of a concatenated inbound SMS, as stored.
 *
 * @since 0.1.0
 * @category models
 */
export class Part extends Schema.Class<Part>("@switchboard/vonage-sms/ConcatStore/Part")({
  /** Identifies the set: receiving account, sender, receiver, `concat-ref` and `concat-total`. */
  key: Schema.String,
  /** `concat-total`. */
  total: Schema.Int.pipe(Schema.between(2, 255)),
  /** `concat-part`, 1-based. */
  part: Schema.Int.pipe(Schema.between(1, 255)),
  /** Vonage's `messageId` of this part. */
  providerMessageId: Schema.String,
  from: Schema.String,
  to: Schema.String,
  /** `text` and `unicode` parts carry `text`; `binary` parts carry `data` and `udh` (hexadecimal). */
  type: Schema.Literal("text", "unicode", "binary"),
  text: Schema.optional(Schema.String),
  data: Schema.optional(Schema.String),
  udh: Schema.optional(Schema.String),
  keyword: Schema.optional(Schema.String),
  receivedAt: Schema.DateTimeUtc
}) {}

/**
 * The store could not be read or written (a database error). Webhook handlers should answer 5xx so Vonage
 * delivers the part again.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConcatStoreError extends Schema.TaggedError<ConcatStoreError>(
  "@switchboard/vonage-sms/ConcatStore/ConcatStoreError"
)("ConcatStoreError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** How long a set waits for its missing parts. */
  readonly ttl: Duration.Duration
  /**
   * Stores a part. Succeeds with every part of its set, ordered by `part`, when this part completes the set;
   * with `None` otherwise, and for a duplicate or a late copy of a part of a set already emitted.
   */
  readonly offer: (part: Part) => Effect.Effect<Option.Option<ReadonlyArray<Part>>, ConcatStoreError>
  /** Removes and returns the sets whose first part arrived more than `ttl` ago, parts ordered by `part`. */
  readonly expire: Effect.Effect<ReadonlyArray<ReadonlyArray<Part>>, ConcatStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ConcatStore extends Context.Tag("@switchboard/vonage-sms/ConcatStore")<ConcatStore, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How long a set waits for its missing parts. Default 5 minutes. */
  readonly ttl?: Duration.DurationInput | undefined
}

/**
 * The default time a set waits for its missing parts: 5 minutes.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTtl: Duration.Duration = Duration.minutes(5)

interface Pending {
  readonly firstSeen: number
  readonly parts: ReadonlyMap<number, Part>
}

interface State {
  readonly pending: ReadonlyMap<string, Pending>
  /** Sets emitted (complete or expired), by key, until when their late parts are ignored. */
  readonly done: ReadonlyMap<string, number>
}

const ordered = (parts: Iterable<Part>): ReadonlyArray<Part> => [...parts].sort((a, b) => a.part - b.part)

/**
 * An in-memory store, for one process.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (options?: Options): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const ttl = Duration.decode(options?.ttl ?? defaultTtl)
    const ttlMillis = Duration.toMillis(ttl)
    const state = yield* Ref.make<State>({ pending: new Map(), done: new Map() })

    const offer = (part: Part): Effect.Effect<Option.Option<ReadonlyArray<Part>>> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.modify(state, (current): [Option.Option<ReadonlyArray<Part>>, State] => {
          const doneUntil = current.done.get(part.key)
          if (doneUntil !== undefined && doneUntil >= now) return [Option.none(), current]
          const existing = current.pending.get(part.key)
          if (existing !== undefined && existing.parts.has(part.part)) return [Option.none(), current]
          const parts = new Map(existing?.parts ?? [])
          parts.set(part.part, part)
          const pending = new Map(current.pending)
          if (parts.size >= part.total) {
            pending.delete(part.key)
            const done = new Map(current.done)
            done.set(part.key, now + ttlMillis)
            return [Option.some(ordered(parts.values())), { pending, done }]
          }
          pending.set(part.key, { firstSeen: existing?.firstSeen ?? now, parts })
          return [Option.none(), { pending, done: current.done }]
        }))

    const expire: Effect.Effect<ReadonlyArray<ReadonlyArray<Part>>> = Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        Ref.modify(state, (current): [ReadonlyArray<ReadonlyArray<Part>>, State] => {
          const expired: Array<ReadonlyArray<Part>> = []
          const pending = new Map(current.pending)
          const done = new Map<string, number>()
          for (const [key, until] of current.done) {
            if (until >= now) done.set(key, until)
          }
          for (const [key, set] of current.pending) {
            if (now - set.firstSeen >= ttlMillis) {
              pending.delete(key)
              done.set(key, now + ttlMillis)
              expired.push(ordered(set.parts.values()))
            }
          }
          return [expired, { pending, done }]
        })
    )

    return { ttl, offer, expire }
  })

/**
 * An in-memory store, for one process.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options?: Options): Layer.Layer<ConcatStore> =>
  Layer.effect(ConcatStore, makeMemory(options))
