export * from './event-pattern-matcher';
export * from './event-pattern-set';
export * from './input-transformer';
