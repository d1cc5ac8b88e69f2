import { describe, expect, it } from 'vitest';
import { serializeError, serveTasks } from './worker-protocol';

class CodedError extends Error {
  override readonly name = 'CodedError';
  readonly code = 'BAD_THING';
}

describe('serializeError', () => {
  it('keeps the class name and string code of typed errors', () => {
    expect(serializeError(new CodedError('went wrong'))).toEqual({
      name: 'CodedError',
      code: 'BAD_THING',
      message: 'went wrong',
    });
  });

  it("uses TASK_FAILED for errors without a string code (a system error's numeric errno is not one)", () => {
    expect(serializeError(new TypeError('nope'))).toEqual({
      name: 'TypeError',
      code: 'TASK_FAILED',
      message: 'nope',
    });
    expect(serializeError(Object.assign(new Error('n'), { code: 42 }))).toMatchObject({
      code: 'TASK_FAILED',
    });
    expect(serializeError('a string')).toEqual({ name: 'Error', code: 'TASK_FAILED', message: 'a string' });
  });
});

describe('serveTasks', () => {
  it('refuses to run outside a worker thread', () => {
    expect(() => serveTasks(null, async () => 1)).toThrow(/worker thread/);
  });
});
