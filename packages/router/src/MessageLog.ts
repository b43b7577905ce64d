/**
 * The message log: every event of every routed message — accepted, a step skipped and why, each attempt,
 * each failed attempt, the provider's receipt, every status report, a deadline that expired, each fallback,
 * a late delivery, and the outcome — so any message's timeline can be shown, and messages can be listed by
 * how they ended.
 *
 * Appends are idempotent: each event has a key unique within its message, and appending a key twice keeps
 * the first. That is what lets a durable workflow replay after a crash without writing anything twice.
 *
 * Two implementations: `layerMemory` (tests, the in-memory engine) and `layerSql` (any `@effect/sql`
 * client; migrations run when the layer starts; tested on SQLite through libsql and on PostgreSQL).
 *
 * @example
 * ```ts
 * import { MessageLog } from "@switchboard/router"
 * import { Effect } from "effect"
 *
 * const show = (id: string) =>
 *   Effect.gen(function*() {
 *     const log = yield* MessageLog.MessageLog
 *     for (const entry of yield* log.timeline(id)) {
 *       console.log(entry.at, MessageLog.describe(entry.event))
 *     }
 *     const failed = yield* log.list({ status: ["failed"] }, { limit: 20 })
 *     return failed.items
 *   })
 * ```
 *
 * @since 0.1.0
 */
import type { MigrationError } from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as Statement from "@effect/sql/Statement"
import type { SqlError } from "@effect/sql/SqlError"
import * as ChannelError from "@switchboard/core/ChannelError"
import * as Content from "@switchboard/core/Content"
import * as CoreReceipt from "@switchboard/core/Receipt"
import * as CoreStatus from "@switchboard/core/Status"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Migrations from "./internal/migrations.js"
import * as OutcomeModule from "./Outcome.js"
import * as Route from "./Route.js"

// -----------------------------------------------------------------------------
// events
// -----------------------------------------------------------------------------

/**
 * The router took the message, with the route it will walk.
 *
 * @since 0.1.0
 * @category events
 */
export class Accepted extends Schema.TaggedClass<Accepted>("@switchboard/router/MessageLog/Accepted")("Accepted", {
  route: Route.Route,
  content: Content.ContentKind,
  clientReference: Schema.optional(Schema.String)
}) {}

/**
 * A step was not tried: its condition did not hold, or its channel cannot address the recipient or carry the
 * content.
 *
 * @since 0.1.0
 * @category events
 */
export class StepSkipped extends Schema.TaggedClass<StepSkipped>("@switchboard/router/MessageLog/StepSkipped")(
  "StepSkipped",
  {
    step: Schema.Int,
    channel: Schema.String,
    reason: Schema.String,
    error: Schema.optional(ChannelError.Reason)
  }
) {}

/**
 * A send is being made.
 *
 * @since 0.1.0
 * @category events
 */
export class Attempt extends Schema.TaggedClass<Attempt>("@switchboard/router/MessageLog/Attempt")("Attempt", {
  step: Schema.Int,
  channel: Schema.String,
  attempt: Schema.Int
}) {}

/**
 * A send failed. `retryInMillis` is set when it will be retried.
 *
 * @since 0.1.0
 * @category events
 */
export class AttemptFailed extends Schema.TaggedClass<AttemptFailed>("@switchboard/router/MessageLog/AttemptFailed")(
  "AttemptFailed",
  {
    step: Schema.Int,
    channel: Schema.String,
    attempt: Schema.Int,
    error: ChannelError.ChannelError,
    retryInMillis: Schema.optional(Schema.Number)
  }
) {}

/**
 * The provider accepted a send.
 *
 * @since 0.1.0
 * @category events
 */
export class Receipt extends Schema.TaggedClass<Receipt>("@switchboard/router/MessageLog/Receipt")("Receipt", {
  step: Schema.Int,
  channel: Schema.String,
  attempt: Schema.Int,
  receipt: CoreReceipt.Receipt
}) {}

/**
 * A status report arrived for one of the message's sends. `step` is unset when the report names the message
 * (by client reference) but not a send the router tracks.
 *
 * @since 0.1.0
 * @category events
 */
export class Status extends Schema.TaggedClass<Status>("@switchboard/router/MessageLog/Status")("Status", {
  step: Schema.optional(Schema.Int),
  update: CoreStatus.StatusUpdate
}) {}

/**
 * A step's receipt did not arrive within its deadline.
 *
 * @since 0.1.0
 * @category events
 */
export class DeadlineExpired
  extends Schema.TaggedClass<DeadlineExpired>("@switchboard/router/MessageLog/DeadlineExpired")("DeadlineExpired", {
    step: Schema.Int,
    channel: Schema.String,
    awaited: Route.SuccessOn,
    withinMillis: Schema.Number
  })
{}

/**
 * Routing moves from one step to the next, and why.
 *
 * @since 0.1.0
 * @category events
 */
export class Fallback extends Schema.TaggedClass<Fallback>("@switchboard/router/MessageLog/Fallback")("Fallback", {
  fromStep: Schema.Int,
  fromChannel: Schema.String,
  toStep: Schema.Int,
  toChannel: Schema.String,
  reason: Schema.String
}) {}

/**
 * A step that routing had already given up on reported success after all: the message reached the person
 * on that channel too (or only there).
 *
 * @since 0.1.0
 * @category events
 */
export class LateDelivery extends Schema.TaggedClass<LateDelivery>("@switchboard/router/MessageLog/LateDelivery")(
  "LateDelivery",
  {
    step: Schema.Int,
    channel: Schema.String,
    state: CoreStatus.State,
    reportedAt: Schema.DateTimeUtc
  }
) {}

/**
 * Routing finished.
 *
 * @since 0.1.0
 * @category events
 */
export class Outcome extends Schema.TaggedClass<Outcome>("@switchboard/router/MessageLog/Outcome")("Outcome", {
  outcome: OutcomeModule.Outcome
}) {}

/**
 * @since 0.1.0
 * @category events
 */
export const Event = Schema.Union(
  Accepted,
  StepSkipped,
  Attempt,
  AttemptFailed,
  Receipt,
  Status,
  DeadlineExpired,
  Fallback,
  LateDelivery,
  Outcome
)

/**
 * @since 0.1.0
 * @category events
 */
export type Event = typeof Event.Type

/**
 * One logged event. `seq` orders events across the whole log.
 *
 * @since 0.1.0
 * @category models
 */
export class Entry extends Schema.Class<Entry>("@switchboard/router/MessageLog/Entry")({
  messageId: Schema.String,
  seq: Schema.Number,
  at: Schema.DateTimeUtc,
  event: Event
}) {}

/**
 * A sentence describing an event, for logs and command lines.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describe = (event: Event): string => {
  switch (event._tag) {
    case "Accepted":
      return `accepted (${event.content}) for route ${event.route.name ?? event.route.steps.map((s) => s.channel).join(" → ")}`
    case "StepSkipped":
      return `step ${event.step} (${event.channel}) skipped: ${event.reason}`
    case "Attempt":
      return `step ${event.step} (${event.channel}) attempt ${event.attempt}`
    case "AttemptFailed":
      return `step ${event.step} (${event.channel}) attempt ${event.attempt} failed: ${event.error._tag}: ${event.error.message}${
        event.retryInMillis === undefined ? "" : ` (retry in ${event.retryInMillis} ms)`
      }`
    case "Receipt":
      return `step ${event.step} (${event.channel}) accepted by the provider as ${event.receipt.providerMessageIds.join(", ")}`
    case "Status":
      return `${event.step === undefined ? "" : `step ${event.step} `}(${event.update.channel}) status ${event.update.state}${
        event.update.providerCode === undefined ? "" : ` [${event.update.providerCode}]`
      } for ${event.update.providerMessageId}`
    case "DeadlineExpired":
      return `step ${event.step} (${event.channel}): no ${event.awaited} receipt within ${event.withinMillis} ms`
    case "Fallback":
      return `falling back from step ${event.fromStep} (${event.fromChannel}) to step ${event.toStep} (${event.toChannel}): ${event.reason}`
    case "LateDelivery":
      return `late ${event.state} on step ${event.step} (${event.channel}), after routing had moved on`
    case "Outcome":
      return `outcome: ${event.outcome.status}${event.outcome.channel === undefined ? "" : ` by ${event.outcome.channel}`}`
  }
}

// -----------------------------------------------------------------------------
// listing
// -----------------------------------------------------------------------------

/**
 * Where a message is: `pending` until routing finishes, then its outcome.
 *
 * @since 0.1.0
 * @category models
 */
export const MessageStatus = Schema.Literal("pending", "read", "delivered", "accepted", "failed")

/**
 * @since 0.1.0
 * @category models
 */
export type MessageStatus = typeof MessageStatus.Type

/**
 * One message in a listing.
 *
 * @since 0.1.0
 * @category models
 */
export class Summary extends Schema.Class<Summary>("@switchboard/router/MessageLog/Summary")({
  messageId: Schema.String,
  route: Schema.optional(Schema.String),
  status: MessageStatus,
  /** The channel that succeeded. */
  channel: Schema.optional(Schema.String),
  /** Whether a step reported success after routing had moved on. */
  lateDelivery: Schema.Boolean,
  acceptedAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  events: Schema.Int
}) {}

/**
 * Which messages to list; every field given must match.
 *
 * @since 0.1.0
 * @category models
 */
export interface Filter {
  readonly status?: ReadonlyArray<MessageStatus> | undefined
  /** The channel that succeeded. */
  readonly channel?: string | undefined
  readonly acceptedSince?: DateTime.DateTime | undefined
  readonly acceptedBefore?: DateTime.DateTime | undefined
}

/**
 * A page request: newest first, `limit` items (default 50, at most 500) after `cursor` (from the previous
 * page's `next`).
 *
 * @since 0.1.0
 * @category models
 */
export interface PageRequest {
  readonly limit?: number | undefined
  readonly cursor?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly items: ReadonlyArray<Summary>
  /** Pass as `cursor` to get the next page; unset on the last page. */
  readonly next?: string | undefined
}

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The log's storage failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class MessageLogError extends Schema.TaggedError<MessageLogError>("@switchboard/router/MessageLog/MessageLogError")(
  "MessageLogError",
  {
    message: Schema.String,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Appends an event to a message's timeline, unless the message already has an event with this key. Returns
   * whether it was appended.
   */
  readonly append: (messageId: string, key: string, event: Event) => Effect.Effect<boolean, MessageLogError>
  /** Every event of a message, in order. */
  readonly timeline: (messageId: string) => Effect.Effect<ReadonlyArray<Entry>, MessageLogError>
  /** Messages, newest first. */
  readonly list: (filter?: Filter, page?: PageRequest) => Effect.Effect<Page, MessageLogError>
  /** The message's outcome, once routing has finished. */
  readonly outcome: (messageId: string) => Effect.Effect<Option.Option<OutcomeModule.Outcome>, MessageLogError>
  /** The message's summary, if the log knows it. */
  readonly summary: (messageId: string) => Effect.Effect<Option.Option<Summary>, MessageLogError>
  /**
   * Waits for the message's outcome. Outcomes appended through this service wake it at once; the SQL log
   * also polls, for outcomes appended by other processes.
   */
  readonly awaitOutcome: (messageId: string) => Effect.Effect<OutcomeModule.Outcome, MessageLogError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class MessageLog extends Context.Tag("@switchboard/router/MessageLog")<MessageLog, Service>() {}

const pageLimit = (page?: PageRequest): number => Math.max(1, Math.min(500, Math.floor(page?.limit ?? 50)))

// Waits for an outcome: checks, then sleeps until an outcome is appended here or `poll` passes, and checks
// again. Subscribing before the first check means no append can slip between the check and the wait.
const waitForOutcome = <E>(
  appended: PubSub.PubSub<string>,
  outcome: (messageId: string) => Effect.Effect<Option.Option<OutcomeModule.Outcome>, E>,
  poll: Option.Option<Duration.Duration>
) =>
(messageId: string): Effect.Effect<OutcomeModule.Outcome, E> =>
  Effect.scoped(Effect.gen(function*() {
    const subscription = yield* PubSub.subscribe(appended)
    const signalled = Effect.iterate(false, {
      while: (found) => !found,
      body: () => Effect.map(Queue.take(subscription), (id) => id === messageId)
    })
    const wait = Option.match(poll, {
      onNone: () => signalled,
      onSome: (interval) => Effect.raceFirst(signalled, Effect.sleep(interval))
    })
    while (true) {
      const found = yield* outcome(messageId)
      if (Option.isSome(found)) return found.value
      yield* wait
    }
  }))

const summaryStatus = (event: Event): MessageStatus | undefined =>
  event._tag === "Outcome" ? event.outcome.status : undefined

// -----------------------------------------------------------------------------
// memory
// -----------------------------------------------------------------------------

interface MemoryState {
  seq: number
  readonly entries: Map<string, Array<Entry>>
  readonly keys: Map<string, Set<string>>
  readonly summaries: Map<string, { summary: Summary; readonly seq: number }>
}

/**
 * An in-memory log, for tests and the in-memory engine.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.gen(function*() {
  const state = yield* Ref.make<MemoryState>({ seq: 0, entries: new Map(), keys: new Map(), summaries: new Map() })
  const appended = yield* PubSub.unbounded<string>()

  const append = (messageId: string, key: string, event: Event) =>
    Effect.flatMap(DateTime.now, (at) =>
      Ref.modify(state, (s) => {
        let keys = s.keys.get(messageId)
        if (keys === undefined) {
          keys = new Set()
          s.keys.set(messageId, keys)
        }
        if (keys.has(key)) return [false, s] as const
        keys.add(key)
        s.seq++
        const entry = new Entry({ messageId, seq: s.seq, at, event })
        const list = s.entries.get(messageId) ?? []
        list.push(entry)
        s.entries.set(messageId, list)
        const current = s.summaries.get(messageId)
        if (event._tag === "Accepted" && current === undefined) {
          s.summaries.set(messageId, {
            seq: s.seq,
            summary: new Summary({
              messageId,
              ...(event.route.name === undefined ? {} : { route: event.route.name }),
              status: "pending",
              lateDelivery: false,
              acceptedAt: at,
              updatedAt: at,
              events: 1
            })
          })
        } else if (current !== undefined) {
          const status = summaryStatus(event)
          const channel = event._tag === "Outcome" ? event.outcome.channel : current.summary.channel
          current.summary = new Summary({
            ...current.summary,
            status: status ?? current.summary.status,
            ...(channel === undefined ? {} : { channel }),
            lateDelivery: current.summary.lateDelivery || event._tag === "LateDelivery",
            updatedAt: at,
            events: current.summary.events + 1
          })
        }
        return [true, s] as const
      }).pipe(
        Effect.tap((isNew) => isNew && event._tag === "Outcome" ? PubSub.publish(appended, messageId) : Effect.void)
      ))

  const list = (filter?: Filter, page?: PageRequest) =>
    Effect.map(Ref.get(state), (s): Page => {
      const limit = pageLimit(page)
      const before = page?.cursor === undefined ? Infinity : Number(page.cursor)
      const matches = [...s.summaries.values()]
        .filter(({ seq, summary }) =>
          seq < before &&
          (filter?.status === undefined || filter.status.includes(summary.status)) &&
          (filter?.channel === undefined || summary.channel === filter.channel) &&
          (filter?.acceptedSince === undefined || DateTime.greaterThanOrEqualTo(summary.acceptedAt, filter.acceptedSince)) &&
          (filter?.acceptedBefore === undefined || DateTime.lessThan(summary.acceptedAt, filter.acceptedBefore))
        )
        .sort((a, b) => b.seq - a.seq)
      const items = matches.slice(0, limit)
      return {
        items: items.map((item) => item.summary),
        ...(matches.length > limit ? { next: String(items[items.length - 1]!.seq) } : {})
      }
    })

  const outcome = (messageId: string) =>
    Effect.map(Ref.get(state), (s) =>
      Option.fromNullable(s.entries.get(messageId)?.find((entry) => entry.event._tag === "Outcome")).pipe(
        Option.map((entry) => (entry.event as Outcome).outcome)
      ))

  return MessageLog.of({
    append,
    timeline: (messageId) => Effect.map(Ref.get(state), (s) => [...(s.entries.get(messageId) ?? [])]),
    list,
    outcome,
    summary: (messageId) => Effect.map(Ref.get(state), (s) => Option.fromNullable(s.summaries.get(messageId)?.summary)),
    awaitOutcome: waitForOutcome(appended, outcome, Option.none())
  })
})

/**
 * An in-memory log.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<MessageLog> = Layer.effect(MessageLog, makeMemory)

// -----------------------------------------------------------------------------
// sql
// -----------------------------------------------------------------------------

const EventJson = Schema.parseJson(Event)
const encodeEvent = Schema.encode(EventJson)
const decodeEvent = Schema.decodeUnknown(EventJson)

const toNumber = (value: unknown): number => typeof value === "number" ? value : Number(value)

const failure = (what: string) => (cause: unknown) =>
  new MessageLogError({ message: `message log: ${what} failed`, cause })

interface EventRow {
  readonly seq: unknown
  readonly message_id: string
  readonly at: unknown
  readonly data: string
}

interface SummaryRow {
  readonly message_id: string
  readonly accepted_seq: unknown
  readonly route: string | null
  readonly status: string | null
  readonly channel: string | null
  readonly late: unknown
  readonly accepted_at: unknown
  readonly updated_at: unknown
  readonly events: unknown
}

const decodeStatus = Schema.decodeUnknownSync(MessageStatus)

const summaryFromRow = (row: SummaryRow): Summary =>
  new Summary({
    messageId: row.message_id,
    ...(row.route === null ? {} : { route: row.route }),
    status: row.status === null ? "pending" : decodeStatus(row.status),
    ...(row.channel === null ? {} : { channel: row.channel }),
    lateDelivery: toNumber(row.late) !== 0,
    acceptedAt: DateTime.unsafeMake(toNumber(row.accepted_at)),
    updatedAt: DateTime.unsafeMake(toNumber(row.updated_at)),
    events: toNumber(row.events)
  })

/**
 * Options of the SQL log.
 *
 * @since 0.1.0
 * @category models
 */
export interface SqlOptions {
  /** Table name prefix. Default: `switchboard_router`. */
  readonly prefix?: string | undefined
  /**
   * How often `awaitOutcome` checks for an outcome appended by another process. Default: 250 milliseconds.
   */
  readonly outcomePollInterval?: Duration.DurationInput | undefined
}

/**
 * A log in one SQL table (`<prefix>_events`; the prefix defaults to `switchboard_router`). Runs its
 * migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSql = (options?: SqlOptions): Effect.Effect<
  Service,
  SqlError | MigrationError,
  SqlClient.SqlClient
> =>
  Effect.gen(function*() {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const prefix = options?.prefix ?? "switchboard_router"
    yield* Migrations.runLog(prefix)
    const appended = yield* PubSub.unbounded<string>()
    const poll = Duration.decode(options?.outcomePollInterval ?? Duration.millis(250))
    const events = sql(`${prefix}_events`)

    // One statement per event: the Accepted row carries the route's name, the Outcome row its status and
    // channel, so listings are computed from the events alone and an append needs no transaction.
    const append = (messageId: string, key: string, event: Event) =>
      Effect.gen(function*() {
        const at = DateTime.toEpochMillis(yield* DateTime.now)
        const data = yield* encodeEvent(event)
        const route = event._tag === "Accepted" ? event.route.name ?? null : null
        const status = event._tag === "Outcome" ? event.outcome.status : null
        const channel = event._tag === "Outcome" ? event.outcome.channel ?? null : null
        const inserted = yield* sql<{ seq: unknown }>`
          INSERT INTO ${events} (message_id, event_key, tag, at, route, status, channel, data)
          VALUES (${messageId}, ${key}, ${event._tag}, ${at}, ${route}, ${status}, ${channel}, ${data})
          ON CONFLICT (message_id, event_key) DO NOTHING
          RETURNING seq`
        return inserted.length > 0
      }).pipe(
        Effect.tap((isNew) => isNew && event._tag === "Outcome" ? PubSub.publish(appended, messageId) : Effect.void),
        Effect.mapError(failure("append"))
      )

    const entryFromRow = (row: EventRow) =>
      Effect.map(decodeEvent(row.data), (event) =>
        new Entry({
          messageId: row.message_id,
          seq: toNumber(row.seq),
          at: DateTime.unsafeMake(toNumber(row.at)),
          event
        }))

    const timeline = (messageId: string) =>
      sql<EventRow>`SELECT seq, message_id, at, data FROM ${events} WHERE message_id = ${messageId} ORDER BY seq`.pipe(
        Effect.flatMap(Effect.forEach(entryFromRow)),
        Effect.mapError(failure("timeline"))
      )

    const outcome = (messageId: string) =>
      sql<EventRow>`
        SELECT seq, message_id, at, data FROM ${events}
        WHERE message_id = ${messageId} AND tag = 'Outcome'`.pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined
            ? Effect.succeedNone
            : Effect.map(entryFromRow(rows[0]), (entry) => Option.some((entry.event as Outcome).outcome))
        ),
        Effect.mapError(failure("outcome"))
      )

    const summaries = (where: ReadonlyArray<Statement.Fragment>, limit: number) =>
      sql<SummaryRow>`
        SELECT a.message_id, a.seq AS accepted_seq, a.route, a.at AS accepted_at, o.status, o.channel,
          (SELECT MAX(e.at) FROM ${events} e WHERE e.message_id = a.message_id) AS updated_at,
          (SELECT COUNT(*) FROM ${events} e WHERE e.message_id = a.message_id) AS events,
          (SELECT COUNT(*) FROM ${events} e WHERE e.message_id = a.message_id AND e.tag = 'LateDelivery') AS late
        FROM ${events} a
        LEFT JOIN ${events} o ON o.message_id = a.message_id AND o.tag = 'Outcome'
        WHERE ${sql.and([sql`a.tag = 'Accepted'`, ...where])}
        ORDER BY a.seq DESC
        LIMIT ${limit}`

    const list = (filter?: Filter, page?: PageRequest) => {
      const limit = pageLimit(page)
      const statuses = filter?.status
      const finished = statuses?.filter((status) => status !== "pending") ?? []
      const where = [
        ...(page?.cursor === undefined ? [] : [sql`a.seq < ${Number(page.cursor)}`]),
        ...(statuses === undefined ? [] : [
          sql.or([
            ...(statuses.includes("pending") ? [sql`o.seq IS NULL`] : []),
            ...(finished.length > 0 ? [sql.in("o.status", finished)] : []),
            sql`1 = 0`
          ])
        ]),
        ...(filter?.channel === undefined ? [] : [sql`o.channel = ${filter.channel}`]),
        ...(filter?.acceptedSince === undefined ? [] : [sql`a.at >= ${DateTime.toEpochMillis(filter.acceptedSince)}`]),
        ...(filter?.acceptedBefore === undefined ? [] : [sql`a.at < ${DateTime.toEpochMillis(filter.acceptedBefore)}`])
      ]
      return summaries(where, limit + 1).pipe(
        Effect.map((rows): Page => {
          const items = rows.slice(0, limit)
          return {
            items: items.map(summaryFromRow),
            ...(rows.length > limit ? { next: String(toNumber(items[items.length - 1]!.accepted_seq)) } : {})
          }
        }),
        Effect.mapError(failure("list"))
      )
    }

    const summary = (messageId: string) =>
      summaries([sql`a.message_id = ${messageId}`], 1).pipe(
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), summaryFromRow)),
        Effect.mapError(failure("summary"))
      )

    return MessageLog.of({
      append,
      timeline,
      list,
      outcome,
      summary,
      awaitOutcome: waitForOutcome(appended, outcome, Option.some(poll))
    })
  })

/**
 * A log in SQL tables, on whatever `SqlClient` is provided.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSql = (options?: SqlOptions): Layer.Layer<
  MessageLog,
  SqlError | MigrationError,
  SqlClient.SqlClient
> => Layer.effect(MessageLog, makeSql(options))
