/**
 * Renders BENCHMARKS.md from the suites' results: the machine and its load, the exact commands, a table per
 * benchmark (medians of the runs), ratios between contenders measured in the same run, and sentences that say
 * where Switchboard is slower.
 *
 * @example
 * ```ts
 * import * as Report from "./Report.js"
 *
 * const markdown = Report.render(results)
 * ```
 *
 * @since 0.1.0
 */
import * as Contenders from "./Contenders.js"
import * as Explain from "./Explain.js"
import type * as CpuProfile from "./CpuProfile.js"
import type * as Machine from "./Machine.js"
import * as Markdown from "./Markdown.js"
import * as Stats from "./Stats.js"
import type * as KpnToken from "./suites/KpnToken.js"
import type * as Profile from "./suites/Profile.js"
import type * as Routing from "./suites/Routing.js"
import * as Send from "./suites/Send.js"
import type * as Webhooks from "./suites/Webhooks.js"

/**
 * Everything a report is made from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Results {
  readonly machine: Machine.Machine
  readonly loadAtEnd: readonly [number, number, number]
  readonly preset: string
  readonly command: string
  readonly sizes: ReadonlyArray<string>
  readonly elapsedMs: number
  readonly sms?: Send.Result | undefined
  readonly whatsapp?: Send.Result | undefined
  readonly kpn?: KpnToken.Result | undefined
  readonly webhooks?: Webhooks.Result | undefined
  readonly webhooksMissing?: string | undefined
  readonly routing?: Routing.Result | undefined
  readonly profile?: Profile.Result | undefined
  readonly failures: ReadonlyArray<{ readonly suite: string; readonly error: string }>
}

const label = (name: Contenders.Name): string => {
  const [, who] = name.split("/")
  return {
    "switchboard-client": "Switchboard `VonageSmsClient`",
    "switchboard-channel": "Switchboard `VonageSmsChannel`",
    "vonage-sdk": "`@vonage/sms`",
    "raw-undici": "raw undici",
    "switchboard-basic": "Switchboard WhatsApp (Basic)",
    "switchboard-jwt": "Switchboard WhatsApp (JWT)",
    "vonage-sdk-jwt": "`@vonage/messages` (JWT)",
    switchboard: "Switchboard (`OAuthClientCredentials`)",
    "raw-shared-promise": "raw undici, shared token promise",
    "raw-no-single-flight": "raw undici, cache without single flight"
  }[who ?? ""] ?? name
}

const machineSection = (results: Results): string => {
  const { machine } = results
  const load = (l: readonly [number, number, number]) => l.map((x) => x.toFixed(2)).join(" / ")
  const busy = machine.loadAverage[0] > machine.cores || results.loadAtEnd[0] > machine.cores
  return [
    "## Machine",
    "",
    Markdown.table(["", ""], [
      ["CPU", `${machine.cpuModel}`],
      ["cores", String(machine.cores)],
      ["memory", `${machine.memoryGiB} GiB`],
      ["Node", machine.node],
      ["OS", machine.os],
      ["load average at start (1 / 5 / 15 min)", load(machine.loadAverage)],
      ["load average at end", load(results.loadAtEnd)],
      ["started", machine.at],
      ["total time", Markdown.duration(results.elapsedMs)]
    ], ["left", "left"]),
    "",
    busy
      ? `**The machine was busy**: its load average (${
        machine.loadAverage[0].toFixed(1)
      } at the start, ${
        results.loadAtEnd[0].toFixed(1)
      } at the end) was above its ${machine.cores} cores, so other work competed with the benchmark for the CPUs. Absolute figures are lower and noisier than on an idle machine; ratios between contenders measured in the same run hold better, because runs are interleaved so the load hits every contender alike.`
      : `The 1-minute load average stayed at or below the ${machine.cores} cores at the start and the end of the run.`
  ].join("\n")
}

const commandsSection = (results: Results): string => {
  const commands = [
    `pnpm bench${results.command === "" ? "" : ` -- ${results.command}`}   # at the repository root`,
    "# = pnpm --filter @switchboard/bench run bench  →  tsx src/main.ts (the orchestrator)"
  ]
  const simulator = results.sms?.simulatorCommand ?? results.whatsapp?.simulatorCommand ?? results.kpn?.simulatorCommand ??
    results.routing?.simulatorCommand
  if (simulator !== undefined) commands.push(`${simulator}   # the simulator, its own process, one per benchmark`)
  commands.push(
    "node bench/node_modules/.cache/switchboard-bench/client.mjs   # a client worker per contender (esbuild bundle of bench/src/workers/client.ts)"
  )
  if (results.routing !== undefined) {
    commands.push(
      "node --expose-gc bench/node_modules/.cache/switchboard-bench/router.mjs   # the router worker (bench/src/workers/router.ts)"
    )
  }
  if (results.webhooks !== undefined) commands.push(...results.webhooks.commands)
  if (results.profile !== undefined) commands.push(`${results.profile.command}   # the profiled client worker`)
  return [
    "## How it was run",
    "",
    "```sh",
    ...commands,
    "```",
    "",
    "Every server under load runs in a process of its own, apart from the client being measured: the simulator is `@switchboard/simulator`'s standalone CLI (bundled), and each client contender runs in its own worker process (forked with an IPC channel, which carries only \"run N messages at concurrency C\" and the results). So a client's figures — its CPU time in particular — are its own, and the simulator's work is measured separately from `/proc/<pid>/stat`. Everything talks over loopback (127.0.0.1).",
    "",
    "Each figure is the median of the runs stated with it. Runs of the contenders being compared are interleaved (run 1 of each, then run 2 of each, …, in a rotating order) after a warm-up of each, and every ratio compares figures from the same `pnpm bench` invocation.",
    "",
    "Sizes in this run:",
    "",
    ...results.sizes.map((size) => `- ${size}`)
  ].join("\n")
}

const sendTables = (result: Send.Result, reference: Contenders.Name, floor: Contenders.Name): string => {
  const ours = result.contenders.filter((name) => name.includes("switchboard"))
  const parts: Array<string> = []
  parts.push(
    "Contenders:",
    "",
    ...result.contenders.map((name) => `- **${label(name)}**: ${Contenders.descriptions[name]}`),
    ""
  )
  parts.push(
    Markdown.table(
      [
        "concurrency",
        "contender",
        "messages a run",
        "msg/s",
        "p50 ms",
        "p99 ms",
        "client CPU µs/msg",
        "simulator CPU µs/msg",
        "client RSS MiB",
        "errors"
      ],
      result.cells.map((cell) => [
        String(cell.concurrency),
        label(cell.contender),
        Markdown.number(cell.count),
        Markdown.number(cell.throughput),
        Markdown.millis(cell.p50Ms),
        Markdown.millis(cell.p99Ms),
        Markdown.number(cell.clientCpuUsPerMessage),
        Markdown.number(cell.simulatorCpuUsPerMessage),
        Markdown.number(cell.rssMiB),
        String(cell.errors)
      ])
    ),
    ""
  )
  const rows: Array<Array<string>> = []
  for (const concurrency of result.concurrencies) {
    for (const name of ours) {
      for (const other of [reference, floor]) {
        const a = Send.cell(result, name, concurrency)
        const b = Send.cell(result, other, concurrency)
        if (a === undefined || b === undefined) continue
        rows.push([
          String(concurrency),
          `${label(name)} vs ${label(other)}`,
          Markdown.ratio(Stats.ratio(a.throughput, b.throughput)),
          Markdown.ratio(Stats.ratio(a.p50Ms, b.p50Ms)),
          Markdown.ratio(Stats.ratio(a.p99Ms, b.p99Ms)),
          Markdown.ratio(Stats.ratio(a.clientCpuUsPerMessage, b.clientCpuUsPerMessage))
        ])
      }
    }
  }
  const floorCells = result.cells.filter((cell) => cell.contender === floor)
  if (floorCells.length > 0) {
    parts.push(
      `Raw undici is the limit of this setup: the simulator itself spent ${
        range(floorCells.map((c) => c.simulatorCpuUsPerMessage), (n) => `${Markdown.number(n)} µs`)
      } of CPU per message in its runs, so one simulator on one core answers at most about ${
        range(floorCells.map((c) => 1e6 / c.simulatorCpuUsPerMessage), Markdown.number)
      } messages a second, and the client and the simulator share the machine's cores.`,
      ""
    )
  }
  parts.push(
    "Ratios (ours ÷ theirs; throughput above 1 is better, latency and CPU below 1 are better):",
    "",
    Markdown.table(["concurrency", "comparison", "msg/s", "p50", "p99", "client CPU/msg"], rows),
    "",
    `${result.runs} measured runs per contender and concurrency after a warm-up of ${
      Markdown.number(result.warmup)
    } messages; the simulator's log was reset before every run and its count of accepted messages checked after it (a shortfall counts as errors). Suite time: ${
      Markdown.duration(result.elapsedMs)
    }.`
  )
  const errors = result.cells.filter((cell) => cell.errors > 0)
  if (errors.length > 0) {
    parts.push(
      "",
      "Errors:",
      "",
      ...errors.map((cell) => `- ${label(cell.contender)} at concurrency ${cell.concurrency}: ${cell.errors} (${cell.firstError ?? "the simulator accepted fewer messages than were sent"})`)
    )
  }
  return parts.join("\n")
}

/**
 * Sentences comparing Switchboard with the reference and the floor, naming where it is slower.
 *
 * @since 0.1.0
 * @category rendering
 */
export const sendFindings = (
  result: Send.Result,
  ours: Contenders.Name,
  reference: Contenders.Name,
  floor: Contenders.Name
): ReadonlyArray<string> =>
  result.concurrencies.flatMap((concurrency) => {
    const a = Send.cell(result, ours, concurrency)
    const b = Send.cell(result, reference, concurrency)
    const c = Send.cell(result, floor, concurrency)
    if (a === undefined || b === undefined || c === undefined) return []
    const throughput = Stats.ratio(a.throughput, b.throughput)
    const cpu = Stats.ratio(a.clientCpuUsPerMessage, b.clientCpuUsPerMessage)
    const p99 = Stats.ratio(a.p99Ms, b.p99Ms)
    const verdict = throughput >= 1.05
      ? "faster than"
      : throughput <= 0.95
      ? "**slower than**"
      : "on par with"
    return [
      `At concurrency ${concurrency}, ${label(ours)} is ${verdict} ${label(reference)}: ${
        Markdown.ratio(throughput)
      } its throughput (${Markdown.number(a.throughput)} vs ${Markdown.number(b.throughput)} msg/s), ${
        Markdown.ratio(p99)
      } its p99, ${Markdown.ratio(cpu)} its client CPU per message (${Markdown.number(a.clientCpuUsPerMessage)} vs ${
        Markdown.number(b.clientCpuUsPerMessage)
      } µs); raw undici does ${Markdown.number(c.throughput)} msg/s at ${
        Markdown.number(c.clientCpuUsPerMessage)
      } µs, so ${label(ours)} reaches ${Markdown.ratio(Stats.ratio(a.throughput, c.throughput))} of the raw throughput and spends ${
        Markdown.ratio(Stats.ratio(a.clientCpuUsPerMessage, c.clientCpuUsPerMessage))
      } its CPU.`
    ]
  })

const kpnSection = (result: KpnToken.Result): string =>
  [
    Markdown.table(
      ["contender", "token requests in each run", "sends/s", "p50 ms", "p99 ms", "client CPU µs/send", "errors"],
      result.cells.map((cell) => [
        label(cell.contender),
        cell.tokenRequests.map((n) => Markdown.number(n)).join(", "),
        Markdown.number(cell.throughput),
        Markdown.millis(cell.p50Ms),
        Markdown.millis(cell.p99Ms),
        Markdown.number(cell.clientCpuUsPerMessage),
        String(cell.errors)
      ]),
      ["left", "left", "right", "right", "right", "right", "right"]
    ),
    "",
    ...result.cells.map((cell) => `- **${label(cell.contender)}**: ${Contenders.descriptions[cell.contender]}`),
    "",
    `${Markdown.number(result.count)} sends started at once in each run, from a cold token cache (a new client per run); each client sends through a pool of ${result.connections} connections, so the sends queue in the client. Token requests are counted by the simulator (\`/_admin/counters\`, \`byApi["kpn-oauth"]\`). ${result.runs} runs per contender; latency is from the start of a send (including the wait for the token and for a free connection) to its decoded answer. Suite time: ${
      Markdown.duration(result.elapsedMs)
    }.`,
    ...(() => {
      const ours = result.cells.find((c) => c.contender === "kpn/switchboard")
      const naive = result.cells.find((c) => c.contender === "kpn/raw-no-single-flight")
      if (ours === undefined) return []
      const one = ours.tokenRequests.every((n) => n === 1)
      return [
        "",
        one
          ? `Switchboard made exactly one token request in every run${
            naive === undefined
              ? ""
              : `; the cache without single flight made ${
                Markdown.number(Stats.median(naive.tokenRequests))
              } (median) for the same ${Markdown.number(result.count)} sends`
          }.`
          : `**Switchboard made more than one token request in a run** (${ours.tokenRequests.join(", ")}): single flight did not hold.`
      ]
    })()
  ].join("\n")

const webhooksSection = (result: Webhooks.Result): string =>
  [
    Markdown.table(
      ["server", "DLRs/s", "p50 ms", "p99 ms", "non-2xx", "errors", "server CPU µs/req", "server RSS MiB"],
      result.cells.map((cell) => [
        cell.label,
        Markdown.number(cell.throughput),
        Markdown.millis(cell.p50Ms),
        Markdown.millis(cell.p99Ms),
        Markdown.number(cell.non2xx),
        Markdown.number(cell.errors),
        Markdown.number(cell.serverCpuUsPerRequest),
        Markdown.number(cell.rssMiB)
      ]),
      ["left", "right", "right", "right", "right", "right", "right", "right"]
    ),
    "",
    ...result.notes,
    "",
    ...result.ratios
  ].join("\n")

const routingSection = (result: Routing.Result): string => {
  const parts: Array<string> = []
  parts.push(
    "End to end (submit → send → receipt webhook → outcome), one router process on SQLite (`Engine.layerSqlite`: the router's single-node engine, `SqliteClient` with its defaults — write-ahead log, `synchronous: \"full\"`, group commit):",
    "",
    Markdown.table(
      ["messages", "runs", "time", "msg/s", "router CPU ms/msg", "router RSS MiB", "database MiB", "failed"],
      result.endToEnd.map((row) => [
        Markdown.number(row.size),
        String(row.runs.length),
        Markdown.duration(row.elapsedMs),
        Markdown.number(row.throughput, 1),
        Markdown.number(row.routerCpuMsPerMessage, 1),
        Markdown.mib(row.rssBytes),
        Markdown.mib(row.databaseBytes),
        String(row.failures)
      ])
    ),
    ""
  )
  const reasons = new Map<string, number>()
  for (const row of result.endToEnd) {
    for (const run of row.runs) {
      for (const [reason, n] of Object.entries(run.failureReasons)) reasons.set(reason, (reasons.get(reason) ?? 0) + n)
    }
  }
  if (reasons.size > 0) {
    parts.push(
      "Messages not delivered, by outcome and the failed step's reason:",
      "",
      ...[...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `- ${Markdown.number(n)} × ${reason}`),
      ""
    )
  }
  const growth = result.endToEnd.slice(1).map((row, i) => {
    const previous = result.endToEnd[i]!
    return `- ${Markdown.number(previous.size)} → ${Markdown.number(row.size)} messages (${
      Markdown.ratio(row.size / previous.size)
    }): time ${Markdown.ratio(Stats.ratio(row.elapsedMs, previous.elapsedMs))}, throughput ${
      Markdown.ratio(Stats.ratio(row.throughput, previous.throughput))
    }, CPU per message ${Markdown.ratio(Stats.ratio(row.routerCpuMsPerMessage, previous.routerCpuMsPerMessage))}.`
  })
  if (growth.length > 0) parts.push("Growth:", "", ...growth, "")
  parts.push(
    `Waiting for receipts (the simulator sends none; ${
      result.waitingInOwnProcess
        ? "a router process of its own, on a fresh database"
        : "the same router process as above, so memory includes what end to end left behind"
    }), resident memory after a full garbage collection:`,
    "",
    Markdown.table(
      [
        "messages waiting",
        "RSS MiB",
        "heap used MiB",
        "external MiB",
        "open files",
        "RSS over idle, KiB/message",
        "time to submit and send the added messages"
      ],
      [
        [
          "0 (idle router)",
          Markdown.mib(result.baseline.rssBytes),
          Markdown.mib(result.baseline.heapUsedBytes),
          Markdown.mib(result.baseline.externalBytes),
          Markdown.number(result.baseline.openFiles),
          "–",
          "–"
        ],
        ...result.waiting.map((row) => [
          Markdown.number(row.waiting),
          Markdown.mib(row.rssBytes),
          Markdown.mib(row.heapUsedBytes),
          Markdown.mib(row.externalBytes),
          Markdown.number(row.openFiles),
          Markdown.number((row.rssBytes - result.baseline.rssBytes) / 1024 / row.waiting, 1),
          `${Markdown.duration(row.addedMs)} for ${Markdown.number(row.added)}`
        ])
      ]
    ),
    ""
  )
  if (result.skipped.length > 0) {
    parts.push(
      `**Not run** (they would not fit the routing budget of ${Markdown.duration(result.budgetMs)} at the throughput measured just before):`,
      "",
      ...result.skipped.map((s) =>
        `- ${s.what === "end-to-end" ? `${Markdown.number(s.size)} messages end to end` : `${Markdown.number(s.size)} messages waiting`}: projected ${
          Markdown.duration(s.projectedMs)
        }.`
      ),
      ""
    )
  }
  parts.push(
    `Submissions in flight: ${result.concurrency}. The smallest size is the median of its runs; larger sizes are one run each (time budget), all in the same router process and database, so later sizes run on a database that already holds the earlier messages. Suite time: ${
      Markdown.duration(result.elapsedMs)
    }.`
  )
  return parts.join("\n")
}

const profileSection = (result: Profile.Result): string => {
  const rows = result.rows.filter((row) => row.functionName !== "(idle)").slice(0, 10)
  return [
    `${label(result.contender)} sending ${Markdown.number(result.count)} SMS at concurrency ${result.concurrency} after a warm-up of ${
      Markdown.number(result.warmup)
    } (${Markdown.number(result.run.throughput)} msg/s, ${
      Markdown.number((result.run.cpuMs * 1000) / result.count)
    } µs of CPU per message while measured). The table counts the samples taken while those sends ran (${
      Markdown.number(result.busyMs)
    } ms of non-idle samples; the whole profile, with start-up and warm-up, has ${
      Markdown.number(result.totalBusyMs)
    } ms), shares are of that time; the simulator is another process and is not in the profile. Self time is time in the function itself, not in what it calls.`,
    "",
    Markdown.table(
      ["#", "function", "where", "self ms", "share", "what it costs"],
      rows.map((row, i) => [
        String(i + 1),
        `\`${row.functionName}\``,
        row.module === "(native)" ? "native" : `\`${row.module}:${row.line}\``,
        Markdown.number(row.selfMs),
        `${Markdown.number(row.share * 100, 1)}%`,
        Explain.row(row)
      ]),
      ["right", "left", "left", "right", "right", "left"]
    ),
    "",
    `The ten functions above are ${
      Markdown.number(rows.reduce((sum, row) => sum + row.share, 0) * 100, 0)
    }% of the time: the profile is flat. Self time of every function, by area:`,
    "",
    Markdown.table(
      ["area", "self ms", "share"],
      byArea(result.rows).map(([area, ms, share]) => [area, Markdown.number(ms), `${Markdown.number(share * 100, 1)}%`]),
      ["left", "right", "right"]
    )
  ].join("\n")
}

const byArea = (rows: ReadonlyArray<CpuProfile.Row>): ReadonlyArray<readonly [string, number, number]> => {
  const totals = new Map<string, { ms: number; share: number }>()
  for (const row of rows) {
    const key = Explain.area(row)
    const entry = totals.get(key) ?? { ms: 0, share: 0 }
    entry.ms += row.selfMs
    entry.share += row.share
    totals.set(key, entry)
  }
  return [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([area, { ms, share }]) => [area, ms, share] as const)
}

const range = (values: ReadonlyArray<number>, format: (n: number) => string): string => {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return "n/a"
  const low = Math.min(...finite)
  const high = Math.max(...finite)
  return format(low) === format(high) ? format(low) : `${format(low)}–${format(high)}`
}

/**
 * Sentences, from the figures, on where Switchboard is slower than what it is compared with.
 *
 * @since 0.1.0
 * @category rendering
 */
export const slowerFindings = (results: Results): ReadonlyArray<string> => {
  const out: Array<string> = []
  const send = (
    result: Send.Result | undefined,
    ours: ReadonlyArray<Contenders.Name>,
    reference: Contenders.Name,
    floor: Contenders.Name
  ) => {
    if (result === undefined) return
    for (const name of ours) {
      const behind = result.concurrencies.flatMap((c) => {
        const a = Send.cell(result, name, c)
        const b = Send.cell(result, reference, c)
        const r = a === undefined || b === undefined ? Number.NaN : Stats.ratio(a.throughput, b.throughput)
        return r < 0.95 ? [`${Markdown.ratio(r)} at concurrency ${c}`] : []
      })
      if (behind.length > 0) {
        out.push(`${label(name)} has lower throughput than ${label(reference)}: ${behind.join(", ")}.`)
      }
      const cpu = result.concurrencies.map((c) => {
        const a = Send.cell(result, name, c)
        const f = Send.cell(result, floor, c)
        return a === undefined || f === undefined ? Number.NaN : Stats.ratio(a.clientCpuUsPerMessage, f.clientCpuUsPerMessage)
      })
      const share = result.concurrencies.map((c) => {
        const a = Send.cell(result, name, c)
        const f = Send.cell(result, floor, c)
        return a === undefined || f === undefined ? Number.NaN : Stats.ratio(a.throughput, f.throughput)
      })
      out.push(
        `${label(name)} spends ${range(cpu, Markdown.ratio)} the client CPU per message of raw undici and reaches ${
          range(share, Markdown.ratio)
        } of its throughput (concurrency ${result.concurrencies.join(", ")}).`
      )
    }
  }
  send(results.sms, ["sms/switchboard-client", "sms/switchboard-channel"], "sms/vonage-sdk", "sms/raw-undici")
  if (results.sms !== undefined) {
    const sms = results.sms
    const extra = sms.concurrencies.map((c) => {
      const channel = Send.cell(sms, "sms/switchboard-channel", c)
      const client = Send.cell(sms, "sms/switchboard-client", c)
      return channel === undefined || client === undefined
        ? Number.NaN
        : channel.clientCpuUsPerMessage - client.clientCpuUsPerMessage
    })
    out.push(
      `The channel layer costs ${
        range(extra, (n) => `${Markdown.number(n)} µs`)
      } of CPU per SMS on top of the client: parsing the recipient, \`Message.make\`, validating against the capabilities, the retry policy, the \`Receipt\` (see the profile).`
    )
  }
  send(
    results.whatsapp,
    ["whatsapp/switchboard-basic", "whatsapp/switchboard-jwt"],
    "whatsapp/vonage-sdk-jwt",
    "whatsapp/raw-undici"
  )
  if (results.kpn !== undefined) {
    const ours = results.kpn.cells.find((c) => c.contender === "kpn/switchboard")
    const raw = results.kpn.cells.find((c) => c.contender === "kpn/raw-shared-promise")
    if (ours !== undefined && raw !== undefined) {
      out.push(
        `KPN under ${Markdown.number(results.kpn.count)} concurrent sends: Switchboard reaches ${
          Markdown.ratio(Stats.ratio(ours.throughput, raw.throughput))
        } of the throughput of raw undici with a shared token promise, at ${
          Markdown.ratio(Stats.ratio(ours.clientCpuUsPerMessage, raw.clientCpuUsPerMessage))
        } its CPU per send.`
      )
    }
  }
  if (results.webhooks !== undefined) {
    const [sample, bare] = results.webhooks.cells
    if (sample !== undefined && bare !== undefined) {
      out.push(
        `Webhook ingestion on the sample app runs at ${Markdown.ratio(Stats.ratio(sample.throughput, bare.throughput))} of the bare server's rate (${
          Markdown.number(sample.throughput)
        } vs ${Markdown.number(bare.throughput)} receipts/s) with ${
          Markdown.ratio(Stats.ratio(sample.p99Ms, bare.p99Ms))
        } its p99 and ${Markdown.ratio(Stats.ratio(sample.serverCpuUsPerRequest, bare.serverCpuUsPerRequest))} its CPU per request.`
      )
    }
  }
  if (results.routing !== undefined && results.routing.endToEnd.length > 0) {
    const first = results.routing.endToEnd[0]!
    out.push(
      `The durable router on SQLite completes ${Markdown.number(first.throughput, 1)} messages a second end to end (${
        Markdown.number(first.size)
      } messages, ${Markdown.number(first.routerCpuMsPerMessage, 1)} ms of router CPU per message)${
        results.routing.skipped.length > 0 ? ", too slow for the larger sizes to fit the time budget" : ""
      }.`
    )
  }
  return out
}

/**
 * The whole document.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (results: Results): string => {
  const sections: Array<string> = [
    "# Benchmarks",
    "",
    `Written by \`pnpm bench\` (\`bench/src/main.ts\`, preset \`${results.preset}\`) on ${results.machine.at}. Do not edit by hand: run it again.`,
    "",
    machineSection(results),
    "",
    commandsSection(results)
  ]
  const headlines: Array<string> = []
  if (results.sms !== undefined) {
    headlines.push(...sendFindings(results.sms, "sms/switchboard-client", "sms/vonage-sdk", "sms/raw-undici"))
  }
  if (results.whatsapp !== undefined) {
    headlines.push(
      ...sendFindings(results.whatsapp, "whatsapp/switchboard-jwt", "whatsapp/vonage-sdk-jwt", "whatsapp/raw-undici")
    )
  }
  if (headlines.length > 0) sections.push("", "## Summary", "", ...headlines.map((line) => `- ${line}`))
  const slower = slowerFindings(results)
  if (slower.length > 0) sections.push("", "## Where Switchboard is slower", "", ...slower.map((line) => `- ${line}`))
  if (results.sms !== undefined) {
    sections.push(
      "",
      "## 1. SMS send: throughput and latency",
      "",
      "`POST /sms/json` to one simulator on loopback.",
      "",
      sendTables(results.sms, "sms/vonage-sdk", "sms/raw-undici")
    )
  }
  if (results.whatsapp !== undefined) {
    sections.push(
      "",
      "## 2. WhatsApp text: throughput and latency",
      "",
      "`POST /v1/messages` (`channel: whatsapp`, `message_type: text`) to one simulator on loopback.",
      "",
      sendTables(results.whatsapp, "whatsapp/vonage-sdk-jwt", "whatsapp/raw-undici")
    )
  }
  if (results.kpn !== undefined) {
    sections.push("", "## 3. KPN token single flight under load", "", kpnSection(results.kpn))
  }
  if (results.webhooks !== undefined) {
    sections.push("", "## 4. Webhook ingestion on the sample app", "", webhooksSection(results.webhooks))
  } else if (results.webhooksMissing !== undefined) {
    sections.push("", "## 4. Webhook ingestion on the sample app", "", `Not measured: ${results.webhooksMissing}`)
  }
  if (results.routing !== undefined) {
    sections.push("", "## 5. Routing through the durable router on SQLite", "", routingSection(results.routing))
  }
  if (results.profile !== undefined) {
    sections.push("", "## 6. CPU profile of the send path", "", profileSection(results.profile))
  }
  if (results.failures.length > 0) {
    sections.push(
      "",
      "## Benchmarks that failed in this run",
      "",
      ...results.failures.map((f) => `- ${f.suite}: ${f.error.split("\n")[0]}`)
    )
  }
  return `${sections.join("\n")}\n`
}
