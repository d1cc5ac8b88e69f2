/**
 * Writing a TritonModelConfig as config.pbtxt, in the layout of Triton's documentation examples, in a
 * fixed field order so equal configs render to equal bytes.
 */
import { parseConfigPbtxt } from './config-parse';
import type { TritonModelConfig, TritonTensorConfig, TritonVersionPolicy } from './config-types';
import { quoteTextProtoString } from './text-proto';

function integerList(values: readonly number[]): string {
  return values.length === 0 ? '[ ]' : `[ ${values.join(', ')} ]`;
}

function tensorBlock(tensor: TritonTensorConfig): string[] {
  const lines = [
    '  {',
    `    name: ${quoteTextProtoString(tensor.name)}`,
    `    data_type: ${tensor.dataType}`,
    `    dims: ${integerList(tensor.dims)}`,
  ];
  if (tensor.reshape) lines.push(`    reshape: { shape: ${integerList(tensor.reshape.shape)} }`);
  lines.push('  }');
  return lines;
}

/** `name [ {...}, {...} ]`, the form Triton's docs use for input, output and instance_group. */
function messageList(name: string, blocks: string[][]): string[] {
  const lines = [`${name} [`];
  blocks.forEach((block, index) => {
    if (index < blocks.length - 1) block[block.length - 1] += ',';
    lines.push(...block);
  });
  lines.push(']');
  return lines;
}

function versionPolicyLine(policy: TritonVersionPolicy): string {
  if (policy.kind === 'latest') return `version_policy: { latest: { num_versions: ${policy.numVersions} } }`;
  if (policy.kind === 'specific')
    return `version_policy: { specific: { versions: ${integerList(policy.versions)} } }`;
  return 'version_policy: { all: { } }';
}

/**
 * Render a config as config.pbtxt text (protobuf text format, LF line ends, trailing newline).
 *
 * Parameters: `config` — the model configuration. Fields are written in the order name, platform,
 * backend, max_batch_size, input, output, dynamic_batching, instance_group, version_policy, parameters;
 * proto3 defaults are left out (empty preferred sizes, zero queue delay, empty lists).
 * Returns the text; `parseConfigPbtxt` of it gives back an equal config.
 * Raises ModelRepositoryError INVALID_CONFIG when the config breaks a rule parseConfigPbtxt enforces
 * (the rendered text is read back before it is returned, so an unreadable file is never produced).
 */
export function renderConfigPbtxt(config: TritonModelConfig): string {
  const lines: string[] = [];
  if (config.name !== undefined) lines.push(`name: ${quoteTextProtoString(config.name)}`);
  if (config.platform !== undefined) lines.push(`platform: ${quoteTextProtoString(config.platform)}`);
  if (config.backend !== undefined) lines.push(`backend: ${quoteTextProtoString(config.backend)}`);
  lines.push(`max_batch_size: ${config.maxBatchSize}`);
  if (config.input.length > 0) lines.push(...messageList('input', config.input.map(tensorBlock)));
  if (config.output.length > 0) lines.push(...messageList('output', config.output.map(tensorBlock)));
  const batching = config.dynamicBatching;
  if (batching) {
    lines.push('dynamic_batching {');
    if (batching.preferredBatchSize.length > 0)
      lines.push(`  preferred_batch_size: ${integerList(batching.preferredBatchSize)}`);
    if (batching.maxQueueDelayMicroseconds !== 0)
      lines.push(`  max_queue_delay_microseconds: ${batching.maxQueueDelayMicroseconds}`);
    lines.push('}');
  }
  if (config.instanceGroup && config.instanceGroup.length > 0) {
    const groups = config.instanceGroup.map((group) => {
      const block = ['  {'];
      if (group.count !== undefined) block.push(`    count: ${group.count}`);
      if (group.kind !== undefined) block.push(`    kind: ${group.kind}`);
      if (group.gpus !== undefined && group.gpus.length > 0)
        block.push(`    gpus: ${integerList(group.gpus)}`);
      block.push('  }');
      return block;
    });
    lines.push(...messageList('instance_group', groups));
  }
  if (config.versionPolicy) lines.push(versionPolicyLine(config.versionPolicy));
  for (const [key, value] of Object.entries(config.parameters ?? {})) {
    lines.push('parameters {', `  key: ${quoteTextProtoString(key)}`);
    lines.push(`  value: { string_value: ${quoteTextProtoString(value)} }`, '}');
  }
  const text = `${lines.join('\n')}\n`;
  parseConfigPbtxt(text);
  return text;
}
