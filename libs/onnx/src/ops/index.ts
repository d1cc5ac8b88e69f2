export * from './elementwise';
export * from './linear';
export type { NameOption } from './operand';
export * from './reduce';
export * from './shape-ops';
