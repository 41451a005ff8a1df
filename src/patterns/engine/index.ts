export * from './event-pattern-matcher';
