export * from './analysis';
export * from './model-card';
