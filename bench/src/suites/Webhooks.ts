/**
 * Webhook ingestion: autocannon posts signed Vonage SMS delivery receipts (JSON, `sig` with HMAC-SHA256, a
 * fresh message id and client reference in every request) to
 *
 * - the sample app's `POST /webhooks/vonage/sms/dlr` (its own process, started as `pnpm start` starts it, on
 *   SQLite): the signature is verified, the receipt parsed, recorded in the router's receipt index and
 *   appended to the message log — the persistence path of a receipt (these receipts are for messages the
 *   gateway never sent, so no routing wakes up);
 * - a bare `node:http` server (`workers/bare.ts`, its own process) that only parses the JSON: the limit.
 *
 * The load is `duration` seconds per server, split into runs that alternate between the two servers; figures
 * are medians of the runs. autocannon runs in the orchestrator's process and signs each request there.
 *
 * @example
 * ```ts
 * import * as Webhooks from "./suites/Webhooks.js"
 *
 * const result = await Webhooks.run({ warmupSeconds: 3, runs: 5, secondsPerRun: 6, connections: 16 })
 * ```
 *
 * @since 0.1.0
 */
import { VonageSignature } from "@switchboard/auth"
import autocannon from "autocannon"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Markdown from "../Markdown.js"
import { repoRoot } from "../Paths.js"
import * as Processes from "../Processes.js"
import * as Stats from "../Stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly warmupSeconds: number
  readonly runs: number
  readonly secondsPerRun: number
  readonly connections: number
  readonly log?: (line: string) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Run {
  readonly throughput: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  readonly non2xx: number
  readonly errors: number
  readonly serverCpuMs: number | undefined
  readonly rssBytes: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Cell {
  readonly label: string
  readonly runs: ReadonlyArray<Run>
  readonly throughput: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  readonly serverCpuUsPerRequest: number
  readonly rssMiB: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly cells: ReadonlyArray<Cell>
  readonly notes: ReadonlyArray<string>
  readonly ratios: ReadonlyArray<string>
  readonly commands: ReadonlyArray<string>
  readonly elapsedMs: number
}

/**
 * The signing secret both servers are given (the bare one ignores it).
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureSecret = "bench-webhook-signature-secret"

let sequence = 0

/**
 * A signed delivery receipt with a fresh message id, as the simulator sends them (POST-JSON).
 *
 * @since 0.1.0
 * @category requests
 */
export const signedReceipt = (): string => {
  const n = ++sequence
  const params = {
    msisdn: "31612345678",
    to: "Acme",
    "network-code": "20408",
    messageId: `bench-${process.pid}-${n}`,
    price: "0.03330000",
    status: "delivered",
    scts: "2611220305",
    "err-code": "0",
    "api-key": "abcd1234",
    "client-ref": `bench-${process.pid}-${n}`,
    "message-timestamp": new Date().toISOString().replace("T", " ").slice(0, 19),
    nonce: `${process.pid}-${n}`
  }
  return JSON.stringify(
    Effect.runSync(
      VonageSignature.sign({ params, secret: Redacted.make(signatureSecret), algorithm: "sha256" })
    )
  )
}

const load = (url: string, options: Options): Promise<autocannon.Result> =>
  new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.secondsPerRun,
        requests: [{
          method: "POST",
          headers: { "content-type": "application/json" },
          setupRequest: (request) => ({ ...request, body: signedReceipt() })
        }]
      },
      (error, result) => (error ? reject(error) : resolve(result))
    )
    instance.on("error", () => {})
  })

interface Server {
  readonly label: string
  readonly url: string
  readonly pid: number
  readonly stop: () => Promise<void>
}

const startBare = async (): Promise<Server> => {
  const worker = await Processes.startWorker("bare")
  const { url } = await worker.call<{ url: string }>("listen")
  return { label: "bare `node:http` + `JSON.parse` (the limit)", url, pid: worker.pid, stop: () => worker.stop() }
}

/**
 * The sample app's command, relative to the repository root.
 *
 * @since 0.1.0
 * @category constants
 */
export const sampleCommand = "node --import tsx src/bin/server.ts   # in apps/sample, as `pnpm start` runs it"

/**
 * Why the sample app cannot be measured, or `undefined` when it can (its server entry point exists).
 *
 * @since 0.1.0
 * @category checking
 */
export const sampleMissing = (): string | undefined => {
  const entry = path.join(repoRoot, "apps", "sample", "src", "bin", "server.ts")
  return fs.existsSync(entry) ? undefined : "the sample app (apps/sample) has no server entry point (src/bin/server.ts) yet."
}

const startSample = async (): Promise<Server> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-sample-"))
  const cwd = path.join(repoRoot, "apps", "sample")
  const child = childProcess.spawn(process.execPath, ["--import", "tsx", "src/bin/server.ts"], {
    cwd,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_PROVIDERS: "simulator",
      VONAGE_SIGNATURE_SECRET: signatureSecret,
      VONAGE_SIGNATURE_METHOD: "sha256",
      SWITCHBOARD_SIMULATOR_SECRET: signatureSecret,
      NO_COLOR: "1"
    },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sample app did not start within 180 s: ${output.slice(-2000)}`)), 180_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const match = /running on (http:\/\/[^\s]+)/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the sample app exited (${code}) before it started: ${output.slice(-2000)}`))
    })
  })
  return {
    label: "sample app: verify signature, parse, persist (SQLite)",
    url: `${url}/webhooks/vonage/sms/dlr`,
    pid: child.pid!,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000)
        child.once("exit", () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill("SIGTERM")
      })
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/**
 * Runs the suite.
 *
 * @since 0.1.0
 * @category running
 */
export const run = async (options: Options): Promise<Result> => {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const servers: Array<Server> = []
  try {
    servers.push(await startSample())
    servers.push(await startBare())
    // a first request must succeed, or every figure would be an error rate
    for (const server of servers) {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: signedReceipt()
      })
      if (response.status < 200 || response.status >= 300) {
        throw new Error(`${server.label} refused a signed receipt: HTTP ${response.status} ${await response.text()}`)
      }
    }
    if (options.warmupSeconds > 0) {
      for (const server of servers) await load(server.url, { ...options, secondsPerRun: options.warmupSeconds })
    }
    const runs = servers.map((): Array<Run> => [])
    for (let round = 0; round < options.runs; round++) {
      for (let k = 0; k < servers.length; k++) {
        const i = (k + round) % servers.length
        const server = servers[i]!
        const cpuBefore = Processes.cpuTimeMillis(server.pid)
        const result = await load(server.url, options)
        const cpuAfter = Processes.cpuTimeMillis(server.pid)
        const run: Run = {
          throughput: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          serverCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
          rssBytes: Processes.rssBytes(server.pid)
        }
        runs[i]!.push(run)
        log(`  webhooks run ${round + 1}/${options.runs} ${server.label}: ${run.throughput.toFixed(0)} req/s, p99 ${run.p99Ms} ms`)
      }
    }
    const cells = servers.map((server, i): Cell => {
      const list = runs[i]!
      return {
        label: server.label,
        runs: list,
        throughput: Stats.median(list.map((r) => r.throughput)),
        p50Ms: Stats.median(list.map((r) => r.p50Ms)),
        p99Ms: Stats.median(list.map((r) => r.p99Ms)),
        non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
        errors: list.reduce((sum, r) => sum + r.errors, 0),
        serverCpuUsPerRequest: Stats.median(
          list.map((r) => r.serverCpuMs === undefined || r.requests === 0 ? Number.NaN : (r.serverCpuMs * 1000) / r.requests)
        ),
        rssMiB: Stats.median(list.map((r) => (r.rssBytes ?? Number.NaN) / 2 ** 20))
      }
    })
    const [sample, bare] = cells as [Cell, Cell]
    return {
      cells,
      notes: [
        `${options.runs} runs of ${options.secondsPerRun} s per server (${options.runs * options.secondsPerRun} s of load each), alternating between the servers${options.warmupSeconds > 0 ? `, after ${options.warmupSeconds} s of warm-up each` : ""}; ${options.connections} connections. Each request is a signed JSON delivery receipt (HMAC-SHA256 \`sig\`) with a fresh message id, signed by autocannon's \`setupRequest\` in the orchestrator process.`,
        "The sample app runs in simulator mode on SQLite (a fresh data folder), with `VONAGE_SIGNATURE_SECRET` set so every receipt is verified; these receipts name messages the gateway never sent, so each is verified, parsed, recorded in the receipt index and appended to the message log, without waking a routing workflow."
      ],
      ratios: [
        `Sample app ÷ bare server: throughput ${Markdown.ratio(Stats.ratio(sample.throughput, bare.throughput))}, p99 ${
          Markdown.ratio(Stats.ratio(sample.p99Ms, bare.p99Ms))
        }, server CPU per request ${Markdown.ratio(Stats.ratio(sample.serverCpuUsPerRequest, bare.serverCpuUsPerRequest))}.`
      ],
      commands: [
        `${sampleCommand}`,
        "node bench/node_modules/.cache/switchboard-bench/bare.mjs   # the bare node:http server (bench/src/workers/bare.ts)",
        `autocannon (programmatic, in the orchestrator): ${options.connections} connections, ${options.secondsPerRun} s a run, POST signed JSON DLRs`
      ],
      elapsedMs: performance.now() - started
    }
  } finally {
    for (const server of servers) await server.stop()
  }
}
