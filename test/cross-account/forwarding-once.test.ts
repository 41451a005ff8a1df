/**
 * Each event reaches the central bus at most once from a member region, and every event a central
 * rule alerts on is forwarded: the synthesized forwarder rules (the StackSet member template, and
 * forwarders in stacks with a known region; forwarding and health rules alike) run through the
 * engine on every envelope of the CloudTrail corpus and on a heartbeat, in every region, as
 * EventBridge delivers to them (the rule exists there; read-only calls only to a rule in the
 * all-management-events state). The central rules that need events are the alert rules and the
 * heartbeat monitor.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CENTRAL_ACCOUNT, CENTRAL_BUS_ARN, CENTRAL_REGION, MEMBER_ACCOUNT, ORGANIZATION_ID } from './configurations';
import { HEARTBEAT_ROLE_NAME, heartbeatEvent } from './health-events';
import { ruleNamed, ruleNameSuffixes } from './template-queries';
import { danglingReferences } from './template-references';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventForwarder } from '../../src/cross-account/iam-event-forwarder';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';
import { cloudTrailEnvelopes } from '../differential/providers/iam-presets';

const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
/** us-east-1 (IAM and sign-in), the other sign-in regions, and a region that receives neither. */
const REGIONS = ['us-east-1', 'us-east-2', 'eu-north-1', 'ap-southeast-2', 'eu-west-1'];
const envelopes = cloudTrailEnvelopes();
/** The corpus and a member's heartbeat. */
const withHeartbeat = [...envelopes, { id: 'heartbeat', eventName: 'TagRole', event: heartbeatEvent(MEMBER_ACCOUNT) }];

interface RuleInRegion {
  readonly id: string;
  readonly state: string;
  readonly matcher: EventPatternMatcher;
}

function ruleOf(id: string, resource: any): RuleInRegion {
  return {
    id,
    state: resource.Properties.State ?? 'ENABLED',
    matcher: EventPatternMatcher.fromJson(JSON.stringify(resource.Properties.EventPattern)),
  };
}

/** Whether EventBridge gives the event to the rule: read-only calls only in the all-management-events state. */
function delivered(rule: { state: string; matcher: EventPatternMatcher }, event: any): boolean {
  return (event.detail?.readOnly !== true || rule.state === ALL_MANAGEMENT_EVENTS) && rule.matcher.matchesEvent(event);
}

/** The central stack, and the forwarder rules its StackSet member template creates in a region. */
function organization(patterns: IamEventPattern[]) {
  const stack = new Stack(new App(), 'Central', { env: { account: CENTRAL_ACCOUNT, region: CENTRAL_REGION } });
  new CrossAccountAlertBus(stack, 'OrgAlerts', {
    organizationId: ORGANIZATION_ID, eventBusName: 'org-iam-alerts', emails: ['security@example.com'], patterns, memberRollout: { organizationalUnitIds: ['r-ab12'] },
  });
  const central = Template.fromStack(stack);
  const [stackSet] = Object.values(central.findResources('AWS::CloudFormation::StackSet'));
  const member = JSON.parse(stackSet.Properties.TemplateBody);
  const rulesIn = (region: string) => danglingReferences(member, { account: MEMBER_ACCOUNT, region, parameters: { CentralBusArn: CENTRAL_BUS_ARN } })
    .created.filter(id => member.Resources[id].Type === 'AWS::Events::Rule')
    .map(id => ruleOf(id, member.Resources[id]));
  // The alert rules, one per pattern in the order of the patterns: <prefix>-alerts1, -alerts2, ...
  const alertRules = patterns.map((_p, i) => ruleNamed(central, `alerts${i + 1}`).resource);
  return { alertRules, heartbeatRule: ruleNamed(central, 'heartbeat').resource, centralSuffixes: ruleNameSuffixes(central), rulesIn };
}

/** The rules of a forwarder in a stack whose region is known (none where no forwarded event arrives). */
function knownRegionRulesIn(patterns: IamEventPattern[]) {
  return (region: string) => {
    if (!IamEventForwarder.regionsFor(patterns).includes(region)) return [];
    const stack = new Stack(new App(), 'Member', { env: { account: MEMBER_ACCOUNT, region } });
    new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns });
    return Object.entries(Template.fromStack(stack).findResources('AWS::Events::Rule')).map(([id, r]) => ruleOf(id, r));
  };
}

/** The heartbeat role, which patterns that would match the heartbeat leave out. */
const HEARTBEAT_ROLE = `arn:aws:iam::*:role/${HEARTBEAT_ROLE_NAME}`;

/**
 * Pattern sets, whether their patterns overlap (some event matches several), and which of them
 * match the heartbeat (the heartbeat role tagging itself), so that the alert rules leave that role out.
 */
const CASES: Array<[string, () => IamEventPattern[], boolean, number[]]> = [
  ['IAM changes and root-user activity (examples/organization)', () => [IamEventPattern.changes(), IamEventPattern.rootUserActivity()], true, []],
  ['IAM changes and console sign-ins', () => [IamEventPattern.changes(), IamEventPattern.consoleSignIns()], false, []],
  ['every IAM call, sign-ins without MFA, and root-user activity', () => [
    IamEventPattern.allApiCalls(), IamEventPattern.consoleSignInWithoutMfa(), IamEventPattern.rootUserActivity(),
  ], true, [0]],
  ['policy changes, mutating calls with sign-ins, and failed sign-ins', () => [
    IamEventPattern.policyChanges(), IamEventPattern.mutatingCalls().withConsoleSignIn(), IamEventPattern.failedConsoleSignIns(),
  ], true, [1]],
];

describe.each(CASES)('%s', (_name, patternsOf, overlapping, matchingHeartbeat) => {
  const patterns = patternsOf();
  const { alertRules, heartbeatRule, centralSuffixes, rulesIn: stackSetRulesIn } = organization(patterns);
  const matcherOf = (resource: any) => EventPatternMatcher.fromJson(JSON.stringify(resource.Properties.EventPattern));
  // The alert rules, in the order of the patterns, with where each pattern's events are forwarded from.
  const alerting = alertRules.map((resource, i) => ({
    state: resource.Properties.State ?? 'ENABLED',
    matcher: matcherOf(resource),
    forwardedFrom: IamEventForwarder.regionsFor([patterns[i]]),
    // The separate rule a pattern had: read-only calls reached it only if the pattern includes them.
    receivesReadOnly: patterns[i].includesReadOnlyEvents,
  }));
  // The heartbeat monitor needs the heartbeat, made and forwarded in the region IAM events arrive in.
  const central = [...alerting, {
    state: heartbeatRule.Properties.State ?? 'ENABLED',
    matcher: matcherOf(heartbeatRule),
    forwardedFrom: ['us-east-1'],
    receivesReadOnly: false,
  }];

  test('the central bus has one alert rule per pattern, with that pattern (the heartbeat role left out where it would match)', () => {
    expect(centralSuffixes.filter(s => s?.startsWith('alerts'))).toEqual(patterns.map((_p, i) => `alerts${i + 1}`));
    expect(alertRules.map(r => r.Properties.EventPattern)).toEqual(patterns.map((p, i) =>
      JSON.parse((matchingHeartbeat.includes(i) ? p.exceptPrincipals(HEARTBEAT_ROLE) : p).toJson())));
  });

  test('no alert rule matches the heartbeat; the heartbeat monitor does', () => {
    const heartbeat = heartbeatEvent(MEMBER_ACCOUNT);
    expect(alerting.filter(c => c.matcher.matchesEvent(heartbeat))).toEqual([]);
    expect(matchingHeartbeat.every(i => EventPatternMatcher.fromJson(patterns[i].toJson()).matchesEvent(heartbeat))).toBe(true);
    expect(matcherOf(heartbeatRule).matchesEvent(heartbeat)).toBe(true);
  });

  test(`the corpus ${overlapping ? 'holds' : 'has no'} events that several of the patterns match`, () => {
    const several = envelopes.filter(e => alerting.filter(c => c.matcher.matchesEvent(e.event)).length > 1);
    expect(several.length > 0).toBe(overlapping);
  });

  describe.each([
    ['the StackSet member template', stackSetRulesIn],
    ['forwarders in stacks with a known region', knownRegionRulesIn(patterns)],
  ])('%s', (_form, rulesIn) => {
    test.each(REGIONS)('in %s, each event is forwarded once if a central rule needs it, else not at all', (region) => {
      const rules = rulesIn(region);
      const wrong: string[] = [];
      for (const envelope of withHeartbeat) {
        const event: Record<string, any> = { ...envelope.event, region };
        const forwarders = rules.filter(rule => delivered(rule, event)).map(rule => rule.id);
        const needed = central.some(c => c.forwardedFrom.includes(region)
          && (event.detail?.readOnly !== true || c.receivesReadOnly) && c.matcher.matchesEvent(event));
        if (forwarders.length !== (needed ? 1 : 0)) {
          wrong.push(`${envelope.id} ${envelope.eventName}: forwarded by [${forwarders.join(', ')}], ${needed ? 'needed' : 'not needed'}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
});
