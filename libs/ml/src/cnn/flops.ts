import { CNN_CLASSES, type CnnPlan, convLayers } from './architecture';

/** Multiply-adds of one layer for one sample. */
export interface LayerMacs {
  readonly name: string;
  readonly macs: number;
}

/** Arithmetic of one forward pass of the net, per sample, counted from the layer shapes. */
export interface CnnFlops {
  /** Multiply-adds of every conv (h'·w'·C_out·C_in·k²) and of the dense layer (D·2), per layer. */
  readonly layers: readonly LayerMacs[];
  /** Total multiply-adds of one forward pass. */
  readonly forwardMacs: number;
  /** 2 × forwardMacs (one multiply and one add each). */
  readonly forwardFlops: number;
  /**
   * Convention for a training step: 3 × forwardFlops (forward, input gradient and weight gradient each cost
   * one forward's multiply-adds). Batch norm, ReLU, pooling, the loss and the optimizer update are not
   * counted, so "effective GFLOP/s" = trainingFlops × samples / seconds understates the work done.
   */
  readonly trainingFlops: number;
}

/**
 * Counts the multiply-adds of the conv and dense layers of a plan.
 *
 * @param plan - Unrolled architecture.
 * @returns Per-layer and total counts per sample.
 */
export function countCnnFlops(plan: CnnPlan): CnnFlops {
  const layers: LayerMacs[] = convLayers(plan).map((c) => ({
    name: c.name,
    macs: c.outputSize[0] * c.outputSize[1] * c.outChannels * c.inChannels * c.kernel * c.kernel,
  }));
  layers.push({ name: 'head', macs: plan.featureChannels * CNN_CLASSES });
  const forwardMacs = layers.reduce((s, l) => s + l.macs, 0);
  return { layers, forwardMacs, forwardFlops: 2 * forwardMacs, trainingFlops: 6 * forwardMacs };
}
