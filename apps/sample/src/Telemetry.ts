/**
 * Traces and metrics export: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, every span (`Gateway.send`,
 * `Router.submit`, `Channel.send`, `Webhooks.*`, `Routing.fallback`, the HTTP server and client spans) and every
 * metric is exported over OTLP/HTTP (JSON) through `@effect/opentelemetry`; without it, nothing is exported
 * and metrics stay available at `GET /metrics`. Span attributes carry ids, channels and states — never a
 * credential (the HTTP spans redact `Authorization` and friends).
 *
 * @example
 * ```ts
 * import { Telemetry } from "@switchboard/sample/Telemetry"
 * import { Layer } from "effect"
 *
 * // OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 pnpm start
 * const Traced = (app: Layer.Layer<never>) => app.pipe(Layer.provide(Telemetry.layer))
 * ```
 *
 * @since 0.1.0
 */
import * as Otlp from "@effect/opentelemetry/Otlp"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as AppConfig from "./AppConfig.js"

/**
 * The exporter when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else nothing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<never> = Layer.unwrapEffect(
  Effect.map(Effect.orElseSucceed(AppConfig.config, () => undefined), (config) =>
    config === undefined || Option.isNone(config.otlpEndpoint)
      ? Layer.empty
      : Otlp.layerJson({
        baseUrl: config.otlpEndpoint.value,
        resource: { serviceName: config.serviceName, serviceVersion: "0.1.0" }
      }).pipe(Layer.provide(NodeHttpClient.layerUndici)))
)
