import { describe, expect, it } from 'vitest';
import { parseConfigPbtxt } from './config-parse';
import { renderConfigPbtxt } from './config-render';
import type { TritonModelConfig } from './config-types';
import { ModelRepositoryError } from './errors';

/**
 * Configuration text in the form Triton's "Model Configuration" guide shows it
 * (https://github.com/triton-inference-server/server/blob/main/docs/user_guide/model_configuration.md):
 * the "all versions" example, its layout kept — indented, `{ all { }}` — with the guide's instance-group
 * example (gpus lists), a `dynamic_batching` block as in the batcher guide, and a comment.
 */
const TRITON_DOCS_CONFIG = `
  # from the version-policy section of the guide
  platform: "tensorrt_plan"
  max_batch_size: 8
  input [
    {
      name: "input0"
      data_type: TYPE_FP32
      dims: [ 16 ]
    },
    {
      name: "input1"
      data_type: TYPE_FP32
      dims: [ 16 ]
    }
  ]
  output [
    {
      name: "output0"
      data_type: TYPE_FP32
      dims: [ 16 ]
    }
  ]
  version_policy: { all { }}
  instance_group [
    {
      count: 1
      kind: KIND_GPU
      gpus: [ 0 ]
    },
    {
      count: 2
      kind: KIND_GPU
      gpus: [ 1, 2 ]
    }
  ]
  dynamic_batching {
    preferred_batch_size: [ 4, 8 ]
    max_queue_delay_microseconds: 100
  }
`;

/** The ONNX Runtime backend README's style: a parameters map, an `optimization` block, a reshape. */
const ONNX_BACKEND_CONFIG = `
name: "densenet_onnx"
backend: "onnxruntime"
max_batch_size: 0
input [ { name: "in", data_type: TYPE_INT64, dims: [ 1 ], reshape: { shape: [ ] } } ]
output [ { name: "out", data_type: TYPE_FP32, dims: [ 1000 ], label_filename: "labels.txt" } ]
optimization {
  graph : {
    level : 1
}}
parameters { key: "intra_op_thread_count" value: { string_value: "0" } }
parameters { key: "execution_mode" value: { string_value: "0" } }
version_policy: { latest: { num_versions: 2}}
`;

function configError(text: string): ModelRepositoryError {
  try {
    parseConfigPbtxt(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRepositoryError);
    expect((error as ModelRepositoryError).code).toBe('INVALID_CONFIG');
    return error as ModelRepositoryError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('parseConfigPbtxt', () => {
  it('reads the example configuration of Triton’s documentation', () => {
    const config = parseConfigPbtxt(TRITON_DOCS_CONFIG);
    expect(config).toEqual({
      platform: 'tensorrt_plan',
      maxBatchSize: 8,
      input: [
        { name: 'input0', dataType: 'TYPE_FP32', dims: [16] },
        { name: 'input1', dataType: 'TYPE_FP32', dims: [16] },
      ],
      output: [{ name: 'output0', dataType: 'TYPE_FP32', dims: [16] }],
      versionPolicy: { kind: 'all' },
      instanceGroup: [
        { count: 1, kind: 'KIND_GPU', gpus: [0] },
        { count: 2, kind: 'KIND_GPU', gpus: [1, 2] },
      ],
      dynamicBatching: { preferredBatchSize: [4, 8], maxQueueDelayMicroseconds: 100 },
    } satisfies TritonModelConfig);
  });

  it('reads an ONNX Runtime backend config, refusing fields outside the subset unless told to skip them', () => {
    const error = configError(ONNX_BACKEND_CONFIG);
    expect(error.problems).toEqual([
      'output[0].label_filename (line 6): unsupported field',
      'optimization (line 7): unsupported field',
    ]);
    const config = parseConfigPbtxt(ONNX_BACKEND_CONFIG, { ignoreUnknownFields: true });
    expect(config).toEqual({
      name: 'densenet_onnx',
      backend: 'onnxruntime',
      maxBatchSize: 0,
      input: [{ name: 'in', dataType: 'TYPE_INT64', dims: [1], reshape: { shape: [] } }],
      output: [{ name: 'out', dataType: 'TYPE_FP32', dims: [1000] }],
      parameters: { intra_op_thread_count: '0', execution_mode: '0' },
      versionPolicy: { kind: 'latest', numVersions: 2 },
    } satisfies TritonModelConfig);
  });

  it('applies proto3 defaults to absent fields', () => {
    const config = parseConfigPbtxt('input { name: "x" data_type: TYPE_FP32 dims: 3 }\ndynamic_batching { }');
    expect(config.maxBatchSize).toBe(0);
    expect(config.output).toEqual([]);
    expect(config.dynamicBatching).toEqual({ preferredBatchSize: [], maxQueueDelayMicroseconds: 0 });
    expect(config.versionPolicy).toBeUndefined();
    expect(config.instanceGroup).toBeUndefined();
  });

  it('lists every broken rule at once', () => {
    const error = configError(`
      name: "a"
      name: "b"
      max_batch_size: 4
      input [ { name: "x", data_type: TYPE_FLOAT, dims: [ 0 ] }, { data_type: TYPE_FP32, dims: [ 2 ] } ]
      output [ { name: "y", data_type: TYPE_FP32 }, { name: "y", data_type: TYPE_FP32, dims: [ 1.5 ] } ]
      dynamic_batching { preferred_batch_size: [ 2, 8 ] }
      instance_group [ { count: 0, kind: KIND_TPU } ]
      version_policy: { latest { num_versions: 1 } all { } }
      parameters { key: "k" value: { string_value: "1" } }
      parameters { key: "k" value: { string_value: "2" } }
    `);
    expect(error.problems).toEqual([
      'name (line 3): set 2 times; it is a single field',
      'input[0].data_type (line 5): expected one of TYPE_BOOL, TYPE_UINT8, TYPE_UINT16, TYPE_UINT32, TYPE_UINT64, TYPE_INT8, TYPE_INT16, TYPE_INT32, TYPE_INT64, TYPE_FP16, TYPE_FP32, TYPE_FP64, TYPE_STRING, TYPE_BF16',
      'input[0]: dims must be -1 (variable) or positive',
      'input[1]: name is required',
      'output[0]: dims is required and may not be empty (use reshape for rank 0)',
      'output[1].dims (line 6): expected an integer (at most 2^53 - 1 in magnitude)',
      'output[1]: dims is required and may not be empty (use reshape for rank 0)',
      "output[1]: output name 'y' is used twice",
      'dynamic_batching: preferred_batch_size 8 exceeds max_batch_size 4',
      'instance_group[0].count (line 8): 0 is below the minimum 1',
      'instance_group[0].kind (line 8): expected one of KIND_AUTO, KIND_GPU, KIND_CPU, KIND_MODEL',
      'version_policy: exactly one of latest, all, specific is required',
      "parameters[1]: parameter 'k' is set twice",
    ]);
  });

  it('refuses integers beyond 2^53 and floats where integers belong', () => {
    expect(configError('max_batch_size: 9007199254740993').problems[0]).toMatch(/expected an integer/);
    expect(configError('max_batch_size: 8.0').problems[0]).toMatch(/expected an integer/);
    expect(configError('max_batch_size: -1').problems[0]).toMatch(/below the minimum 0/);
  });
});

describe('renderConfigPbtxt', () => {
  const full: TritonModelConfig = {
    name: 'malignancy-sae-combined',
    platform: 'onnxruntime_onnx',
    maxBatchSize: 256,
    input: [{ name: 'features', dataType: 'TYPE_FP32', dims: [41] }],
    output: [
      { name: 'probabilities', dataType: 'TYPE_FP32', dims: [2] },
      { name: 'label', dataType: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
    ],
    dynamicBatching: { preferredBatchSize: [32, 64], maxQueueDelayMicroseconds: 500 },
    instanceGroup: [{ count: 2, kind: 'KIND_GPU', gpus: [0, 1] }, { kind: 'KIND_CPU' }],
    versionPolicy: { kind: 'specific', versions: [1, 3] },
    parameters: { intra_op_thread_count: '2', note: 'quote " and \\ survive' },
  };

  it('writes Triton’s documented layout', () => {
    expect(renderConfigPbtxt(full)).toBe(`name: "malignancy-sae-combined"
platform: "onnxruntime_onnx"
max_batch_size: 256
input [
  {
    name: "features"
    data_type: TYPE_FP32
    dims: [ 41 ]
  }
]
output [
  {
    name: "probabilities"
    data_type: TYPE_FP32
    dims: [ 2 ]
  },
  {
    name: "label"
    data_type: TYPE_INT64
    dims: [ 1 ]
    reshape: { shape: [ ] }
  }
]
dynamic_batching {
  preferred_batch_size: [ 32, 64 ]
  max_queue_delay_microseconds: 500
}
instance_group [
  {
    count: 2
    kind: KIND_GPU
    gpus: [ 0, 1 ]
  },
  {
    kind: KIND_CPU
  }
]
version_policy: { specific: { versions: [ 1, 3 ] } }
parameters {
  key: "intra_op_thread_count"
  value: { string_value: "2" }
}
parameters {
  key: "note"
  value: { string_value: "quote \\" and \\\\ survive" }
}
`);
  });

  it('round-trips: parse(render(c)) equals c, and render(parse(text)) is stable', () => {
    expect(parseConfigPbtxt(renderConfigPbtxt(full))).toEqual(full);
    const policies: TritonModelConfig['versionPolicy'][] = [
      { kind: 'all' },
      { kind: 'latest', numVersions: 3 },
      { kind: 'specific', versions: [] },
    ];
    for (const versionPolicy of policies) {
      const config: TritonModelConfig = {
        ...full,
        versionPolicy,
        maxBatchSize: 0,
        dynamicBatching: undefined,
      };
      const parsed = parseConfigPbtxt(renderConfigPbtxt(config));
      expect(parsed).toEqual({ ...config, dynamicBatching: undefined });
    }
    const docs = parseConfigPbtxt(TRITON_DOCS_CONFIG);
    const once = renderConfigPbtxt(docs);
    expect(parseConfigPbtxt(once)).toEqual(docs);
    expect(renderConfigPbtxt(parseConfigPbtxt(once))).toBe(once);
  });

  it('refuses to render a config it could not read back', () => {
    const bad = { ...full, input: [{ name: 'features', dataType: 'TYPE_FP32' as const, dims: [] }] };
    expect(() => renderConfigPbtxt(bad)).toThrow(/dims is required/);
    expect(() => renderConfigPbtxt({ ...full, maxBatchSize: 16 })).toThrow(/preferred_batch_size 32 exceeds/);
  });
});
