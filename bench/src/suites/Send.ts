/**
 * Send throughput and latency, side by side: one simulator process on loopback, one worker process per
 * contender, the same messages, the same concurrency. At each concurrency every contender is warmed up,
 * then the runs are interleaved (run 1 of every contender, then run 2, …, in a rotating order) so a change in
 * the machine's load hits them all alike; the simulator's log is reset before every run and its count of
 * accepted messages is checked after it.
 *
 * Per run: throughput (messages a second, wall time), latency p50/p99 (each send from call to decoded
 * answer), the client process's CPU time per message, and the simulator process's CPU time per message.
 * Figures are medians of the runs.
 *
 * @example
 * ```ts
 * import * as Send from "./suites/Send.js"
 *
 * const result = await Send.run({
 *   title: "SMS",
 *   contenders: ["sms/switchboard-client", "sms/vonage-sdk", "sms/raw-undici"],
 *   concurrencies: [1, 16, 64],
 *   count: () => 2000,
 *   runs: 5,
 *   warmup: 300
 * })
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
  readonly title: string
  readonly contenders: ReadonlyArray<Contenders.Name>
  readonly concurrencies: ReadonlyArray<number>
  /**
   * Messages per run at a concurrency, given the slowest contender's throughput while warming up there (so a
   * run can be sized to a time budget). Every contender sends the same number.
   */
  readonly count: (concurrency: number, slowestWarmupThroughput: number) => number
  readonly runs: number
  /**
   * Messages sent by each contender before the measured runs at each concurrency (then half as many again,
   * whose speed sizes the runs).
   */
  readonly warmup: number
  readonly privateKey?: string | undefined
  /** Connections each client may open (unlimited when absent). */
  readonly connections?: number | undefined
  /** One worker process per contender (the default), or one for all of them (smoke runs: fewer start-ups). */
  readonly workers?: "per-contender" | "shared" | undefined
  readonly log?: (line: string) => void
}

/**
 * One run of one contender.
 *
 * @since 0.1.0
 * @category models
 */
export interface Run extends Driver.RunResult {
  /** Simulator CPU time during the run. */
  readonly simulatorCpuMs: number | undefined
  /** Messages the simulator accepted during the run. */
  readonly accepted: number
}

/**
 * The medians of one contender's runs at one concurrency.
 *
 * @since 0.1.0
 * @category models
 */
export interface Cell {
  readonly contender: Contenders.Name
  readonly concurrency: number
  readonly count: number
  readonly runs: ReadonlyArray<Run>
  readonly throughput: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly clientCpuUsPerMessage: number
  readonly simulatorCpuUsPerMessage: number
  readonly rssMiB: number
  readonly errors: number
  readonly firstError?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly title: string
  readonly contenders: ReadonlyArray<Contenders.Name>
  readonly concurrencies: ReadonlyArray<number>
  readonly cells: ReadonlyArray<Cell>
  readonly runs: number
  readonly warmup: number
  readonly simulatorCommand: string
  readonly elapsedMs: number
}

/**
 * Summarizes runs into their medians.
 *
 * @since 0.1.0
 * @category summarizing
 */
export const summarize = (
  contender: Contenders.Name,
  concurrency: number,
  count: number,
  runs: ReadonlyArray<Run>
): Cell => ({
  contender,
  concurrency,
  count,
  runs,
  throughput: Stats.median(runs.map((r) => r.throughput)),
  p50Ms: Stats.median(runs.map((r) => r.p50Ms)),
  p99Ms: Stats.median(runs.map((r) => r.p99Ms)),
  clientCpuUsPerMessage: Stats.median(runs.map((r) => (r.cpuMs * 1000) / r.count)),
  simulatorCpuUsPerMessage: Stats.median(
    runs.map((r) => r.simulatorCpuMs === undefined ? Number.NaN : (r.simulatorCpuMs * 1000) / r.count)
  ),
  rssMiB: Stats.median(runs.map((r) => r.rssBytes / 2 ** 20)),
  errors: runs.reduce((sum, r) => sum + r.errors + Math.max(0, r.count - r.errors - r.accepted), 0),
  firstError: runs.find((r) => r.firstError !== undefined)?.firstError
})

/**
 * The cell of a contender at a concurrency.
 *
 * @since 0.1.0
 * @category summarizing
 */
export const cell = (result: Result, contender: Contenders.Name, concurrency: number): Cell | undefined =>
  result.cells.find((c) => c.contender === contender && c.concurrency === concurrency)

/**
 * Runs the suite.
 *
 * @since 0.1.0
 * @category running
 */
export const run = async (options: Options): Promise<Result> => {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const simulator = await Processes.startSimulator()
  const workers = await Processes.startClientWorkers(options.contenders.length, options.workers)
  try {
    await Promise.all(options.contenders.map((name, i) =>
      workers[i]!.call("setup", {
        handle: name,
        name,
        setup: { baseUrl: simulator.baseUrl, privateKey: options.privateKey, connections: options.connections }
      })
    ))
    const cells: Array<Cell> = []
    for (const concurrency of options.concurrencies) {
      const warmups: Array<number> = []
      for (const [i, name] of options.contenders.entries()) {
        await simulator.reset()
        const warm = await workers[i]!.call<Driver.RunResult>("run", {
          handle: name,
          count: options.warmup,
          concurrency
        })
        if (warm.errors > 0) throw new Error(`${name} failed while warming up: ${warm.firstError}`)
        // the warm-up's own speed is that of cold code; a short second run says how fast it is once warm
        await simulator.reset()
        const calibration = await workers[i]!.call<Driver.RunResult>("run", {
          handle: name,
          count: Math.max(20, Math.round(options.warmup / 2)),
          concurrency
        })
        warmups.push(calibration.throughput)
      }
      const count = options.count(concurrency, Math.min(...warmups))
      log(`  ${options.title} c=${concurrency}: warmed up (slowest ${warmups.length > 0 ? Math.min(...warmups).toFixed(0) : "?"} msg/s); ${count} messages a run`)
      const runs = new Map<Contenders.Name, Array<Run>>(options.contenders.map((name) => [name, []]))
      for (let round = 0; round < options.runs; round++) {
        for (let k = 0; k < options.contenders.length; k++) {
          const i = (k + round) % options.contenders.length
          const name = options.contenders[i]!
          await simulator.reset()
          const cpuBefore = simulator.cpuTimeMillis()
          const result = await workers[i]!.call<Driver.RunResult>("run", { handle: name, count, concurrency })
          const cpuAfter = simulator.cpuTimeMillis()
          const counters = await simulator.counters()
          runs.get(name)!.push({
            ...result,
            simulatorCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
            accepted: counters.messagesAccepted
          })
          log(
            `  ${options.title} c=${concurrency} run ${round + 1}/${options.runs} ${name}: ${
              result.throughput.toFixed(0)
            } msg/s, p99 ${result.p99Ms.toFixed(1)} ms${result.errors > 0 ? `, ${result.errors} errors` : ""}`
          )
        }
      }
      for (const name of options.contenders) cells.push(summarize(name, concurrency, count, runs.get(name)!))
    }
    return {
      title: options.title,
      contenders: options.contenders,
      concurrencies: options.concurrencies,
      cells,
      runs: options.runs,
      warmup: options.warmup,
      simulatorCommand: simulator.command,
      elapsedMs: performance.now() - started
    }
  } finally {
    await Promise.all([...new Set(workers)].map((worker) => worker.stop()))
    await simulator.stop()
  }
}
