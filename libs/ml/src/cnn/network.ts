import type { TensorRef } from '@calcscope/onnx';
import { CNN_CLASSES, type CnnPlan, HEAD } from './architecture';
import { type CnnGraphContext, convBn, dense, globalAvgPool, pool2d, residualBlock } from './layers';

/** The tensors of one forward pass. */
export interface CnnForward {
  /** Final feature maps `[N, C, h, w]` (input of the global average pool; the CAM is computed from them). */
  readonly features: TensorRef;
  /** Global-average-pooled features `[N, C]`. */
  readonly embedding: TensorRef;
  /** Class logits `[N, 2]`. */
  readonly logits: TensorRef;
}

/**
 * The ResNet forward pass: stem conv-BN-ReLU, optional pool, residual blocks, global average pool, dense.
 *
 * @param ctx - Graph context (mode and parameter sources).
 * @param plan - Unrolled architecture.
 * @param roi - Input `[N, 1, H, W]`.
 * @param embeddingName - Name of the embedding tensor (optional).
 * @returns Feature maps, embedding and logits.
 */
export function cnnForward(
  ctx: CnnGraphContext,
  plan: CnnPlan,
  roi: TensorRef,
  embeddingName?: string,
): CnnForward {
  let x = convBn(ctx, roi, plan.stem);
  if (plan.pool) x = pool2d(ctx, x, plan.pool);
  for (const block of plan.blocks) x = residualBlock(ctx, x, block);
  const embedding = globalAvgPool(ctx, x, embeddingName);
  const logits = dense(ctx, embedding, HEAD, plan.featureChannels, CNN_CLASSES);
  return { features: x, embedding, logits };
}
