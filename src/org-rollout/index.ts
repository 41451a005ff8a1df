export * from './organization-stack-set';
