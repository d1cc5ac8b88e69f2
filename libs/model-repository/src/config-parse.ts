/**
 * Reading config.pbtxt into a TritonModelConfig: the text format is parsed by text-proto, then each field
 * of Calcscope's subset of Triton's ModelConfig is checked against its type and rules. Every problem is
 * collected so one error lists them all.
 */
import type {
  TritonDataType,
  TritonDynamicBatching,
  TritonInstanceGroup,
  TritonInstanceKind,
  TritonModelConfig,
  TritonTensorConfig,
  TritonVersionPolicy,
} from './config-types';
import { TRITON_DATA_TYPES, TRITON_INSTANCE_KINDS } from './config-types';
import { ModelRepositoryError } from './errors';
import type { TextProtoField, TextProtoMessage } from './text-proto';
import { parseTextProto } from './text-proto';

export interface ParseConfigOptions {
  /**
   * Skip fields outside Calcscope's subset (Triton's `optimization`, `label_filename`, ...) instead of
   * reporting them. Default false: an unknown field is an INVALID_CONFIG problem, so nothing a caller
   * might rely on is dropped silently.
   */
  ignoreUnknownFields?: boolean;
}

const INTEGER_LITERAL = /^-?(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;

/** Typed access to one message's fields; records which names were read and every problem found. */
class MessageReader {
  private readonly read = new Set<string>();

  constructor(
    private readonly source: TextProtoMessage,
    /** Field path prefix for messages, e.g. `input[1].`. */
    private readonly path: string,
    private readonly problems: string[],
  ) {}

  private problem(field: TextProtoField, text: string): void {
    this.problems.push(`${this.path}${field.name} (line ${field.line}): ${text}`);
  }

  all(name: string): TextProtoField[] {
    this.read.add(name);
    return this.source.fields.filter((field) => field.name === name);
  }

  /** Whether the field occurs at all (a wrong value is reported where it is read, not as missing). */
  has(name: string): boolean {
    return this.source.fields.some((field) => field.name === name);
  }

  one(name: string): TextProtoField | undefined {
    const fields = this.all(name);
    if (fields.length > 1) this.problem(fields[1], `set ${fields.length} times; it is a single field`);
    return fields[0];
  }

  string(name: string): string | undefined {
    const field = this.one(name);
    if (field === undefined) return undefined;
    if (field.value.kind === 'string') return field.value.value;
    this.problem(field, 'expected a quoted string');
    return undefined;
  }

  private integerOf(field: TextProtoField, min: number): number | undefined {
    const value = field.value;
    if (value.kind !== 'number' || !INTEGER_LITERAL.test(value.text) || !Number.isSafeInteger(value.value)) {
      this.problem(field, 'expected an integer (at most 2^53 - 1 in magnitude)');
      return undefined;
    }
    if (value.value < min) {
      this.problem(field, `${value.value} is below the minimum ${min}`);
      return undefined;
    }
    return value.value;
  }

  integer(name: string, min: number): number | undefined {
    const field = this.one(name);
    return field === undefined ? undefined : this.integerOf(field, min);
  }

  integers(name: string, min: number): number[] {
    const values: number[] = [];
    for (const field of this.all(name)) {
      const value = this.integerOf(field, min);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  enumValue<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const field = this.one(name);
    if (field === undefined) return undefined;
    if (field.value.kind === 'identifier' && (allowed as readonly string[]).includes(field.value.value))
      return field.value.value as T;
    this.problem(field, `expected one of ${allowed.join(', ')}`);
    return undefined;
  }

  private readerOf(field: TextProtoField, path: string): MessageReader | undefined {
    if (field.value.kind === 'message') return new MessageReader(field.value, path, this.problems);
    this.problem(field, 'expected a message { ... }');
    return undefined;
  }

  message(name: string): MessageReader | undefined {
    const field = this.one(name);
    return field === undefined ? undefined : this.readerOf(field, `${this.path}${name}.`);
  }

  messages(name: string): MessageReader[] {
    const readers: MessageReader[] = [];
    this.all(name).forEach((field, index) => {
      const reader = this.readerOf(field, `${this.path}${name}[${index}].`);
      if (reader) readers.push(reader);
    });
    return readers;
  }

  /** A problem against this message itself (not one of its fields). */
  fail(text: string): void {
    this.problems.push(`${this.path.replace(/\.$/, '') || 'config'}: ${text}`);
  }

  /** Report every field that was never read, unless unknown fields are to be ignored. */
  finish(ignoreUnknownFields: boolean): void {
    if (ignoreUnknownFields) return;
    for (const field of this.source.fields)
      if (!this.read.has(field.name)) this.problem(field, 'unsupported field');
  }
}

function readTensor(reader: MessageReader, ignoreUnknown: boolean): TritonTensorConfig | undefined {
  const name = reader.string('name');
  const dataType = reader.enumValue<TritonDataType>('data_type', TRITON_DATA_TYPES);
  const dims = reader.integers('dims', -1);
  if (dims.includes(0)) reader.fail('dims must be -1 (variable) or positive');
  const reshapeReader = reader.message('reshape');
  let reshape: { shape: number[] } | undefined;
  if (reshapeReader) {
    reshape = { shape: reshapeReader.integers('shape', -1) };
    reshapeReader.finish(ignoreUnknown);
  }
  reader.finish(ignoreUnknown);
  if (!reader.has('name') || name === '') reader.fail('name is required');
  if (!reader.has('data_type')) reader.fail('data_type is required');
  if (dims.length === 0) reader.fail('dims is required and may not be empty (use reshape for rank 0)');
  if (name === undefined || name === '' || dataType === undefined) return undefined;
  return reshape ? { name, dataType, dims, reshape } : { name, dataType, dims };
}

function readTensors(
  root: MessageReader,
  field: 'input' | 'output',
  ignoreUnknown: boolean,
): TritonTensorConfig[] {
  const tensors: TritonTensorConfig[] = [];
  const seen = new Set<string>();
  for (const reader of root.messages(field)) {
    const tensor = readTensor(reader, ignoreUnknown);
    if (tensor === undefined) continue;
    if (seen.has(tensor.name)) reader.fail(`${field} name '${tensor.name}' is used twice`);
    seen.add(tensor.name);
    tensors.push(tensor);
  }
  return tensors;
}

function readDynamicBatching(
  reader: MessageReader,
  maxBatchSize: number,
  ignoreUnknown: boolean,
): TritonDynamicBatching {
  const preferredBatchSize = reader.integers('preferred_batch_size', 1);
  const maxQueueDelayMicroseconds = reader.integer('max_queue_delay_microseconds', 0) ?? 0;
  reader.finish(ignoreUnknown);
  for (const size of preferredBatchSize)
    if (size > maxBatchSize)
      reader.fail(`preferred_batch_size ${size} exceeds max_batch_size ${maxBatchSize}`);
  return { preferredBatchSize, maxQueueDelayMicroseconds };
}

function readInstanceGroup(reader: MessageReader, ignoreUnknown: boolean): TritonInstanceGroup {
  const group: TritonInstanceGroup = {};
  const count = reader.integer('count', 1);
  const kind = reader.enumValue<TritonInstanceKind>('kind', TRITON_INSTANCE_KINDS);
  const gpus = reader.all('gpus').length > 0 ? reader.integers('gpus', 0) : undefined;
  reader.finish(ignoreUnknown);
  if (count !== undefined) group.count = count;
  if (kind !== undefined) group.kind = kind;
  if (gpus !== undefined) group.gpus = gpus;
  return group;
}

function readVersionPolicy(reader: MessageReader, ignoreUnknown: boolean): TritonVersionPolicy | undefined {
  const latest = reader.message('latest');
  const all = reader.message('all');
  const specific = reader.message('specific');
  reader.finish(ignoreUnknown);
  const chosen = [latest, all, specific].filter((policy) => policy !== undefined).length;
  if (chosen !== 1) {
    reader.fail('exactly one of latest, all, specific is required');
    return undefined;
  }
  if (latest) {
    const numVersions = latest.integer('num_versions', 1);
    latest.finish(ignoreUnknown);
    if (numVersions === undefined) latest.fail('num_versions is required');
    return numVersions === undefined ? undefined : { kind: 'latest', numVersions };
  }
  if (specific) {
    const versions = specific.integers('versions', 1);
    specific.finish(ignoreUnknown);
    return { kind: 'specific', versions };
  }
  all!.finish(ignoreUnknown);
  return { kind: 'all' };
}

function readParameters(readers: MessageReader[], ignoreUnknown: boolean): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const entry of readers) {
    const key = entry.string('key');
    const valueReader = entry.message('value');
    const value = valueReader?.string('string_value');
    valueReader?.finish(ignoreUnknown);
    entry.finish(ignoreUnknown);
    if (key === undefined) entry.fail('key is required');
    else if (value === undefined) entry.fail(`value { string_value: ... } is required for '${key}'`);
    else if (Object.hasOwn(parameters, key)) entry.fail(`parameter '${key}' is set twice`);
    else parameters[key] = value;
  }
  return parameters;
}

/**
 * Parse a config.pbtxt in Calcscope's subset of Triton's ModelConfig.
 *
 * Parameters: `text` — the file's content; `options.ignoreUnknownFields` — skip fields outside the subset.
 * Returns the typed config; absent scalars take proto3 defaults (max_batch_size 0, queue delay 0),
 * absent optional messages stay undefined.
 * Raises ModelRepositoryError INVALID_CONFIG listing every problem: syntax, wrong types, a single field
 * set twice, unknown data_type/kind, empty dims, duplicate tensor names, preferred_batch_size above
 * max_batch_size, a version_policy without exactly one choice, and unknown fields (unless ignored).
 */
export function parseConfigPbtxt(text: string, options: ParseConfigOptions = {}): TritonModelConfig {
  const ignoreUnknown = options.ignoreUnknownFields ?? false;
  const problems: string[] = [];
  const root = new MessageReader(parseTextProto(text), '', problems);
  const name = root.string('name');
  const platform = root.string('platform');
  const backend = root.string('backend');
  const maxBatchSize = root.integer('max_batch_size', 0) ?? 0;
  const config: TritonModelConfig = {
    maxBatchSize,
    input: readTensors(root, 'input', ignoreUnknown),
    output: readTensors(root, 'output', ignoreUnknown),
  };
  if (name !== undefined) config.name = name;
  if (platform !== undefined) config.platform = platform;
  if (backend !== undefined) config.backend = backend;
  const batching = root.message('dynamic_batching');
  if (batching) config.dynamicBatching = readDynamicBatching(batching, maxBatchSize, ignoreUnknown);
  if (root.all('instance_group').length > 0)
    config.instanceGroup = root.messages('instance_group').map((g) => readInstanceGroup(g, ignoreUnknown));
  const policy = root.message('version_policy');
  if (policy) {
    const versionPolicy = readVersionPolicy(policy, ignoreUnknown);
    if (versionPolicy) config.versionPolicy = versionPolicy;
  }
  if (root.all('parameters').length > 0)
    config.parameters = readParameters(root.messages('parameters'), ignoreUnknown);
  root.finish(ignoreUnknown);
  if (problems.length > 0)
    throw new ModelRepositoryError('INVALID_CONFIG', 'config.pbtxt breaks the supported subset', problems);
  return config;
}
