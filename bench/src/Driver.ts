/**
 * Runs `count` sends with at most `concurrency` in flight and measures them: wall time, each send's latency
 * (p50, p99), the process's CPU time and resident memory. Two drivers with the same shape — `concurrency`
 * loops that each take the next index until `count` are done — one for promise-based clients (the official
 * SDKs, raw undici) and one in Effect for Switchboard's clients, the way an Effect program would call them.
 *
 * @example
 * ```ts
 * import * as Driver from "./Driver.js"
 *
 * const result = await Driver.promise(1000, 16, (i) => fetch(`http://127.0.0.1:4010/${i}`))
 * console.log(result.throughput, result.p99Ms)
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stats from "./Stats.js"

/**
 * What one run measured.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunResult {
  readonly count: number
  readonly concurrency: number
  readonly elapsedMs: number
  /** Completed sends (successful or not) per second. */
  readonly throughput: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
  readonly firstError?: string | undefined
  /** CPU time of this (client) process during the run: user + system. */
  readonly cpuMs: number
  /** Resident set size at the end of the run. */
  readonly rssBytes: number
  /** When the run started and ended, in microseconds of the monotonic clock V8's CPU profiles use. */
  readonly startedAtMicros: number
  readonly endedAtMicros: number
}

const nowMicros = (): number => Number(process.hrtime.bigint() / 1000n)

const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300)
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const message = "message" in error ? String((error as { message: unknown }).message) : ""
    return `${String((error as { _tag: unknown })._tag)}: ${message}`.slice(0, 300)
  }
  return String(error).slice(0, 300)
}

const finish = (
  count: number,
  concurrency: number,
  startedAtMicros: number,
  started: number,
  cpu: NodeJS.CpuUsage,
  latencies: Float64Array,
  errors: number,
  firstError: string | undefined
): RunResult => {
  const elapsedMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  const { p50, p99 } = Stats.latencySummary(latencies)
  return {
    count,
    concurrency,
    elapsedMs,
    throughput: (count / elapsedMs) * 1000,
    p50Ms: p50,
    p99Ms: p99,
    errors,
    firstError,
    cpuMs: (used.user + used.system) / 1000,
    rssBytes: process.memoryUsage.rss(),
    startedAtMicros,
    endedAtMicros: nowMicros()
  }
}

/**
 * Drives a promise-returning send. A send that rejects counts as an error (its latency is still recorded).
 *
 * @since 0.1.0
 * @category drivers
 */
export const promise = async (
  count: number,
  concurrency: number,
  send: (index: number) => Promise<unknown>
): Promise<RunResult> => {
  const latencies = new Float64Array(count)
  let next = 0
  let errors = 0
  let firstError: string | undefined
  const startedAtMicros = nowMicros()
  const cpu = process.cpuUsage()
  const started = performance.now()
  const loop = async () => {
    for (;;) {
      const index = next++
      if (index >= count) return
      const t0 = performance.now()
      try {
        await send(index)
      } catch (error) {
        errors++
        firstError ??= describeError(error)
      }
      latencies[index] = performance.now() - t0
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop))
  return finish(count, concurrency, startedAtMicros, started, cpu, latencies, errors, firstError)
}

/**
 * Drives an Effect send: `concurrency` fibers, each taking the next index. A send that fails counts as an
 * error (its latency is still recorded).
 *
 * @since 0.1.0
 * @category drivers
 */
export const effect = <E, R>(
  count: number,
  concurrency: number,
  send: (index: number) => Effect.Effect<unknown, E, R>
): Effect.Effect<RunResult, never, R> =>
  Effect.suspend(() => {
    const latencies = new Float64Array(count)
    let next = 0
    let errors = 0
    let firstError: string | undefined
    const startedAtMicros = nowMicros()
    const cpu = process.cpuUsage()
    const started = performance.now()
    const loop: Effect.Effect<void, never, R> = Effect.suspend(() => {
      const index = next++
      if (index >= count) return Effect.void
      const t0 = performance.now()
      return send(index).pipe(
        Effect.catchAllCause((cause) =>
          Effect.sync(() => {
            errors++
            firstError ??= describeError(cause._tag === "Fail" ? cause.error : cause)
          })
        ),
        Effect.zipRight(Effect.sync(() => {
          latencies[index] = performance.now() - t0
        })),
        Effect.zipRight(loop)
      )
    })
    return Effect.all(Array.from({ length: Math.min(concurrency, count) }, () => loop), {
      concurrency: "unbounded",
      discard: true
    }).pipe(Effect.map(() => finish(count, concurrency, startedAtMicros, started, cpu, latencies, errors, firstError)))
  })
