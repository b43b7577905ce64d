/**
 * Engines: what runs the router's workflows and keeps its log. Pick one by layer.
 *
 * @since 0.1.0
 */
import { layerMemory as workflowEngineMemory } from "@effect/workflow/WorkflowEngine"
import type { WorkflowEngine } from "@effect/workflow/WorkflowEngine"
import * as Layer from "effect/Layer"
import * as MessageLog from "./MessageLog.js"
import * as ReceiptIndex from "./ReceiptIndex.js"

/**
 * Everything in memory: for tests and demos. Nothing survives the process.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<WorkflowEngine | MessageLog.MessageLog | ReceiptIndex.ReceiptIndex> = Layer
  .mergeAll(workflowEngineMemory, MessageLog.layerMemory, ReceiptIndex.layerMemory)
