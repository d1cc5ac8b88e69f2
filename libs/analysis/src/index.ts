export * from './analysis-pool';
export * from './analysis-task';
export * from './analyze';
export * from './in-process-queue';
export * from './overlay';
export * from './roi-crops';
export * from './worker-pool';
export * from './worker-protocol';
