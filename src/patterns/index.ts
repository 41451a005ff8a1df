export * from './engine';
export * from './iam-event-pattern';
export * from './iam-operations';
export * from './pattern-explanation';
