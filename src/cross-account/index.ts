export * from './cross-account-alert-bus';
export * from './iam-event-forwarder';
export * from './iam-event-forwarder-rollout';
