/**
 * A CPU profile of Switchboard's send path: a client worker started with `node --cpu-prof` sends SMS through
 * `VonageSmsChannel` (message model, validation, client, HTTP) to the simulator, which runs in its own process
 * and so is not in the profile. Functions are ranked by self time (V8's sampling profiler); frames are traced
 * back to their source through the bundle's source map.
 *
 * @example
 * ```ts
 * import * as Profile from "./suites/Profile.js"
 *
 * const result = await Profile.run({ count: 5000, concurrency: 16, warmup: 500 })
 * result.rows.slice(0, 10)
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Bundle from "../Bundle.js"
import type * as Contenders from "../Contenders.js"
import * as CpuProfile from "../CpuProfile.js"
import type * as Driver from "../Driver.js"
import { repoRoot } from "../Paths.js"
import * as Processes from "../Processes.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly count: number
  readonly concurrency: number
  readonly warmup: number
  readonly contender?: Contenders.Name | undefined
  /** Keep the `.cpuprofile` here (it is deleted otherwise). */
  readonly keep?: string | undefined
  readonly log?: (line: string) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly contender: Contenders.Name
  readonly count: number
  readonly concurrency: number
  readonly warmup: number
  readonly run: Driver.RunResult
  /** Non-idle time in the profile while the measured sends ran. */
  readonly busyMs: number
  /** Non-idle time in the whole profile (start-up and warm-up included). */
  readonly totalBusyMs: number
  readonly rows: ReadonlyArray<CpuProfile.Row>
  readonly command: string
  readonly kept?: string | undefined
}

/**
 * Runs the suite.
 *
 * @since 0.1.0
 * @category running
 */
export const run = async (options: Options): Promise<Result> => {
  const contender = options.contender ?? "sms/switchboard-channel"
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-profile-"))
  const simulator = await Processes.startSimulator()
  try {
    const worker = await Processes.startWorker("client", { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}`] })
    let result: Driver.RunResult
    try {
      await worker.call("setup", { handle: contender, name: contender, setup: { baseUrl: simulator.baseUrl } })
      await worker.call("run", { handle: contender, count: options.warmup, concurrency: options.concurrency })
      await simulator.reset()
      result = await worker.call<Driver.RunResult>("run", {
        handle: contender,
        count: options.count,
        concurrency: options.concurrency
      })
      options.log?.(`  profile: ${options.count} sends at concurrency ${options.concurrency}, ${result.throughput.toFixed(0)} msg/s`)
    } finally {
      await worker.stop()
    }
    const file = fs.readdirSync(dir).find((name) => name.endsWith(".cpuprofile"))
    if (file === undefined) throw new Error("the worker wrote no CPU profile")
    const profile = CpuProfile.read(path.join(dir, file))
    let kept: string | undefined
    if (options.keep !== undefined) {
      fs.mkdirSync(path.dirname(options.keep), { recursive: true })
      fs.copyFileSync(path.join(dir, file), options.keep)
      kept = options.keep
    }
    return {
      contender,
      count: options.count,
      concurrency: options.concurrency,
      warmup: options.warmup,
      run: result,
      busyMs: CpuProfile.busyMs(profile, { from: result.startedAtMicros, to: result.endedAtMicros }),
      totalBusyMs: CpuProfile.busyMs(profile),
      rows: CpuProfile.selfTime(profile, {
        bundle: await Bundle.worker("client"),
        window: { from: result.startedAtMicros, to: result.endedAtMicros }
      }),
      command: `node --cpu-prof --cpu-prof-dir=<dir> ${path.relative(repoRoot, await Bundle.worker("client"))}`,
      kept
    }
  } finally {
    await simulator.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
