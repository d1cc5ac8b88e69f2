export * from './analyze';
export * from './overlay';
