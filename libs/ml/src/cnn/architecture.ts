import { CnnError } from './errors';

/** One stage of residual blocks at one width. */
export interface CnnStage {
  /** Output channels of every block of the stage. */
  readonly width: number;
  /** Number of basic residual blocks (≥ 1). */
  readonly blocks: number;
  /** Stride of the stage's first block (1 or 2); the others use 1. */
  readonly stride: number;
}

/**
 * A small ResNet for single-channel ROIs: stem conv → BN → ReLU (→ optional pool), stages of basic
 * residual blocks (He et al. 2016: conv3×3-BN-ReLU-conv3×3-BN + shortcut, ReLU; a 1×1 strided conv + BN
 * shortcut where the shape changes), global average pooling, and a dense layer to 2 class logits.
 */
export interface CnnArchitecture {
  /** ROI height H in pixels. */
  readonly inputHeight: number;
  /** ROI width W in pixels. */
  readonly inputWidth: number;
  /** Stem output channels. */
  readonly stemWidth: number;
  /** Stem kernel size (odd; padded by ⌊k/2⌋). */
  readonly stemKernel: number;
  /** Stem stride. */
  readonly stemStride: number;
  /** Pooling after the stem: none, 3×3 stride-2 max pool (pad 1), or 2×2 stride-2 average pool. */
  readonly stemPool: 'none' | 'max' | 'average';
  /** Residual stages, input first. */
  readonly stages: readonly CnnStage[];
  /** ε of every batch normalisation. */
  readonly batchNormEpsilon: number;
}

/** Number of output classes (column 1 of `probabilities` is the positive class). */
export const CNN_CLASSES = 2;

/**
 * The reference net of the DCIS/IDC work: 64×64 single-channel ROIs, 3×3 stride-2 stem of 16 channels, four
 * stages of one basic block each at widths 16-32-64-128 (strides 1, 2, 2, 2), feature maps 4×4×128,
 * about 15.9 M multiply-adds per ROI (see `countFlops`).
 *
 * @param size - ROI side in pixels (default 64).
 * @returns The architecture.
 */
export function referenceResNet(size = 64): CnnArchitecture {
  return {
    inputHeight: size,
    inputWidth: size,
    stemWidth: 16,
    stemKernel: 3,
    stemStride: 2,
    stemPool: 'none',
    stages: [
      { width: 16, blocks: 1, stride: 1 },
      { width: 32, blocks: 1, stride: 2 },
      { width: 64, blocks: 1, stride: 2 },
      { width: 128, blocks: 1, stride: 2 },
    ],
    batchNormEpsilon: 1e-5,
  };
}

/** A convolution (no bias: every conv is followed by batch normalisation) and its BN, with its sizes. */
export interface ConvSpec {
  /** Name stem of its tensors: `<name>.weight`, `<name>.bn.scale|bias|mean|var`. */
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Square kernel side. */
  readonly kernel: number;
  readonly stride: number;
  /** Zero padding on every side. */
  readonly pad: number;
  /** Input [height, width]. */
  readonly inputSize: readonly [number, number];
  /** Output [height, width]. */
  readonly outputSize: readonly [number, number];
}

/** A pooling layer after the stem. */
export interface PoolSpec {
  readonly kind: 'max' | 'average';
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly channels: number;
  readonly inputSize: readonly [number, number];
  readonly outputSize: readonly [number, number];
}

/** A basic residual block. */
export interface BlockSpec {
  readonly name: string;
  readonly conv1: ConvSpec;
  readonly conv2: ConvSpec;
  /** 1×1 conv + BN on the shortcut when channels or size change; identity otherwise. */
  readonly shortcut?: ConvSpec;
}

/** The architecture unrolled into layers with their shapes. */
export interface CnnPlan {
  readonly architecture: CnnArchitecture;
  readonly stem: ConvSpec;
  readonly pool?: PoolSpec;
  readonly blocks: readonly BlockSpec[];
  /** Channels C of the final feature maps (= embedding width D). */
  readonly featureChannels: number;
  /** [h, w] of the final feature maps (the CAM grid). */
  readonly featureSize: readonly [number, number];
}

/** Name of the dense head's weight `[C, 2]` and bias `[2]`. */
export const HEAD = { weight: 'head.weight', bias: 'head.bias' } as const;

/** Names of the tensors of a conv + BN. */
export function convNames(spec: ConvSpec): {
  weight: string;
  scale: string;
  bias: string;
  mean: string;
  variance: string;
} {
  return {
    weight: `${spec.name}.weight`,
    scale: `${spec.name}.bn.scale`,
    bias: `${spec.name}.bn.bias`,
    mean: `${spec.name}.bn.mean`,
    variance: `${spec.name}.bn.var`,
  };
}

function windowOut(n: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((n + 2 * pad - kernel) / stride) + 1;
}

function convSpec(
  name: string,
  inChannels: number,
  outChannels: number,
  kernel: number,
  stride: number,
  inputSize: readonly [number, number],
): ConvSpec {
  const pad = Math.floor(kernel / 2);
  const outputSize: [number, number] = [
    windowOut(inputSize[0], kernel, stride, pad),
    windowOut(inputSize[1], kernel, stride, pad),
  ];
  if (outputSize[0] < 1 || outputSize[1] < 1) {
    throw new CnnError(
      'INVALID_OPTION',
      `${name}: input ${inputSize.join('×')} is too small for its strides`,
    );
  }
  return { name, inChannels, outChannels, kernel, stride, pad, inputSize: [...inputSize], outputSize };
}

/**
 * Checks an architecture and unrolls it into layers with their shapes.
 *
 * @param architecture - The net.
 * @returns The plan.
 * @throws CnnError `INVALID_OPTION` for non-positive sizes, even or non-integer kernels, strides other than
 *   1 or 2 in stages, ε ≤ 0, or an input too small for the strides.
 */
export function planCnn(architecture: CnnArchitecture): CnnPlan {
  const a = architecture;
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  if (
    !positive(a.inputHeight) ||
    !positive(a.inputWidth) ||
    !positive(a.stemWidth) ||
    !positive(a.stemStride)
  ) {
    throw new CnnError(
      'INVALID_OPTION',
      'architecture: input size, stem width and stem stride must be positive integers',
    );
  }
  if (!positive(a.stemKernel) || a.stemKernel % 2 === 0) {
    throw new CnnError('INVALID_OPTION', `architecture: stem kernel must be odd, got ${a.stemKernel}`);
  }
  if (a.stages.length === 0) throw new CnnError('INVALID_OPTION', 'architecture: needs at least one stage');
  for (const s of a.stages) {
    if (!positive(s.width) || !positive(s.blocks) || (s.stride !== 1 && s.stride !== 2)) {
      throw new CnnError('INVALID_OPTION', `architecture: invalid stage ${JSON.stringify(s)}`);
    }
  }
  if (!(a.batchNormEpsilon > 0))
    throw new CnnError('INVALID_OPTION', 'architecture: batchNormEpsilon must be > 0');
  if (!['none', 'max', 'average'].includes(a.stemPool)) {
    throw new CnnError('INVALID_OPTION', `architecture: unknown stem pool '${a.stemPool}'`);
  }

  const stem = convSpec('stem', 1, a.stemWidth, a.stemKernel, a.stemStride, [a.inputHeight, a.inputWidth]);
  let size = stem.outputSize;
  let pool: PoolSpec | undefined;
  if (a.stemPool !== 'none') {
    const [kernel, stride, pad] = a.stemPool === 'max' ? [3, 2, 1] : [2, 2, 0];
    const outputSize: [number, number] = [
      windowOut(size[0], kernel, stride, pad),
      windowOut(size[1], kernel, stride, pad),
    ];
    if (outputSize[0] < 1 || outputSize[1] < 1)
      throw new CnnError('INVALID_OPTION', 'architecture: input too small for the stem pool');
    pool = { kind: a.stemPool, kernel, stride, pad, channels: a.stemWidth, inputSize: size, outputSize };
    size = outputSize;
  }
  let channels = a.stemWidth;
  const blocks: BlockSpec[] = [];
  a.stages.forEach((stage, si) => {
    for (let b = 0; b < stage.blocks; b++) {
      const name = `stage${si + 1}.block${b + 1}`;
      const stride = b === 0 ? stage.stride : 1;
      const conv1 = convSpec(`${name}.conv1`, channels, stage.width, 3, stride, size);
      const conv2 = convSpec(`${name}.conv2`, stage.width, stage.width, 3, 1, conv1.outputSize);
      const shortcut =
        stride !== 1 || channels !== stage.width
          ? convSpec(`${name}.shortcut`, channels, stage.width, 1, stride, size)
          : undefined;
      blocks.push({ name, conv1, conv2, shortcut });
      channels = stage.width;
      size = conv2.outputSize;
    }
  });
  return { architecture: a, stem, pool, blocks, featureChannels: channels, featureSize: size };
}

/** Every conv + BN of a plan, in forward order (stem, then per block conv1, conv2, shortcut). */
export function convLayers(plan: CnnPlan): ConvSpec[] {
  const out = [plan.stem];
  for (const b of plan.blocks) {
    out.push(b.conv1, b.conv2);
    if (b.shortcut) out.push(b.shortcut);
  }
  return out;
}

/** A trainable tensor of the net. */
export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** How it is initialised: He-normal conv weights, BN γ = 1 and β = 0, dense weights and bias. */
  readonly role: 'conv' | 'bnScale' | 'bnBias' | 'denseWeight' | 'denseBias';
  /** Inputs per output unit (C·k² for a conv, C for the dense layer). */
  readonly fanIn: number;
}

/**
 * The trainable tensors in a fixed order (conv weight, BN scale, BN bias per conv, then the head).
 *
 * @param plan - Unrolled architecture.
 * @returns Parameter names, shapes and roles.
 */
export function parameterSpecs(plan: CnnPlan): ParameterSpec[] {
  const out: ParameterSpec[] = [];
  for (const c of convLayers(plan)) {
    const n = convNames(c);
    out.push({
      name: n.weight,
      shape: [c.outChannels, c.inChannels, c.kernel, c.kernel],
      role: 'conv',
      fanIn: c.inChannels * c.kernel * c.kernel,
    });
    out.push({ name: n.scale, shape: [c.outChannels], role: 'bnScale', fanIn: 1 });
    out.push({ name: n.bias, shape: [c.outChannels], role: 'bnBias', fanIn: 1 });
  }
  out.push({
    name: HEAD.weight,
    shape: [plan.featureChannels, CNN_CLASSES],
    role: 'denseWeight',
    fanIn: plan.featureChannels,
  });
  out.push({ name: HEAD.bias, shape: [CNN_CLASSES], role: 'denseBias', fanIn: plan.featureChannels });
  return out;
}

/**
 * The batch-normalisation running statistics (mean and variance per conv), in conv order.
 *
 * @param plan - Unrolled architecture.
 * @returns Names and shapes.
 */
export function bufferSpecs(plan: CnnPlan): { name: string; shape: number[]; kind: 'mean' | 'variance' }[] {
  return convLayers(plan).flatMap((c) => {
    const n = convNames(c);
    return [
      { name: n.mean, shape: [c.outChannels], kind: 'mean' as const },
      { name: n.variance, shape: [c.outChannels], kind: 'variance' as const },
    ];
  });
}
