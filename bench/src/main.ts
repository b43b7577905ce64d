/**
 * `pnpm bench`: runs every benchmark and writes BENCHMARKS.md at the repository root.
 *
 * ```sh
 * pnpm bench                                  # everything, full sizes (about an hour on 2 cores)
 * pnpm bench -- --only sms,whatsapp           # some of them: sms, whatsapp, kpn, webhooks, routing, profile
 * pnpm bench -- --smoke --out /tmp/smoke.md   # tiny sizes, to check that everything still runs
 * ```
 *
 * @example
 * ```ts
 * import * as Main from "./main.js"
 *
 * await Main.main({ preset: "smoke", out: "/tmp/BENCHMARKS.md" })
 * ```
 *
 * @since 0.1.0
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import * as Bundle from "./Bundle.js"
import * as Machine from "./Machine.js"
import { repoRoot } from "./Paths.js"
import * as Presets from "./Presets.js"
import * as Report from "./Report.js"
import * as KpnToken from "./suites/KpnToken.js"
import * as Profile from "./suites/Profile.js"
import * as Routing from "./suites/Routing.js"
import * as Send from "./suites/Send.js"
import * as Webhooks from "./suites/Webhooks.js"

/**
 * The benchmarks, by name.
 *
 * @since 0.1.0
 * @category constants
 */
export const suites = ["sms", "whatsapp", "kpn", "webhooks", "routing", "profile"] as const

/**
 * @since 0.1.0
 * @category models
 */
export type Suite = (typeof suites)[number]

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly preset: "full" | "smoke"
  readonly only?: ReadonlyArray<Suite> | undefined
  /** Where to write the report; default BENCHMARKS.md at the repository root. */
  readonly out?: string | undefined
  readonly log?: ((line: string) => void) | undefined
  /** The flags as given on the command line, for the report. */
  readonly command?: string | undefined
}

/**
 * Runs the benchmarks and writes the report; returns the results and the report's path.
 *
 * @since 0.1.0
 * @category running
 */
export const main = async (options: Options): Promise<{ readonly results: Report.Results; readonly out: string }> => {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const preset = options.preset === "smoke" ? Presets.smoke : Presets.full
  const selected = new Set<Suite>(options.only ?? suites)
  const out = options.out ?? path.join(repoRoot, "BENCHMARKS.md")
  const machine = Machine.describe()
  const started = performance.now()
  log(
    `switchboard bench (${preset.name}): ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${
      machine.loadAverage.map((l) => l.toFixed(2)).join(" ")
    }`
  )
  if (Machine.isBusy(machine)) {
    log(`  the machine is busy (load ${machine.loadAverage[0].toFixed(1)} > ${machine.cores} cores): figures will say so`)
  }
  // build the worker bundles once, up front
  await Promise.all(["client", "router", "bare"].map((name) => Bundle.worker(name)))

  const { privateKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" }
  })
  const failures: Array<{ suite: string; error: string }> = []
  const attempt = async <A>(suite: Suite, run: () => Promise<A>): Promise<A | undefined> => {
    if (!selected.has(suite)) return undefined
    const t0 = performance.now()
    log(`${suite}…`)
    try {
      const result = await run()
      log(`${suite} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
      return result
    } catch (error) {
      const message = error instanceof Error ? error.stack ?? error.message : String(error)
      log(`${suite} FAILED: ${message}`)
      failures.push({ suite, error: message })
      return undefined
    }
  }

  // The report is written after every benchmark, so a long run that is stopped keeps what it measured.
  const partial: { -readonly [K in keyof Report.Results]?: Report.Results[K] } = {}
  const write = () => {
    const results: Report.Results = {
      machine,
      loadAtEnd: Machine.loadAverage(),
      preset: preset.name,
      command: options.command ?? "",
      sizes: Presets.describe(preset),
      elapsedMs: performance.now() - started,
      ...partial,
      failures
    }
    fs.writeFileSync(out, Report.render(results))
    return results
  }
  const step = async <K extends "sms" | "whatsapp" | "kpn" | "webhooks" | "routing" | "profile">(
    key: K,
    run: () => Promise<Report.Results[K]>
  ): Promise<Report.Results[K]> => {
    const result = await run()
    partial[key] = result
    write()
    return result
  }

  const sendOptions = {
    concurrencies: preset.send.concurrencies,
    runs: preset.send.runs,
    warmup: preset.send.warmup,
    count: (_concurrency: number, slowest: number) => Presets.sendCount(preset.send, slowest),
    workers: preset.send.workers,
    privateKey,
    log
  }
  await step("sms", () => attempt("sms", () =>
    Send.run({
      ...sendOptions,
      title: "SMS",
      contenders: ["sms/switchboard-client", "sms/switchboard-channel", "sms/vonage-sdk", "sms/raw-undici"]
    })))
  await step("whatsapp", () => attempt("whatsapp", () =>
    Send.run({
      ...sendOptions,
      title: "WhatsApp",
      contenders: [
        "whatsapp/switchboard-basic",
        "whatsapp/switchboard-jwt",
        "whatsapp/vonage-sdk-jwt",
        "whatsapp/raw-undici"
      ]
    })))
  await step("kpn", () => attempt("kpn", () =>
    KpnToken.run({
      count: (slowest) => Presets.kpnCount(preset.kpn, KpnToken.defaultContenders.length, slowest),
      runs: preset.kpn.runs,
      warmup: preset.kpn.warmup,
      connections: preset.kpn.connections,
      workers: preset.kpn.workers,
      log
    })))
  const webhooksMissing = selected.has("webhooks") ? Webhooks.sampleMissing() : undefined
  partial.webhooksMissing = webhooksMissing
  if (webhooksMissing === undefined) {
    await step("webhooks", () => attempt("webhooks", () => Webhooks.run({ ...preset.webhooks, log })))
  } else {
    log(`webhooks skipped: ${webhooksMissing}`)
  }
  await step("routing", () => attempt("routing", () =>
    Routing.run({
      sizes: preset.routing.sizes,
      runsAtSmallest: preset.routing.runsAtSmallest,
      waiting: preset.routing.waiting,
      concurrency: preset.routing.concurrency,
      budgetMs: preset.routing.budgetSeconds * 1000,
      separateWaitingWorker: preset.routing.separateWaitingWorker,
      log
    })))
  await step("profile", () => attempt("profile", () => Profile.run({ ...preset.profile, log })))

  const results = write()
  log(`wrote ${out} in ${((performance.now() - started) / 60_000).toFixed(1)} min`)
  return { results, out }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)

if (isMain) {
  const args = process.argv.slice(2).filter((arg) => arg !== "--")
  const { values } = parseArgs({
    args,
    options: {
      smoke: { type: "boolean" },
      only: { type: "string" },
      out: { type: "string" }
    }
  })
  const only = values.only?.split(",").map((s) => s.trim()).filter((s) => s !== "")
  const unknown = only?.filter((name) => !(suites as ReadonlyArray<string>).includes(name)) ?? []
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(", ")}; known: ${suites.join(", ")}\n`)
    process.exit(2)
  }
  main({
    preset: values.smoke === true ? "smoke" : "full",
    only: only as ReadonlyArray<Suite> | undefined,
    out: values.out === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
    command: args.join(" ")
  }).then(
    ({ results }) => {
      process.exitCode = results.failures.length > 0 ? 1 : 0
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
      process.exitCode = 1
    }
  )
}
