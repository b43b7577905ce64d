/**
 * The processes a benchmark runs: the simulator (the standalone CLI of `@switchboard/simulator`, so the
 * server's work is never counted against a client) and worker processes (TypeScript through `tsx`) that the
 * orchestrator drives over Node's IPC channel with request/reply messages.
 *
 * @example
 * ```ts
 * import * as Processes from "./Processes.js"
 *
 * const simulator = await Processes.startSimulator()
 * const worker = await Processes.startWorker("client")
 * await worker.call("setup", { contender: "raw-undici", baseUrl: simulator.baseUrl })
 * await worker.stop()
 * await simulator.stop()
 * ```
 *
 * @since 0.1.0
 */
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Bundle from "./Bundle.js"
import { benchDir, repoRoot } from "./Paths.js"

/**
 * The CPU time (user + system, milliseconds) a process has used, from `/proc`; `undefined` where there is
 * no `/proc` (not Linux) or the process is gone.
 *
 * @since 0.1.0
 * @category measuring
 */
export const cpuTimeMillis = (pid: number): number | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    // the command name (field 2) may contain spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
    return (ticks * 1000) / clockTicks
  } catch {
    return undefined
  }
}

const clockTicks = (() => {
  try {
    return Number(childProcess.execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * The resident set size of a process in bytes, from `/proc`; `undefined` where unavailable.
 *
 * @since 0.1.0
 * @category measuring
 */
export const rssBytes = (pid: number): number | undefined => {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8")
    const line = status.split("\n").find((l) => l.startsWith("VmRSS:"))
    return line === undefined ? undefined : Number(line.replace(/\D+/g, "")) * 1024
  } catch {
    return undefined
  }
}

const readFirstLine = (child: childProcess.ChildProcess, what: string, timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    let buffered = ""
    let stderr = ""
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not start within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`))
    }, timeoutMs)
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.stdout?.on("data", function onData(chunk: Buffer) {
      buffered += chunk.toString("utf8")
      const newline = buffered.indexOf("\n")
      if (newline >= 0) {
        clearTimeout(timer)
        child.stdout?.off("data", onData)
        child.stdout?.resume()
        resolve(buffered.slice(0, newline).trim())
      }
    })
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (${code ?? signal}) before it started; stderr: ${stderr.slice(-2000)}`))
    })
  })

const stopChild = (child: childProcess.ChildProcess, timeoutMs = 10_000): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
    }, timeoutMs)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill("SIGTERM")
  })

/**
 * The simulator's counters (see `@switchboard/simulator`'s admin API).
 *
 * @since 0.1.0
 * @category models
 */
export interface Counters {
  readonly requests: number
  readonly byApi: Readonly<Record<string, number>>
  readonly tokensIssued: number
  readonly messagesAccepted: number
  readonly callbacksSent: number
  readonly callbacksFailed: number
}

/**
 * A running simulator process.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatorProcess {
  readonly baseUrl: string
  readonly pid: number
  /** The exact command that started it. */
  readonly command: string
  readonly reset: () => Promise<void>
  readonly counters: () => Promise<Counters>
  /** Loads a scenario (with `withBalance`). */
  readonly loadScenario: (scenario: Readonly<Record<string, unknown>>) => Promise<void>
  /** Waits until every scheduled webhook has been sent. */
  readonly drain: () => Promise<void>
  readonly cpuTimeMillis: () => number | undefined
  readonly stop: () => Promise<void>
}

const admin = async (baseUrl: string, method: string, route: string, body?: unknown): Promise<unknown> => {
  const response = await fetch(`${baseUrl}/_admin/${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`simulator ${method} /_admin/${route}: HTTP ${response.status} ${text}`)
  return text === "" ? undefined : JSON.parse(text)
}

/**
 * Every scenario the benchmarks load gets an account balance no run can spend: the simulator's default
 * (100 EUR at 0.0333 a part) runs out after about 3,000 SMS, and then it refuses them (status 9).
 *
 * @since 0.1.0
 * @category simulator
 */
export const withBalance = (scenario: Readonly<Record<string, unknown>>): Record<string, unknown> => ({
  ...scenario,
  account: { balance: 1_000_000_000, ...(scenario["account"] as Record<string, unknown> | undefined) }
})

/**
 * Starts the simulator's standalone CLI (`node packages/simulator/scripts/start.mjs --port 0`) on 127.0.0.1
 * and a free port, optionally with a scenario.
 *
 * @since 0.1.0
 * @category simulator
 */
export const startSimulator = async (options?: {
  /** A scenario (JSON form); `withBalance` is applied to it, and to nothing when absent. */
  readonly scenario?: Readonly<Record<string, unknown>>
  /** Extra Node flags (e.g. `--max-old-space-size=4096`). */
  readonly nodeFlags?: ReadonlyArray<string>
}): Promise<SimulatorProcess> => {
  const script = path.join(repoRoot, "packages", "simulator", "scripts", "start.mjs")
  const args = [...(options?.nodeFlags ?? []), script, "--host", "127.0.0.1", "--port", "0"]
  const scenarioFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-")), "scenario.json")
  fs.writeFileSync(scenarioFile, JSON.stringify(withBalance((options?.scenario ?? {}) as Record<string, unknown>)))
  args.push("--scenario", scenarioFile)
  const child = childProcess.spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] })
  const baseUrl = await readFirstLine(child, "the simulator", 120_000)
  const pid = child.pid!
  return {
    baseUrl,
    pid,
    command: `node ${path.relative(repoRoot, script)} --host 127.0.0.1 --port 0 --scenario <scenario.json>`,
    reset: async () => {
      await admin(baseUrl, "POST", "reset")
    },
    counters: async () => (await admin(baseUrl, "GET", "counters")) as Counters,
    loadScenario: async (scenario) => {
      await admin(baseUrl, "PUT", "scenario", withBalance(scenario as Record<string, unknown>))
    },
    drain: async () => {
      await admin(baseUrl, "POST", "drain")
    },
    cpuTimeMillis: () => cpuTimeMillis(pid),
    stop: async () => {
      await stopChild(child)
      fs.rmSync(path.dirname(scenarioFile), { recursive: true, force: true })
    }
  }
}

/**
 * A worker process that answers requests.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerProcess {
  readonly pid: number
  readonly call: <A = unknown>(op: string, args?: unknown) => Promise<A>
  readonly stop: () => Promise<void>
  /** Resolves when the process exits, with its exit code. */
  readonly exited: Promise<number | null>
}

let nextCall = 0

/**
 * Forks the bundle of `src/workers/<name>.ts` (see `Bundle`) with an IPC channel and waits until it says it
 * is ready.
 *
 * @since 0.1.0
 * @category workers
 */
export const startWorker = async (
  name: string,
  options?: {
    readonly nodeFlags?: ReadonlyArray<string>
    readonly env?: Readonly<Record<string, string>>
    readonly cwd?: string
  }
): Promise<WorkerProcess> => {
  const script = await Bundle.worker(name)
  const child = childProcess.fork(script, [], {
    cwd: options?.cwd ?? benchDir,
    execArgv: [...(options?.nodeFlags ?? [])],
    env: { ...process.env, ...options?.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>()
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      for (const { reject } of pending.values()) reject(new Error(`worker ${name} exited (${code})`))
      pending.clear()
      resolve(code)
    })
  })
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} did not start within 120 s`)), 120_000)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`worker ${name} exited (${code}) before it was ready`))
    })
    child.on("message", (message: any) => {
      if (message?.ready === true) {
        clearTimeout(timer)
        resolve()
        return
      }
      const waiting = pending.get(message?.id)
      if (waiting === undefined) return
      pending.delete(message.id)
      if (message.ok === true) waiting.resolve(message.result)
      else waiting.reject(new Error(`worker ${name}: ${message.error}`))
    })
  })
  await ready
  return {
    pid: child.pid!,
    call: (op, args) =>
      new Promise((resolve, reject) => {
        const id = ++nextCall
        pending.set(id, { resolve, reject })
        child.send({ id, op, args })
      }),
    stop: async () => {
      if (child.connected) child.send({ id: ++nextCall, op: "exit" })
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000)
      await exited
      clearTimeout(timer)
    },
    exited
  }
}

/**
 * `count` client workers (`workers/client.ts`): one process each, or one process shared by all (`"shared"`,
 * for smoke runs, where start-up time matters more than isolation).
 *
 * @since 0.1.0
 * @category workers
 */
export const startClientWorkers = async (
  count: number,
  mode?: "per-contender" | "shared" | undefined
): Promise<ReadonlyArray<WorkerProcess>> => {
  if (mode === "shared") {
    const worker = await startWorker("client")
    return Array.from({ length: count }, () => worker)
  }
  return Promise.all(Array.from({ length: count }, () => startWorker("client")))
}

/**
 * The worker side: answers `{ id, op, args }` requests with the handler for `op` and says it is ready.
 * `exit` ends the process once the handlers' cleanup (`onExit`) ran.
 *
 * @since 0.1.0
 * @category workers
 */
export const serve = (
  handlers: Readonly<Record<string, (args: any) => Promise<unknown>>>,
  onExit?: () => Promise<void>
): void => {
  const send = (message: unknown) => {
    if (process.send !== undefined) process.send(message)
  }
  process.on("message", (message: any) => {
    if (message?.op === "exit") {
      void (onExit?.() ?? Promise.resolve()).finally(() => process.exit(0))
      return
    }
    const handler = handlers[message?.op]
    if (handler === undefined) {
      send({ id: message?.id, ok: false, error: `unknown op ${String(message?.op)}` })
      return
    }
    handler(message.args).then(
      (result) => send({ id: message.id, ok: true, result }),
      (error: unknown) =>
        send({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) })
    )
  })
  process.on("disconnect", () => process.exit(0))
  send({ ready: true })
}
