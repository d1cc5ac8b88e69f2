export * from './analysis';
export * from './analyze-response';
export * from './model-card';
