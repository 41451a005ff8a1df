export * as patterns from './patterns';
