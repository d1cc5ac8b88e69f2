import { configForModel } from '@calcscope/model-repository';
import { describe, expect, it } from 'vitest';
import { InferenceError } from '../errors';
import { decodeInferRequest } from './infer-request';
import { signatureFromConfig } from './signature';

const card = {
  name: 'malignancy-sae-combined',
  inputs: [{ name: 'features', datatype: 'FP32' as const, shape: [-1, 3] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32' as const, shape: [-1, 2] },
    { name: 'label', datatype: 'INT64' as const, shape: [-1] },
  ],
};
const signature = signatureFromConfig(configForModel(card, { maxBatchSize: 4 }));

function tensor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'features', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6], ...overrides };
}

function refusal(body: unknown, sig = signature): string {
  try {
    decodeInferRequest(body, sig);
  } catch (error) {
    expect(error).toBeInstanceOf(InferenceError);
    expect((error as InferenceError).status).toBe(400);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('signatureFromConfig', () => {
  it('exposes the batch axis, and the reshape Triton uses for a rank-1 output', () => {
    expect(signature.maxBatchSize).toBe(4);
    expect(signature.inputs).toEqual([{ name: 'features', datatype: 'FP32', dims: [3], modelDims: [3] }]);
    expect(signature.outputs[1]).toEqual({ name: 'label', datatype: 'INT64', dims: [1], modelDims: [] });
  });
});

describe('decodeInferRequest', () => {
  it('decodes flat and nested data to the same float32 tensor and echoes the id', () => {
    const flat = decodeInferRequest({ id: 'r1', inputs: [tensor()] }, signature);
    const nested = decodeInferRequest(
      {
        inputs: [
          tensor({
            data: [
              [1, 2, 3],
              [4, 5, 6],
            ],
          }),
        ],
      },
      signature,
    );
    expect(flat.id).toBe('r1');
    expect(nested.id).toBeUndefined();
    expect(flat.rows).toBe(2);
    expect(flat.inputs.features.data).toBeInstanceOf(Float32Array);
    expect(Array.from(flat.inputs.features.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(nested.inputs.features.data).toEqual(flat.inputs.features.data);
    expect(flat.outputs).toBeUndefined();
  });

  it('keeps the requested outputs in request order without duplicates', () => {
    const decoded = decodeInferRequest(
      { inputs: [tensor()], outputs: [{ name: 'label' }, { name: 'probabilities' }, { name: 'label' }] },
      signature,
    );
    expect(decoded.outputs).toEqual(['label', 'probabilities']);
  });

  it('refuses NaN and infinities naming the tensor and the element', () => {
    // JSON has no NaN: JSON.stringify writes null; 1e999 parses to Infinity; 1e39 overflows float32.
    expect(
      refusal(
        JSON.parse('{"inputs":[{"name":"features","shape":[1,3],"datatype":"FP32","data":[1,null,3]}]}'),
      ),
    ).toMatch(/input 'features' \(FP32\) element 1 is null: NaN and Infinity/);
    expect(
      refusal(
        JSON.parse('{"inputs":[{"name":"features","shape":[1,3],"datatype":"FP32","data":[1,2,1e999]}]}'),
      ),
    ).toMatch(/element 2 is Infinity: FP32 data must be finite/);
    expect(refusal({ inputs: [tensor({ shape: [1, 3], data: [Number.NaN, 0, 0] })] })).toMatch(
      /element 0 is NaN/,
    );
    expect(refusal({ inputs: [tensor({ shape: [1, 3], data: [0, -1e39, 0] })] })).toMatch(
      /element 1 is -1e\+39/,
    );
    expect(refusal({ inputs: [tensor({ shape: [1, 3], data: [0, '1', 0] })] })).toMatch(
      /element 1 is the string "1", expected a number/,
    );
  });

  it('refuses wrong names, datatypes, shapes and data lengths with a message naming the rule', () => {
    expect(refusal({ inputs: [tensor({ name: 'x' })] })).toMatch(
      /unknown input 'x'; the model's inputs are 'features'/,
    );
    expect(refusal({ inputs: [tensor({ datatype: 'FP64' })] })).toMatch(
      /datatype FP64 does not match the model's FP32/,
    );
    expect(refusal({ inputs: [tensor({ shape: [6] })] })).toMatch(/has rank 1, the model expects \[-1, 3\]/);
    expect(refusal({ inputs: [tensor({ shape: [2, 4] })] })).toMatch(
      /does not match the model's \[-1, 3\] at axis 1/,
    );
    expect(refusal({ inputs: [tensor({ shape: [0, 3], data: [] })] })).toMatch(/empty axis 0/);
    expect(refusal({ inputs: [tensor({ shape: [5, 3], data: new Array(15).fill(0) })] })).toMatch(
      /batch size 5 exceeds the model's max_batch_size 4/,
    );
    expect(refusal({ inputs: [tensor({ data: [1, 2, 3, 4, 5] })] })).toMatch(
      /data holds 5 elements, shape \[2, 3\] needs 6/,
    );
    expect(refusal({ inputs: [tensor({ data: [[[1, 2, 3]], [[4, 5, 6]]] })] })).toMatch(
      /nested deeper than the tensor's rank 2/,
    );
    expect(refusal({ inputs: [tensor({ shape: [2, -3] })] })).toMatch(
      /'shape' must be an array of non-negative integers/,
    );
    expect(refusal({ inputs: [tensor(), tensor()] })).toMatch(/input 'features' is given twice/);
    expect(refusal({ inputs: [tensor({ data: 'abc' })] })).toMatch(/'data' must be an array/);
  });

  it('refuses malformed bodies, ids, output requests and binary extensions', () => {
    expect(refusal([1, 2])).toMatch(/must be a JSON object/);
    expect(refusal({})).toMatch(/'inputs' must be a non-empty array/);
    expect(refusal({ inputs: [] })).toMatch(/'inputs' must be a non-empty array/);
    expect(refusal({ id: 5, inputs: [tensor()] })).toMatch(/'id' must be a string, got 5/);
    expect(refusal({ inputs: [tensor()], outputs: [{ name: 'logits' }] })).toMatch(/unknown output 'logits'/);
    expect(refusal({ inputs: [tensor()], outputs: 'label' })).toMatch(/'outputs' must be an array/);
    expect(refusal({ inputs: [tensor({ parameters: { binary_data_size: 24 } })] })).toMatch(
      /binary tensor data is not supported/,
    );
    expect(refusal({ inputs: [tensor()], parameters: { binary_data_output: true } })).toMatch(
      /binary tensor data/,
    );
  });

  it('checks integer and boolean ranges for every datatype it carries', () => {
    const intCard = {
      name: 'malignancy-x-combined',
      inputs: [
        { name: 'counts', datatype: 'INT64' as const, shape: [-1, 2] },
        { name: 'bytes', datatype: 'UINT8' as const, shape: [-1, 2] },
      ],
      outputs: [{ name: 'y', datatype: 'FP32' as const, shape: [-1, 1] }],
    };
    const sig = signatureFromConfig(configForModel(intCard));
    const body = (counts: unknown[], bytes: unknown[], rows = 1) => ({
      inputs: [
        { name: 'counts', shape: [rows, 2], datatype: 'INT64', data: counts },
        { name: 'bytes', shape: [1, 2], datatype: 'UINT8', data: bytes },
      ],
    });
    const ok = decodeInferRequest(body([-3, 2 ** 53 - 1], [0, 255]), sig);
    expect(Array.from(ok.inputs.counts.data as BigInt64Array)).toEqual([-3n, 2n ** 53n - 1n]);
    expect(Array.from(ok.inputs.bytes.data as Uint8Array)).toEqual([0, 255]);
    expect(refusal(body([1.5, 0], [0, 0]), sig)).toMatch(
      /'counts' \(INT64\) element 0 is 1.5, expected an integer/,
    );
    expect(refusal(body([2 ** 53, 0], [0, 0]), sig)).toMatch(/outside .* exact only up to 2\^53 - 1/);
    expect(refusal(body([0, 0], [0, 256]), sig)).toMatch(
      /'bytes' \(UINT8\) element 1 is 256, outside \[0, 255\]/,
    );
    expect(refusal(body([0, 0, 0, 0], [0, 0], 2), sig)).toMatch(
      /batch size 1, other inputs 2; all must agree/,
    );
    expect(refusal({ inputs: [body([0, 0], [0, 0]).inputs[0]] }, sig)).toMatch(/input 'bytes' is missing/);
  });
});
