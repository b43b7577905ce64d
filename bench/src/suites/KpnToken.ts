/**
 * KPN token single flight under load: `count` sends through KPN's Vonage SMS gateway, all started at once
 * (concurrency = count), each needing a bearer token from KPN's token endpoint, starting from a cold token
 * cache. The simulator counts the token requests it answered. Switchboard's `OAuthClientCredentials` should
 * make exactly one; a cache without single flight makes one per send that found it empty. Every client goes
 * through a pool of `connections` connections (64), so sends queue in the client, not in the kernel.
 *
 * @example
 * ```ts
 * import * as KpnToken from "./suites/KpnToken.js"
 *
 * const result = await KpnToken.run({ count: 10_000, runs: 5, warmup: 200, connections: 64 })
 * ```
 *
 * @since 0.1.0
 */
import type * as Contenders from "../Contenders.js"
import type * as Driver from "../Driver.js"
import * as Processes from "../Processes.js"
import * as Stats from "../Stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Sends per run (all at once), or a function of the slowest warm-up throughput (to fit a time budget). */
  readonly count: number | ((slowestWarmupThroughput: number) => number)
  readonly runs: number
  /** Concurrent sends of each contender's warm-up run. */
  readonly warmup: number
  readonly connections: number
  readonly contenders?: ReadonlyArray<Contenders.Name> | undefined
  /** One worker process per contender (the default), or one for all of them (smoke runs: fewer start-ups). */
  readonly workers?: "per-contender" | "shared" | undefined
  readonly log?: (line: string) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Run extends Driver.RunResult {
  readonly tokenRequests: number
  readonly tokensIssued: number
  readonly accepted: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Cell {
  readonly contender: Contenders.Name
  readonly runs: ReadonlyArray<Run>
  readonly tokenRequests: ReadonlyArray<number>
  readonly throughput: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly clientCpuUsPerMessage: number
  readonly errors: number
  readonly firstError?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly count: number
  readonly runs: number
  readonly connections: number
  readonly cells: ReadonlyArray<Cell>
  readonly simulatorCommand: string
  readonly elapsedMs: number
}

/**
 * The contenders, in report order.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultContenders: ReadonlyArray<Contenders.Name> = [
  "kpn/switchboard",
  "kpn/raw-shared-promise",
  "kpn/raw-no-single-flight"
]

/**
 * Runs the suite.
 *
 * @since 0.1.0
 * @category running
 */
export const run = async (options: Options): Promise<Result> => {
  const log = options.log ?? (() => {})
  const contenders = options.contenders ?? defaultContenders
  const started = performance.now()
  const simulator = await Processes.startSimulator()
  const workers = await Processes.startClientWorkers(contenders.length, options.workers)
  try {
    await Promise.all(contenders.map((name, i) =>
      workers[i]!.call("setup", {
        handle: name,
        name,
        setup: { baseUrl: simulator.baseUrl, connections: options.connections }
      })
    ))
    // warm up each client's code paths (a small cold start of its own)
    const warmups: Array<number> = []
    for (const [i, name] of contenders.entries()) {
      await simulator.reset()
      const warm = await workers[i]!.call<Driver.RunResult>("run", {
        handle: name,
        count: options.warmup,
        concurrency: options.warmup
      })
      if (warm.errors > 0) throw new Error(`${name} failed while warming up: ${warm.firstError}`)
      // the warm-up ran cold code; a second run says how fast the client is once warm
      await simulator.reset()
      const calibration = await workers[i]!.call<Driver.RunResult>("run", {
        handle: name,
        count: options.warmup,
        concurrency: options.warmup
      })
      warmups.push(calibration.throughput)
    }
    const count = typeof options.count === "number" ? options.count : options.count(Math.min(...warmups))
    log(`  KPN: warmed up (slowest ${Math.min(...warmups).toFixed(0)} sends/s); ${count} concurrent sends a run`)
    const runs = new Map<Contenders.Name, Array<Run>>(contenders.map((name) => [name, []]))
    for (let round = 0; round < options.runs; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const i = (k + round) % contenders.length
        const name = contenders[i]!
        await simulator.reset()
        const result = await workers[i]!.call<Driver.RunResult>("run", {
          handle: name,
          count,
          concurrency: count
        })
        const counters = await simulator.counters()
        const run: Run = {
          ...result,
          tokenRequests: counters.byApi["kpn-oauth"] ?? 0,
          tokensIssued: counters.tokensIssued,
          accepted: counters.messagesAccepted
        }
        runs.get(name)!.push(run)
        log(
          `  KPN run ${round + 1}/${options.runs} ${name}: ${run.tokenRequests} token requests, ${
            result.throughput.toFixed(0)
          } sends/s${result.errors > 0 ? `, ${result.errors} errors (${result.firstError})` : ""}`
        )
      }
    }
    return {
      count,
      runs: options.runs,
      connections: options.connections,
      cells: contenders.map((name): Cell => {
        const list = runs.get(name)!
        return {
          contender: name,
          runs: list,
          tokenRequests: list.map((r) => r.tokenRequests),
          throughput: Stats.median(list.map((r) => r.throughput)),
          p50Ms: Stats.median(list.map((r) => r.p50Ms)),
          p99Ms: Stats.median(list.map((r) => r.p99Ms)),
          clientCpuUsPerMessage: Stats.median(list.map((r) => (r.cpuMs * 1000) / r.count)),
          errors: list.reduce((sum, r) => sum + r.errors + Math.max(0, r.count - r.errors - r.accepted), 0),
          firstError: list.find((r) => r.firstError !== undefined)?.firstError
        }
      }),
      simulatorCommand: simulator.command,
      elapsedMs: performance.now() - started
    }
  } finally {
    await Promise.all([...new Set(workers)].map((worker) => worker.stop()))
    await simulator.stop()
  }
}
