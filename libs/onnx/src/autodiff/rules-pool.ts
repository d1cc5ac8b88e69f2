import { OnnxGraphError } from '../errors';
import type { GraphBuilder, GraphNode } from '../graph-builder';
import { cast, constantOfShape, convTranspose, div, expand, mul, reshape, shape, size } from '../ops';
import { windowOfNode } from '../ops/window';
import { formatShape, isStaticShape, staticSize, type TensorRef } from '../tensor';
import type { GradientRule } from './gradient-rule';
import { intAttribute } from './node-attributes';
import { transposeOutputPadding } from './rules-conv';

/** Opset that gave ScatterElements its `reduction` attribute. */
const SCATTER_ADD_SINCE = 16;

function kernelShapeOf(node: GraphNode): number[] {
  const value = node.attributes.kernel_shape;
  if (!value || !('ints' in value)) {
    throw new OnnxGraphError('NO_GRADIENT_RULE', `${node.opType} '${node.name}': kernel_shape missing`);
  }
  return [...value.ints];
}

function refuseCeilMode(node: GraphNode): void {
  if (intAttribute(node, 'ceil_mode', 0) !== 0) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `${node.opType} '${node.name}': ceil_mode is not supported by autodiff`,
    );
  }
}

/** X's shape as a Reshape/Expand target: static when known, else read at run time. */
function shapeOf(g: GraphBuilder, x: TensorRef): readonly number[] | TensorRef {
  return isStaticShape(x.shape) ? [...x.shape] : shape(g, x);
}

/**
 * Y = MaxPool(X): each output's gradient goes to the input element that won its window. The rule reruns
 * MaxPool with its Indices output (positions in the flattened input, padding excluded) and scatter-adds
 * the flattened dY into zeros of X's size (ScatterElements with reduction add, opset ≥ 16), so overlapping
 * windows that share a winner accumulate. Ties send the gradient to the element onnxruntime reports.
 */
const maxPoolRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  const y = node.outputs[0];
  if (!dY) return [undefined];
  refuseCeilMode(node);
  if (intAttribute(node, 'storage_order', 0) !== 0) {
    throw new OnnxGraphError('NO_GRADIENT_RULE', `MaxPool '${node.name}': storage_order must be 0`);
  }
  if (g.opset < SCATTER_ADD_SINCE) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `MaxPool '${node.name}': autodiff needs opset ≥ ${SCATTER_ADD_SINCE}`,
    );
  }
  const [, indices] = g.addNode(
    'MaxPool',
    [x],
    [
      { dtype: x.dtype, shape: y.shape },
      { dtype: 'int64', shape: y.shape },
    ],
    node.attributes,
  );
  const total = isStaticShape(x.shape) ? staticSize(x.shape) : g.freshDim();
  const zeros = isStaticShape(x.shape)
    ? constantOfShape(g, g.int64Vector([staticSize(x.shape)], 'flat_size'), 0, x.dtype, [total])
    : constantOfShape(g, reshape(g, size(g, x), [1]), 0, x.dtype, [total]);
  const [scattered] = g.addNode(
    'ScatterElements',
    [zeros, reshape(g, indices, [-1]), reshape(g, dY, [-1])],
    [{ dtype: x.dtype, shape: [total] }],
    { axis: { int: 0 }, reduction: { string: 'add' } },
  );
  return [reshape(g, scattered, shapeOf(g, x), { outputShape: x.shape })];
};

/**
 * Y = AveragePool(X): dX = ConvTranspose(dY, 1/K) with one all-1/K filter per channel (group = C), the
 * forward strides and pads, and the output padding that restores X's length. Exact when every window
 * divides by K = Π kernel: no padding, or count_include_pad = 1.
 */
const averagePoolRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  if (!dY) return [undefined];
  refuseCeilMode(node);
  const kernel = kernelShapeOf(node);
  const geometry = windowOfNode(node, kernel);
  if (geometry.pads.some((p) => p > 0) && intAttribute(node, 'count_include_pad', 0) === 0) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `AveragePool '${node.name}': autodiff needs count_include_pad = 1 when padding`,
    );
  }
  if (geometry.dilations.some((d) => d !== 1)) {
    throw new OnnxGraphError('NO_GRADIENT_RULE', `AveragePool '${node.name}': dilations are not supported`);
  }
  const channels = x.shape[1];
  const spatial = x.shape.slice(2);
  if (typeof channels !== 'number' || !isStaticShape(spatial)) {
    throw new OnnxGraphError(
      'NO_GRADIENT_RULE',
      `AveragePool '${node.name}': autodiff needs static channels and spatial dims, got ${formatShape(x.shape)}`,
    );
  }
  const windowSize = staticSize(kernel);
  const count = channels * windowSize;
  const data = x.dtype === 'float64' ? new Float64Array(count) : new Float32Array(count);
  data.fill(1 / windowSize);
  const filters = g.initializer('_avgpool_grad_filter', data, [channels, 1, ...kernel], { unique: true });
  return [
    convTranspose(g, dY, filters, null, {
      strides: geometry.strides,
      pads: geometry.pads,
      group: channels,
      outputPadding: transposeOutputPadding([...spatial], geometry),
    }),
  ];
};

/** Y = GlobalAveragePool(X): dX = dY broadcast over the spatial axes, divided by their size. */
const globalAveragePoolRule: GradientRule = (g, node, [dY]) => {
  const x = node.inputs[0]!;
  if (!dY) return [undefined];
  const spread = expand(g, dY, shapeOf(g, x), { outputShape: x.shape });
  const spatial = x.shape.slice(2);
  if (isStaticShape(spatial)) return [mul(g, spread, 1 / staticSize(spatial))];
  return [div(g, spread, cast(g, div(g, size(g, x), size(g, dY)), x.dtype))];
};

/** Gradient rules of the pooling ops. */
export const POOL_RULES: ReadonlyMap<string, GradientRule> = new Map<string, GradientRule>([
  ['MaxPool', maxPoolRule],
  ['AveragePool', averagePoolRule],
  ['GlobalAveragePool', globalAveragePoolRule],
]);
