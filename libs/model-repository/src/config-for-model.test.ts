import type { ModelCard } from '@calcscope/contracts';
import { describe, expect, it } from 'vitest';
import { configForModel, isBatchedSignature, signatureProblems } from './config-for-model';
import { ModelRepositoryError } from './errors';
import { cardDraft, completeCard, modelBytes } from './testing.fixtures';

const card = completeCard(cardDraft(41), 1, modelBytes(1));

describe('configForModel', () => {
  it('declares the tabular contract for Triton: batch axis → max_batch_size, label [N] → dims [1] + reshape []', () => {
    expect(configForModel(card)).toEqual({
      name: 'malignancy-sae-combined',
      platform: 'onnxruntime_onnx',
      maxBatchSize: 256,
      input: [{ name: 'features', dataType: 'TYPE_FP32', dims: [41] }],
      output: [
        { name: 'probabilities', dataType: 'TYPE_FP32', dims: [2] },
        { name: 'label', dataType: 'TYPE_INT64', dims: [1], reshape: { shape: [] } },
      ],
      dynamicBatching: { preferredBatchSize: [], maxQueueDelayMicroseconds: 500 },
      instanceGroup: [{ count: 1, kind: 'KIND_CPU' }],
      versionPolicy: { kind: 'latest', numVersions: 3 },
    });
  });

  it('keeps variable inner axes and maps every card datatype', () => {
    const image: ModelCard = {
      ...card,
      inputs: [{ name: 'roi', datatype: 'UINT8', shape: [-1, 1, -1, -1] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        { name: 'cam', datatype: 'INT32', shape: [-1, 7, 7] },
      ],
    };
    const config = configForModel(image);
    expect(config.input).toEqual([{ name: 'roi', dataType: 'TYPE_UINT8', dims: [1, -1, -1] }]);
    expect(config.output[1]).toEqual({ name: 'cam', dataType: 'TYPE_INT32', dims: [7, 7] });
  });

  it('gives an unbatched signature max_batch_size 0, full shapes and no dynamic batching', () => {
    const fixed: ModelCard = {
      ...card,
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 41] }],
      outputs: [{ name: 'label', datatype: 'INT64', shape: [1] }],
    };
    expect(isBatchedSignature(fixed)).toBe(false);
    const config = configForModel(fixed);
    expect(config.maxBatchSize).toBe(0);
    expect(config.input[0].dims).toEqual([1, 41]);
    expect(config.output[0]).toEqual({ name: 'label', dataType: 'TYPE_INT64', dims: [1] });
    expect(config.dynamicBatching).toBeUndefined();
  });

  it('applies serving options (a GPU host) and refuses impossible ones', () => {
    const config = configForModel(card, {
      maxBatchSize: 64,
      preferredBatchSizes: [16, 64],
      maxQueueDelayMicroseconds: 0,
      instanceKind: 'KIND_GPU',
      instanceCount: 2,
      versionPolicy: { kind: 'all' },
      parameters: { intra_op_thread_count: '1' },
    });
    expect(config.maxBatchSize).toBe(64);
    expect(config.dynamicBatching).toEqual({ preferredBatchSize: [16, 64], maxQueueDelayMicroseconds: 0 });
    expect(config.instanceGroup).toEqual([{ count: 2, kind: 'KIND_GPU' }]);
    expect(config.versionPolicy).toEqual({ kind: 'all' });
    expect(config.parameters).toEqual({ intra_op_thread_count: '1' });
    let error: unknown;
    try {
      configForModel(card, { maxBatchSize: 8, preferredBatchSizes: [16], instanceCount: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelRepositoryError);
    expect((error as ModelRepositoryError).code).toBe('INVALID_ARGUMENT');
    expect((error as ModelRepositoryError).problems).toEqual([
      'instanceCount must be a positive integer',
      'preferred batch size 16 exceeds maxBatchSize',
    ]);
  });
});

describe('signatureProblems', () => {
  it('finds nothing between a card and its own config, whatever the tensor order', () => {
    const config = configForModel(card);
    expect(signatureProblems(card, config)).toEqual([]);
    expect(signatureProblems(card, { ...config, output: [...config.output].reverse() })).toEqual([]);
  });

  it('reports changed dims, datatype, reshape, missing and extra tensors, and a batching flip', () => {
    const config = configForModel(card);
    const changed = {
      ...config,
      input: [{ name: 'features', dataType: 'TYPE_FP64' as const, dims: [26] }],
      output: [
        { name: 'label', dataType: 'TYPE_INT64' as const, dims: [1] },
        { name: 'extra', dataType: 'TYPE_FP32' as const, dims: [1] },
      ],
    };
    expect(signatureProblems(card, changed)).toEqual([
      "input 'features': card implies TYPE_FP32 dims [41], config has TYPE_FP64 dims [26]",
      "output 'probabilities' is missing from config.pbtxt",
      "output 'label': card implies TYPE_INT64 dims [1] reshape [], config has TYPE_INT64 dims [1]",
      "output 'extra' is in config.pbtxt but not in the card",
    ]);
    expect(signatureProblems(card, { ...config, maxBatchSize: 0 })[0]).toBe(
      'the card has a batch axis but config.pbtxt has max_batch_size 0',
    );
  });
});
