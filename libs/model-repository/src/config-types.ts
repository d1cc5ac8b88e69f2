/**
 * The subset of Triton's ModelConfig (model_config.proto) that Calcscope writes and reads, in camelCase.
 * Field meanings follow Triton's "Model Configuration" guide; proto3 defaults apply to absent fields
 * (max_batch_size 0, no preferred sizes, no queue delay).
 */

/** Tensor element types as written in config.pbtxt (`data_type`). */
export const TRITON_DATA_TYPES = [
  'TYPE_BOOL',
  'TYPE_UINT8',
  'TYPE_UINT16',
  'TYPE_UINT32',
  'TYPE_UINT64',
  'TYPE_INT8',
  'TYPE_INT16',
  'TYPE_INT32',
  'TYPE_INT64',
  'TYPE_FP16',
  'TYPE_FP32',
  'TYPE_FP64',
  'TYPE_STRING',
  'TYPE_BF16',
] as const;
export type TritonDataType = (typeof TRITON_DATA_TYPES)[number];

/** Where instances run (`instance_group.kind`); KIND_AUTO is Triton's default when absent. */
export const TRITON_INSTANCE_KINDS = ['KIND_AUTO', 'KIND_GPU', 'KIND_CPU', 'KIND_MODEL'] as const;
export type TritonInstanceKind = (typeof TRITON_INSTANCE_KINDS)[number];

/** One `input` or `output` entry. */
export interface TritonTensorConfig {
  name: string;
  dataType: TritonDataType;
  /** Shape without the batch dimension when maxBatchSize > 0; -1 marks a variable axis; never empty. */
  dims: number[];
  /**
   * The shape the model itself uses when it differs from `dims` (without the batch dimension). Triton
   * forbids empty `dims`, so a batched output of shape [N] is declared `dims: [1]` + `reshape: []`.
   */
  reshape?: { shape: number[] };
}

/** `dynamic_batching`: present means Triton merges concurrent requests into one batch. */
export interface TritonDynamicBatching {
  /** Batch sizes the batcher tries to form first; empty = as large as possible up to maxBatchSize. */
  preferredBatchSize: number[];
  /** How long a request may wait for others to join its batch, in microseconds (0 = no wait). */
  maxQueueDelayMicroseconds: number;
}

/** One `instance_group` entry. */
export interface TritonInstanceGroup {
  /** Instances per device; absent = Triton's default (1; 2 for ONNX Runtime on KIND_CPU). */
  count?: number;
  /** Absent = KIND_AUTO (GPU when one is available, else CPU). */
  kind?: TritonInstanceKind;
  /** GPU ids for KIND_GPU; absent = every GPU. */
  gpus?: number[];
}

/** `version_policy`: which version folders Triton serves. Absent = latest with 1 version. */
export type TritonVersionPolicy =
  | { kind: 'latest'; numVersions: number }
  | { kind: 'all' }
  | { kind: 'specific'; versions: number[] };

/** A config.pbtxt, parsed or to be rendered. */
export interface TritonModelConfig {
  /** Must equal the model folder's name when present. */
  name?: string;
  /** Calcscope writes 'onnxruntime_onnx'. */
  platform?: string;
  /** Alternative to `platform` ('onnxruntime'). */
  backend?: string;
  /** 0 = the model takes no batch dimension; > 0 = batch dimension first, `dims` exclude it. */
  maxBatchSize: number;
  input: TritonTensorConfig[];
  output: TritonTensorConfig[];
  dynamicBatching?: TritonDynamicBatching;
  instanceGroup?: TritonInstanceGroup[];
  versionPolicy?: TritonVersionPolicy;
  /** `parameters` map entries (key → string_value), e.g. ONNX Runtime's intra_op_thread_count. */
  parameters?: Record<string, string>;
}
