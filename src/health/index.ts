export * from './pipeline-health';
