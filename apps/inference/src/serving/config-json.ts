/** config.pbtxt as Triton's model-configuration extension returns it: protobuf JSON field names. */
import type { TritonModelConfig, TritonTensorConfig } from '@calcscope/model-repository';

function tensorJson(tensor: TritonTensorConfig): Record<string, unknown> {
  return {
    name: tensor.name,
    data_type: tensor.dataType,
    dims: [...tensor.dims],
    ...(tensor.reshape ? { reshape: { shape: [...tensor.reshape.shape] } } : {}),
  };
}

/**
 * Converts a parsed config to the JSON of `GET /v2/models/{m}/config`.
 *
 * @param name - Model name (used when the config omits `name`).
 * @param config - The parsed config.pbtxt.
 * @returns snake_case fields as in Triton's ModelConfig JSON: name, platform/backend, max_batch_size,
 *   input, output, dynamic_batching, instance_group, version_policy, parameters (when set).
 */
export function configToJson(name: string, config: TritonModelConfig): Record<string, unknown> {
  const json: Record<string, unknown> = { name: config.name ?? name };
  if (config.platform !== undefined) json.platform = config.platform;
  if (config.backend !== undefined) json.backend = config.backend;
  json.max_batch_size = config.maxBatchSize;
  json.input = config.input.map(tensorJson);
  json.output = config.output.map(tensorJson);
  if (config.dynamicBatching)
    json.dynamic_batching = {
      preferred_batch_size: [...config.dynamicBatching.preferredBatchSize],
      max_queue_delay_microseconds: config.dynamicBatching.maxQueueDelayMicroseconds,
    };
  if (config.instanceGroup) json.instance_group = config.instanceGroup.map((group) => ({ ...group }));
  const policy = config.versionPolicy;
  if (policy)
    json.version_policy =
      policy.kind === 'latest'
        ? { latest: { num_versions: policy.numVersions } }
        : policy.kind === 'all'
          ? { all: {} }
          : { specific: { versions: [...policy.versions] } };
  if (config.parameters)
    json.parameters = Object.fromEntries(
      Object.entries(config.parameters).map(([key, value]) => [key, { string_value: value }]),
    );
  return json;
}
