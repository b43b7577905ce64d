/**
 * The command line (`pnpm switchboard …`), built with `@effect/cli` on the API's typed client:
 *
 * ```sh
 * pnpm switchboard send --to +31612345678 --text "Hello" [--route sms] [--image URL] [--idempotency-key K] [--wait]
 * pnpm switchboard status <id>
 * pnpm switchboard list [--status failed]
 * pnpm switchboard setup
 * ```
 *
 * `--url` (or `SWITCHBOARD_URL`) says where the gateway runs (default `http://127.0.0.1:3000`).
 *
 * @example
 * ```ts
 * import { Cli } from "@switchboard/sample/Cli"
 *
 * // Cli.run(process.argv) — see src/bin/cli.ts
 * ```
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Api from "./Api.js"
import * as Setup from "./Setup.js"
import * as Simulated from "./Simulated.js"
import * as Table from "./Table.js"

const url = Options.text("url").pipe(
  Options.withDescription("Where the gateway runs"),
  Options.withFallbackConfig(Config.string("SWITCHBOARD_URL")),
  Options.withDefault("http://127.0.0.1:3000")
)

/**
 * The gateway could not be reached, or answered with an error.
 *
 * @since 0.1.0
 * @category errors
 */
export class CliError extends Error {
  override readonly name = "CliError"
}

const client = (baseUrl: string) =>
  HttpApiClient.make(Api.Api, { baseUrl: baseUrl.replace(/\/+$/, "") })

const explain = (baseUrl: string) => (error: unknown): CliError => {
  if (typeof error === "object" && error !== null && "_tag" in error) {
    switch (error._tag) {
      case "RequestError":
        return new CliError(`cannot reach the gateway at ${baseUrl}: is it running? (pnpm start)`)
      case "BadRequest":
      case "NotFound":
      case "ServiceUnavailable":
      case "PayloadTooLarge":
        return new CliError(String((error as { message?: unknown }).message))
      case "HttpApiDecodeError":
        return new CliError(`the gateway refused the request: ${String((error as { message?: unknown }).message)}`)
    }
  }
  return new CliError(error instanceof Error ? error.message : String(error))
}

/**
 * Polls a message until its routing ends (at most `timeout`).
 *
 * @since 0.1.0
 * @category helpers
 */
export const awaitOutcome = (
  api: Effect.Effect.Success<ReturnType<typeof client>>,
  id: string,
  timeout: Duration.DurationInput = Duration.minutes(3)
) =>
  Effect.suspend(() => {
    const poll = api.messages.get({ path: { id } })
    const loop = (view: Api.MessageView): Effect.Effect<Api.MessageView, Effect.Effect.Error<typeof poll>> =>
      view.status !== "pending" ? Effect.succeed(view) : Effect.flatMap(Effect.delay(poll, "250 millis"), loop)
    return Effect.flatMap(poll, loop)
  }).pipe(
    Effect.timeoutFail({ duration: timeout, onTimeout: () => new CliError(`message ${id} had no outcome after ${Duration.format(timeout)}`) })
  )

const send = Command.make(
  "send",
  {
    url,
    to: Options.text("to").pipe(Options.withDescription("The recipient's phone number, E.164 (+31612345678)")),
    text: Options.text("text").pipe(Options.withDescription("The message text (or the image caption)"), Options.optional),
    image: Options.text("image").pipe(Options.withDescription("Send this image URL instead of text"), Options.optional),
    route: Options.text("route").pipe(Options.withDescription("A route name from the routes file"), Options.optional),
    idempotencyKey: Options.text("idempotency-key").pipe(Options.withDescription("Send at most once per key"), Options.optional),
    wait: Options.boolean("wait").pipe(Options.withDescription("Wait for the outcome and print the timeline"))
  },
  (args) =>
    Effect.gen(function*() {
      const api = yield* client(args.url)
      const content: Api.ContentInput = Option.isSome(args.image)
        ? { type: "image", url: args.image.value, ...(Option.isSome(args.text) ? { caption: args.text.value } : {}) }
        : Option.isSome(args.text)
        ? { type: "text", text: args.text.value }
        : yield* Effect.fail(new CliError("give --text, or --image"))
      const accepted = yield* api.messages.send({
        headers: {},
        payload: new Api.SendRequest({
          to: args.to,
          content,
          ...(Option.isSome(args.route) ? { route: args.route.value } : {}),
          ...(Option.isSome(args.idempotencyKey) ? { idempotencyKey: args.idempotencyKey.value } : {})
        })
      })
      yield* Console.log(
        `${accepted.duplicate ? "Already sent" : "Accepted"}: ${accepted.id} (route ${accepted.route})`
      )
      if (args.wait) {
        yield* Console.log(Table.timeline(yield* awaitOutcome(api, accepted.id)))
      } else {
        yield* Console.log(`Follow it with: pnpm switchboard status ${accepted.id}`)
      }
    }).pipe(Effect.mapError(explain(args.url)))
).pipe(Command.withDescription("Send a message along a route"))

const status = Command.make(
  "status",
  { url, id: Args.text({ name: "id" }).pipe(Args.withDescription("The message id")) },
  (args) =>
    Effect.gen(function*() {
      const api = yield* client(args.url)
      yield* Console.log(Table.timeline(yield* api.messages.get({ path: { id: args.id } })))
    }).pipe(Effect.mapError(explain(args.url)))
).pipe(Command.withDescription("Show a message's outcome and timeline"))

const list = Command.make(
  "list",
  {
    url,
    status: Options.text("status").pipe(Options.withDescription("pending, read, delivered, accepted, failed (comma-separated)"), Options.optional),
    limit: Options.integer("limit").pipe(Options.withDefault(20))
  },
  (args) =>
    Effect.gen(function*() {
      const api = yield* client(args.url)
      const page = yield* api.messages.list({
        urlParams: { limit: args.limit, ...(Option.isSome(args.status) ? { status: args.status.value } : {}) }
      })
      yield* Console.log(Table.render(
        ["id", "status", "route", "channel", "accepted"],
        page.items.map((s) => [s.messageId, s.status, s.route ?? "inline", s.channel ?? "", DateTime.formatIso(s.acceptedAt)])
      ))
    }).pipe(Effect.mapError(explain(args.url)))
).pipe(Command.withDescription("List messages, newest first"))

const setup = Command.make(
  "setup",
  {
    url,
    publicUrl: Options.text("public-url").pipe(
      Options.withDescription("Where providers reach the gateway (default: what the running gateway says)"),
      Options.withFallbackConfig(Config.string("SWITCHBOARD_PUBLIC_URL")),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function*() {
      const providers = yield* Config.literal("simulator", "live")("SWITCHBOARD_PROVIDERS").pipe(Config.withDefault("simulator" as const))
      const api = yield* client(args.url)
      const health = yield* Effect.either(api.system.health())
      const publicUrl = Option.getOrElse(
        args.publicUrl,
        () => health._tag === "Right" ? health.right.publicUrl : args.url
      )
      let run = Setup.run({ publicUrl, simulator: providers === "simulator" })
      if (providers === "simulator") {
        const simulatorUrl = yield* Config.option(Config.string("SWITCHBOARD_SIMULATOR_URL"))
        const base = Option.isSome(simulatorUrl)
          ? simulatorUrl.value
          : health._tag === "Right" && health.right.simulatorUrl !== undefined
          ? health.right.simulatorUrl
          : yield* Effect.fail(new CliError(`no simulator to set up: start the gateway (pnpm start) or set SWITCHBOARD_SIMULATOR_URL`))
        const forced = Simulated.forcedConfig(base)
        // the simulator simulates KPN's number registration, so setup registers a demo number through it
        forced.set("VONAGE_SMS_MODE", "kpn")
        const current = yield* Effect.configProviderWith(Effect.succeed)
        run = run.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(forced).pipe(
          ConfigProvider.orElse(() => current),
          ConfigProvider.orElse(() => ConfigProvider.fromMap(new Map([["SWITCHBOARD_SMS_NUMBER", "3197010000000"]])))
        )))
        yield* Console.log(`Setting up the simulator at ${base} for ${publicUrl}`)
      } else {
        yield* Console.log(`Setting up the live providers for ${publicUrl}`)
      }
      const steps = yield* run
      yield* Console.log(Table.render(["step", "result", "details"], steps.map((s) => [s.what, s.result, s.detail])))
      if (steps.some((s) => s.result === "failed")) return yield* Effect.fail(new CliError("some steps failed"))
    }).pipe(Effect.mapError(explain(args.url)))
).pipe(Command.withDescription("Register the gateway's webhooks and Messages application with the providers"))

/**
 * The `switchboard` command and its subcommands.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("switchboard").pipe(
  Command.withDescription("Send messages through the Switchboard gateway and follow them"),
  Command.withSubcommands([send, status, list, setup])
)

/**
 * Runs the command line on `argv` (`process.argv`).
 *
 * @since 0.1.0
 * @category commands
 */
export const run = Command.run(command, { name: "switchboard", version: "0.1.0" })
