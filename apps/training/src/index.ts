/** The training app as a library: the run orchestration and its parts, for the CLI, the service and benchmarks. */
export * from './dataset';
export * from './report';
export * from './roi';
export * from './run-training';
export * from './train';
export * from './training-config';
