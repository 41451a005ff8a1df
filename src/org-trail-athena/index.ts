export * from './org-trail-athena';
