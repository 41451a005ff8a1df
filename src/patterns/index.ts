export * from './engine';
export * from './cloudtrail-query';
export * from './iam-event-pattern';
export * from './iam-operations';
export * from './pattern-explanation';
