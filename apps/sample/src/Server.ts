/**
 * The whole gateway as one layer: reads the configuration, starts listening, starts the embedded simulator
 * (simulator mode) with its webhooks pointing back here, opens storage, builds the channels and the router,
 * loads the routes and serves the API, webhooks and dashboard. `Running` says where it listens.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Server } from "@switchboard/sample/Server"
 * import { Layer } from "effect"
 *
 * Layer.launch(Server.layer).pipe(NodeRuntime.runMain)
 * ```
 *
 * @since 0.1.0
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as MessageLog from "@switchboard/router/MessageLog"
import * as Router from "@switchboard/router/Router"
import type * as Simulator from "@switchboard/simulator/Simulator"
import { ConversationWindow } from "@switchboard/whatsapp"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as NodeHttp from "node:http"
import * as AppConfig from "./AppConfig.js"
import * as Gateway from "./Gateway.js"
import * as Http from "./Http.js"
import * as LiveLog from "./LiveLog.js"
import * as Providers from "./Providers.js"
import * as Routes from "./Routes.js"
import * as Simulated from "./Simulated.js"
import * as Storage from "./Storage.js"
import * as Telemetry from "./Telemetry.js"

/**
 * The gateway could not start; `message` says why.
 *
 * @since 0.1.0
 * @category errors
 */
export class StartError extends Schema.TaggedError<StartError>("@switchboard/sample/Server/StartError")("StartError", {
  message: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Info {
  /** Where the gateway listens (`http://127.0.0.1:3000`). */
  readonly url: string
  /** Where providers send webhooks. */
  readonly publicUrl: string
  readonly mode: "simulator" | "live"
  /** The embedded simulator, in simulator mode. */
  readonly simulator?: Simulator.Service | undefined
  readonly gateway: Gateway.Service
  readonly storage: string
  readonly channels: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Running extends Context.Tag("@switchboard/sample/Server/Running")<Running, Info>() {}

const describe = (error: unknown): string =>
  error !== null && typeof error === "object" && "message" in error && typeof error.message === "string"
    ? error.message
    : String(error)

const fail = (what: string) => (error: unknown) => new StartError({ message: `${what}: ${describe(error)}` })

// KPN_BASE_URL points every KPN path at one server unless a more specific variable says otherwise
const derivedDefaults = (publicUrl: string) =>
  Effect.gen(function*() {
    const current = yield* Effect.configProviderWith(Effect.succeed)
    const kpnBase = yield* Effect.option(current.load(AppConfig.kpnBaseUrl))
    const defaults = new Map<string, string>([["KPN_SMS_WEBHOOK_URL", `${publicUrl}${Providers.webhookPaths.kpnSmsDlr}`]])
    if (kpnBase._tag === "Some") {
      const base = kpnBase.value.replace(/\/+$/, "")
      defaults.set("KPN_TOKEN_URL", `${base}/oauth/client_credential/accesstoken`)
      defaults.set("KPN_NEXMO_SMS_BASE_URL", `${base}/communication/nexmo/sms`)
      defaults.set("KPN_NEXMO_NUMBERS_BASE_URL", `${base}/communication/nexmo/phone-numbers`)
    }
    return { current, defaults }
  })

// Node's HTTP server with a hook in front of the platform's request handler: `Http.webhookListener` takes the
// provider webhooks once the gateway is ready; everything else (and webhooks before then) goes to the HttpApi.
class GatewayHttpServer extends NodeHttp.Server {
  fast: ((request: NodeHttp.IncomingMessage, response: NodeHttp.ServerResponse) => boolean) | undefined
  override emit(event: string | symbol, ...args: Array<any>): boolean {
    if (event === "request" && this.fast !== undefined && this.fast(args[0], args[1])) return true
    return super.emit(event as string, ...args)
  }
}

const start = Effect.gen(function*() {
  const config = yield* Effect.mapError(AppConfig.config, fail("configuration"))
  const nodeServer = new GatewayHttpServer()
  const server = yield* Layer.build(NodeHttpServer.layer(() => nodeServer, { port: config.port, host: config.host })).pipe(
    Effect.mapError(fail(`cannot listen on ${config.host}:${config.port}`))
  )
  // runs before the server closes: open connections (a dashboard's event stream, a client's keep-alive) must not
  // keep shutdown waiting
  yield* Effect.addFinalizer(() => Effect.sync(() => nodeServer.closeAllConnections()))
  const address = Context.get(server, HttpServer.HttpServer).address
  const port = address._tag === "TcpAddress" ? address.port : config.port
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`
  const publicUrl = AppConfig.publicUrl(config, port)
  const http = yield* Layer.build(NodeHttpClient.layerUndici)

  const embedded = config.providers === "simulator"
    ? yield* Simulated.start({
      port: config.simulatorPort,
      scenarioFile: config.simulatorScenario,
      publicUrl,
      signingSecret: Option.getOrUndefined(config.simulatorSecret)
    }).pipe(
      Effect.provide(http),
      Effect.mapError(fail("the embedded simulator"))
    )
    : undefined
  const { current, defaults } = yield* derivedDefaults(publicUrl)
  for (const [key, value] of embedded?.defaults ?? []) defaults.set(key, value)
  const provider = ConfigProvider.fromMap(new Map(embedded?.forced ?? [])).pipe(
    ConfigProvider.orElse(() => current),
    ConfigProvider.orElse(() => ConfigProvider.fromMap(defaults))
  )

  const storageOptions = {
    dataDir: config.dataDir,
    synchronous: config.sqliteSynchronous,
    databaseUrl: config.databaseUrl,
    runnerAddress: config.runnerAddress,
    runnerListen: config.runnerListen
  }
  const storage = yield* Layer.build(Storage.layer(storageOptions)).pipe(Effect.mapError(fail("storage")))
  const providers = yield* Providers.make({ publicUrl }).pipe(
    Effect.withConfigProvider(provider),
    Effect.provide(Context.merge(storage, http))
  )
  for (const warning of providers.warnings) yield* Effect.logWarning(warning)
  for (const { channel, reason } of providers.missing) {
    yield* Effect.logWarning(`channel ${channel} is not configured: ${reason}`)
  }

  const live = yield* LiveLog.makeLiveUpdates
  const log = LiveLog.decorate(Context.get(storage, MessageLog.MessageLog), live)
  const routerContext = yield* Layer.build(
    Router.layer({ channels: providers.channels }).pipe(
      Layer.provide(Layer.succeedContext(Context.add(storage, MessageLog.MessageLog, log)))
    )
  )
  const router = Context.get(routerContext, Router.Router)
  const routes = yield* Effect.mapError(Routes.load(config.routesFile), fail("routes"))
  if (!routes.has(config.defaultRoute)) {
    return yield* new StartError({
      message: `the default route "${config.defaultRoute}" is not in ${config.routesFile} (it has ${[...routes.keys()].join(", ")})`
    })
  }
  for (const route of routes.values()) {
    yield* router.validate(route).pipe(
      Effect.catchAll((error) => Effect.logWarning(`route "${route.name}" cannot be used: ${error.message}`))
    )
  }
  const gateway = Gateway.make({
    router,
    log,
    window: Context.get(storage, ConversationWindow.ConversationWindow),
    routes,
    defaultRoute: config.defaultRoute,
    providers,
    maxBodyBytes: config.maxBodyBytes,
    mode: config.providers,
    storage: Storage.describe(storageOptions),
    publicUrl,
    simulatorUrl: embedded?.simulator.baseUrl
  })
  yield* Effect.forkScoped(LiveLog.poll(log, live))
  yield* Layer.build(
    Http.layer({ maxBodyBytes: config.maxBodyBytes }).pipe(
      Layer.provide(Layer.succeedContext(
        server.pipe(Context.add(Gateway.Gateway, gateway), Context.add(LiveLog.LiveUpdates, live))
      ))
    )
  )
  nodeServer.fast = Http.webhookListener({ gateway, maxBodyBytes: config.maxBodyBytes, runtime: yield* Effect.runtime<never>() })
  return {
    url,
    publicUrl,
    mode: config.providers,
    simulator: embedded?.simulator,
    gateway,
    storage: Storage.describe(storageOptions),
    channels: providers.channels.map((c) => c.id)
  } satisfies Info
})

/**
 * The gateway, running for as long as the layer lives, with OTLP export when configured.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Running, StartError> = Layer.scoped(Running, start).pipe(Layer.provide(Telemetry.layer))

/**
 * Where to open the dashboard, and what runs: the lines `pnpm start` prints.
 *
 * @since 0.1.0
 * @category getters
 */
export const banner = (info: Info): string =>
  [
    `Switchboard is running on ${info.url}`,
    ``,
    `  dashboard     ${info.url}/`,
    `  API docs      ${info.url}/docs   (OpenAPI: ${info.url}/openapi.json)`,
    `  metrics       ${info.url}/metrics`,
    `  providers     ${info.mode === "simulator" ? `embedded simulator at ${info.simulator?.baseUrl}` : "live"}`,
    `  channels      ${info.channels.join(", ") || "none"}`,
    `  storage       ${info.storage}`,
    ``,
    `Send a message:  pnpm switchboard send --to +31612345678 --text "Hello"`,
    `Stop with Ctrl+C.`
  ].join("\n")
