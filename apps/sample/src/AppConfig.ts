/**
 * The gateway's own configuration, read from the environment with `Config` (the adapters read theirs —
 * credentials, senders, base URLs — through their own `layerConfig`, see the README's table).
 *
 * @example
 * ```ts
 * import { AppConfig } from "@switchboard/sample/AppConfig"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const config = yield* AppConfig.config
 *   return `listening on ${config.port}, providers: ${config.providers}`
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The app's folder (where `routes.json`, `scenario.json` and `static/` live).
 *
 * @since 0.1.0
 * @category constants
 */
export const appDir: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * The folder the user ran the command from: `INIT_CWD`, which pnpm (and npm) set to it before running a
 * script in a package's folder, else the process's working directory. `pnpm start` at the repository root
 * runs the app in `apps/sample`, but `SWITCHBOARD_DATA_DIR=./data` there means the root's `./data`.
 *
 * @since 0.1.0
 * @category getters
 */
export const invocationDir = (env: Readonly<Record<string, string | undefined>> = process.env): string => {
  const initCwd = env.INIT_CWD
  return initCwd !== undefined && initCwd.length > 0 && path.isAbsolute(initCwd) ? initCwd : process.cwd()
}

/**
 * A path from the configuration, made absolute against `invocationDir` when it is relative.
 *
 * @since 0.1.0
 * @category getters
 */
export const resolvePath = (value: string, env?: Readonly<Record<string, string | undefined>>): string =>
  path.resolve(invocationDir(env), value)

const pathConfig = (name: string, fallback: string): Config.Config<string> =>
  Config.string(name).pipe(Config.withDefault(fallback), Config.map((value) => resolvePath(value)))

/**
 * `SWITCHBOARD_DATA_DIR`, absolute: relative paths (the default `.switchboard` too) are resolved against the
 * folder the command was run from (`invocationDir`).
 *
 * @since 0.1.0
 * @category config
 */
export const dataDir: Config.Config<string> = pathConfig("SWITCHBOARD_DATA_DIR", ".switchboard")

/**
 * @since 0.1.0
 * @category models
 */
export interface RunnerAddress {
  readonly host: string
  readonly port: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface AppConfig {
  /** `PORT`: the HTTP port (default 3000; 0 picks a free one). */
  readonly port: number
  /** `HOST`: the interface to listen on (default `127.0.0.1`; `0.0.0.0` in a container). */
  readonly host: string
  /** `SWITCHBOARD_PUBLIC_URL`: where providers reach this app's webhooks (default `http://<host>:<port>`). */
  readonly publicUrl: Option.Option<string>
  /** `SWITCHBOARD_PROVIDERS`: `simulator` (default) or `live`. */
  readonly providers: "simulator" | "live"
  /**
   * `SWITCHBOARD_DATA_DIR`: where the SQLite database lives, absolute (default `./.switchboard` in the folder the
   * command was run from: the repository root under `pnpm start` there).
   */
  readonly dataDir: string
  /**
   * `SWITCHBOARD_SQLITE_SYNCHRONOUS`: `normal` (default: a committed write survives the process dying, the last
   * commits may not survive a power cut) or `full` (every commit waits for the disk). See `Storage`.
   */
  readonly sqliteSynchronous: "full" | "normal"
  /** `DATABASE_URL`: a `postgres://…` URL switches storage to PostgreSQL. */
  readonly databaseUrl: Option.Option<Redacted.Redacted>
  /** `SWITCHBOARD_RUNNER_ADDRESS`: `host:port` other runners reach this one at (with `DATABASE_URL`). */
  readonly runnerAddress: Option.Option<RunnerAddress>
  /** `SWITCHBOARD_RUNNER_LISTEN`: `host:port` to listen on for runners, when it differs. */
  readonly runnerListen: Option.Option<RunnerAddress>
  /** `SWITCHBOARD_ROUTES`: the routes file, absolute (default the app's `routes.json`). */
  readonly routesFile: string
  /** `SWITCHBOARD_DEFAULT_ROUTE`: the route a message without one takes (default `default`). */
  readonly defaultRoute: string
  /** `SWITCHBOARD_MAX_BODY_BYTES`: the largest request body accepted (default 65536). */
  readonly maxBodyBytes: number
  /** `SWITCHBOARD_SIMULATOR_PORT`: the embedded simulator's port (default 0, a free one). */
  readonly simulatorPort: number
  /** `SWITCHBOARD_SIMULATOR_SCENARIO`: the embedded simulator's scenario file, absolute (default the app's `scenario.json`). */
  readonly simulatorScenario: string
  /** `SWITCHBOARD_SIMULATOR_SECRET`: the embedded simulator's webhook signing secret (default: random). */
  readonly simulatorSecret: Option.Option<Redacted.Redacted>
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: export traces and metrics over OTLP/HTTP there. */
  readonly otlpEndpoint: Option.Option<string>
  /** `OTEL_SERVICE_NAME`: the service name in traces (default `switchboard`). */
  readonly serviceName: string
}

const address = (name: string): Config.Config<RunnerAddress> =>
  Config.string(name).pipe(
    Config.mapOrFail((value) => {
      const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value.trim())
      const port = match === null ? NaN : Number(match[2])
      return match !== null && port > 0 && port < 65536
        ? Either.right({ host: match[1]!, port })
        : Either.left(ConfigError.InvalidData([name], `${name} must be host:port, such as 10.0.0.5:34431`))
    })
  )

const port = (name: string): Config.Config<number> =>
  Config.integer(name).pipe(
    Config.validate({ message: `${name} must be a port number from 0 (any free port) to 65535`, validation: (n) => n >= 0 && n <= 65535 })
  )

const url = (name: string): Config.Config<string> =>
  Config.string(name).pipe(
    Config.validate({
      message: `${name} must be an absolute http(s) URL`,
      validation: (value) => /^https?:\/\/\S+$/i.test(value.trim())
    }),
    Config.map((value) => value.trim().replace(/\/+$/, ""))
  )

/**
 * The configuration, from the current `ConfigProvider` (the environment).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<AppConfig> = Config.all({
  port: port("PORT").pipe(Config.withDefault(3000)),
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  publicUrl: Config.option(url("SWITCHBOARD_PUBLIC_URL")),
  providers: Config.literal("simulator", "live")("SWITCHBOARD_PROVIDERS").pipe(Config.withDefault("simulator" as const)),
  dataDir,
  sqliteSynchronous: Config.literal("normal", "full")("SWITCHBOARD_SQLITE_SYNCHRONOUS").pipe(
    Config.withDefault("normal" as const)
  ),
  databaseUrl: Config.option(
    Config.redacted("DATABASE_URL").pipe(
      Config.validate({
        message: "DATABASE_URL must be a postgres:// or postgresql:// URL",
        validation: (value) => /^postgres(?:ql)?:\/\//i.test(Redacted.value(value))
      })
    )
  ),
  runnerAddress: Config.option(address("SWITCHBOARD_RUNNER_ADDRESS")),
  runnerListen: Config.option(address("SWITCHBOARD_RUNNER_LISTEN")),
  routesFile: pathConfig("SWITCHBOARD_ROUTES", path.join(appDir, "routes.json")),
  defaultRoute: Config.string("SWITCHBOARD_DEFAULT_ROUTE").pipe(Config.withDefault("default")),
  maxBodyBytes: Config.integer("SWITCHBOARD_MAX_BODY_BYTES").pipe(
    Config.validate({ message: "SWITCHBOARD_MAX_BODY_BYTES must be positive", validation: (n) => n > 0 }),
    Config.withDefault(64 * 1024)
  ),
  simulatorPort: port("SWITCHBOARD_SIMULATOR_PORT").pipe(Config.withDefault(0)),
  simulatorScenario: pathConfig("SWITCHBOARD_SIMULATOR_SCENARIO", path.join(appDir, "scenario.json")),
  simulatorSecret: Config.option(Config.redacted("SWITCHBOARD_SIMULATOR_SECRET")),
  otlpEndpoint: Config.option(url("OTEL_EXPORTER_OTLP_ENDPOINT")),
  serviceName: Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault("switchboard"))
})

/**
 * The app's configuration as a service, so tests can provide their own.
 *
 * @since 0.1.0
 * @category tags
 */
export class AppConfigService extends Context.Tag("@switchboard/sample/AppConfig")<AppConfigService, AppConfig>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<AppConfigService, ConfigError.ConfigError> = Layer.effect(AppConfigService, config)

/**
 * The URL providers send webhooks to, for a server listening on `port`.
 *
 * @since 0.1.0
 * @category getters
 */
export const publicUrl = (config: AppConfig, port: number): string =>
  Option.getOrElse(config.publicUrl, () => `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`)

/**
 * `KPN_BASE_URL`, read here only to derive the other KPN URLs from it.
 *
 * @since 0.1.0
 * @category config
 */
export const kpnBaseUrl: Config.Config<string> = Config.string("KPN_BASE_URL")
