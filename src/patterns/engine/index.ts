export * from './event-pattern-matcher';
export * from './input-transformer';
