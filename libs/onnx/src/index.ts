export { InferenceSession, Tensor } from 'onnxruntime-node';
export type { GradientRule, GradientRuleTable } from './autodiff/gradient-rule';
export { type AppendGradientsOptions, appendGradients } from './autodiff/gradients';
export { builtinGradientRules, gradientRules, registerGradientRule } from './autodiff/registry';
export { unbroadcast, zerosLike } from './autodiff/unbroadcast';
export { type DType, isFloatDType, ONNX_DATA_TYPE, type TensorData } from './dtype';
export {
  OnnxGraphError,
  type OnnxGraphErrorCode,
  OnnxSessionError,
  type OnnxSessionErrorCode,
} from './errors';
export {
  checkGradients,
  type GradientCheckInput,
  type GradientCheckOptions,
  type GradientComparison,
} from './gradient-check';
export {
  type AttributeValue,
  type ConstantValue,
  GraphBuilder,
  type GraphBuilderOptions,
  type GraphNode,
  type OutputSpec,
} from './graph-builder';
export * as op from './ops';
export {
  type AdamConfig,
  appendTrainingStep,
  type CarriedTensor,
  type OptimizerConfig,
  resolveOptimizer,
  type SgdConfig,
  STEP_INPUT,
  type TrainingStepSignature,
} from './optimizer';
export {
  type CreateSessionOptions,
  createSession,
  type ExecutionProviderName,
  missingProviderLibrary,
  type OnnxSession,
  parseProviders,
} from './session';
export {
  type Dim,
  formatShape,
  isScalarShape,
  isStaticShape,
  type Shape,
  staticSize,
  type TensorLike,
  type TensorRef,
} from './tensor';
export { GraphTrainer } from './trainer';
