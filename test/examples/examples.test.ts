/**
 * The example apps in examples/ synthesize, as `cdk synth` runs them, into the resources their
 * READMEs promise; the folder type-checks; and the request script prints a valid request or fails
 * with the library's message. A broken example fails here, not in front of a newcomer.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import { memberAlarmPattern } from '../../src/cross-account/private/forwarder-health';
import { heartbeatEventPattern } from '../../src/health/private/heartbeat';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

interface Assembly {
  readonly manifest: any;
  /** Each stack's template, by stack name. */
  readonly templates: Record<string, any>;
}

/**
 * Runs an example's app.ts in this process with CDK_OUTDIR set, as the CDK CLI runs it, and reads
 * the cloud assembly it writes. The app imports 'cdk-iam-change-alerts', which resolves to src/
 * through examples/node_modules (see examples/README.md).
 */
function synthesize(example: string): Assembly {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${example}-`));
  const previous = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = outdir;
  try {
    // Loaded for its side effect, as `cdk synth` runs it: the app writes its assembly to CDK_OUTDIR.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(EXAMPLES, example, 'app.ts'));
  } finally {
    if (previous === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = previous;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const templates: Record<string, any> = {};
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack') {
      templates[name] = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf8'));
    }
  }
  return { manifest, templates };
}

function resourcesOf(template: any, type: string): any[] {
  return Object.values<any>(template.Resources).filter((r) => r.Type === type);
}

/**
 * The EventBridge rules of a template by kind: each rule's explicit Name without the unique prefix
 * the construct gives all its rule names (`alerts`, `heartbeat`, `tamper-topics`, `forward`, ...).
 */
function rulesByKind(template: any): Record<string, any> {
  const rules: Record<string, any> = {};
  for (const rule of resourcesOf(template, 'AWS::Events::Rule')) {
    const kind = /^.+-[0-9A-F]{8}-([a-z0-9-]+)$/.exec(rule.Properties.Name)?.[1];
    if (kind === undefined || kind in rules) throw new Error(`rule name ${rule.Properties.Name}: no kind, or a second rule of that kind`);
    rules[kind] = rule;
  }
  return rules;
}

/** The member template a StackSet carries inline. */
function memberTemplate(template: any): any {
  const [stackSet] = resourcesOf(template, 'AWS::CloudFormation::StackSet');
  return JSON.parse(stackSet.Properties.TemplateBody);
}

describe('examples/single-account', () => {
  const { manifest, templates } = synthesize('single-account');
  const template = Template.fromJSON(templates.IamChangeAlerts);

  test('synthesizes one stack, in us-east-1', () => {
    expect(Object.keys(templates)).toEqual(['IamChangeAlerts']);
    expect(manifest.artifacts.IamChangeAlerts.environment).toBe('aws://unknown-account/us-east-1');
  });

  test('six rules named with one prefix: the alert rule, the heartbeat rule, tamper rules for the trail and rules, the topics and the keys, and one for the health path', () => {
    const rules = resourcesOf(templates.IamChangeAlerts, 'AWS::Events::Rule');
    expect(rules.map((r) => r.Properties.Name)).toEqual([
      'IamChangeAlerts-IamAlerts-7B9C693B-alerts',
      'IamChangeAlerts-IamAlerts-7B9C693B-heartbeat',
      'IamChangeAlerts-IamAlerts-7B9C693B-tamper-trail-rules',
      'IamChangeAlerts-IamAlerts-7B9C693B-tamper-topics',
      'IamChangeAlerts-IamAlerts-7B9C693B-tamper-keys',
      'IamChangeAlerts-IamAlerts-7B9C693B-tamper-health',
    ]);
  });

  test('its alert rule matches IAM changes and publishes a readable alert to the topic', () => {
    const { alerts } = rulesByKind(templates.IamChangeAlerts);
    expect(alerts.Properties).toMatchObject({
      EventPattern: JSON.parse(IamEventPattern.changes().toJson()),
      State: 'ENABLED',
      Targets: [{
        Arn: { Ref: expect.stringMatching(/^IamAlertsTopic[0-9A-F]{8}$/) },
        InputTransformer: { InputPathsMap: expect.objectContaining({ 'detail-eventName': '$.detail.eventName' }) },
      }],
    });
  });

  test('the heartbeat rule logs this account\'s heartbeats; tampering alerts the health topic, tampering with the health path the alert topic', () => {
    const rules = rulesByKind(templates.IamChangeAlerts);
    expect(rules.heartbeat.Properties.EventPattern).toEqual({ ...heartbeatEventPattern(), account: [{ Ref: 'AWS::AccountId' }] });
    expect(JSON.stringify(rules.heartbeat.Properties.Targets[0].Arn)).toMatch(/:log-group:",\{"Ref":"IamAlertsHealthHeartbeatMonitorLog[0-9A-F]{8}"\}/);
    expect(Object.fromEntries(Object.entries(rules).filter(([kind]) => kind.startsWith('tamper-')).map(([kind, rule]) => [kind, rule.Properties.Targets[0].Arn.Ref.replace(/[0-9A-F]{8}$/, '')])))
      .toEqual({ 'tamper-trail-rules': 'IamAlertsHealthTopic', 'tamper-topics': 'IamAlertsHealthTopic', 'tamper-keys': 'IamAlertsHealthTopic', 'tamper-health': 'IamAlertsTopic' });
  });

  test('the topic is encrypted with its own key and emails the security team', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IamAlertsTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security@example.com' });
  });

  test('a multi-region trail records the IAM calls', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, IsLogging: true });
  });
});

describe('examples/organization', () => {
  const { manifest, templates } = synthesize('organization');
  const central = templates.OrgIamChangeAlerts;

  test('synthesizes the central stack in the notification account, us-east-1', () => {
    expect(Object.keys(templates)).toEqual(['OrgIamChangeAlerts']);
    expect(manifest.artifacts.OrgIamChangeAlerts.environment).toBe('aws://111111111111/us-east-1');
  });

  test('the bus accepts events from the organization only', () => {
    const [bus] = resourcesOf(central, 'AWS::Events::EventBus');
    const [statement] = bus.Properties.Policy.Statement;
    expect(statement.Action).toBe('events:PutEvents');
    expect(statement.Condition.StringEquals).toEqual({ 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' });
  });

  test('on the bus: one alert rule per pattern (IAM changes, root-user activity), the heartbeat rule and the rules on member alarms and member tampering; tamper rules on the default bus', () => {
    const rules = rulesByKind(central);
    expect(Object.entries(rules).map(([kind, rule]) => [kind, rule.Properties.EventBusName === undefined ? 'default' : rule.Properties.EventBusName.Ref.replace(/[0-9A-F]{8}$/, '')]))
      .toEqual([
        ['alerts1', 'OrgAlertsBus'],
        ['alerts2', 'OrgAlertsBus'],
        ['heartbeat', 'OrgAlertsBus'],
        ['tamper-rules', 'default'],
        ['tamper-topics', 'default'],
        ['tamper-keys', 'default'],
        ['tamper-health', 'default'],
        ['member-alarms', 'OrgAlertsBus'],
        ['member-tamper', 'OrgAlertsBus'],
      ]);
  });

  test('the alert rules match the two patterns and publish to the alert topic', () => {
    const { alerts1, alerts2 } = rulesByKind(central);
    expect([alerts1, alerts2].map((r) => r.Properties.EventPattern)).toEqual([
      JSON.parse(IamEventPattern.changes().toJson()),
      JSON.parse(IamEventPattern.rootUserActivity().toJson()),
    ]);
    for (const rule of [alerts1, alerts2]) {
      expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^OrgAlertsTopic[0-9A-F]{8}$/) });
    }
  });

  test('the heartbeats of every member account are logged; member alarms and member tampering alert the health topic', () => {
    const rules = rulesByKind(central);
    expect([rules.heartbeat.Properties.EventPattern, rules['member-alarms'].Properties.EventPattern, rules['member-tamper'].Properties.EventPattern])
      .toEqual([heartbeatEventPattern(), memberAlarmPattern(), { 'source': ['aws.events'], 'detail-type': ['AWS API Call via CloudTrail'] }]);
    for (const kind of ['member-alarms', 'member-tamper']) {
      expect(rules[kind].Properties.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^OrgAlertsHealthTopic[0-9A-F]{8}$/) });
    }
  });

  test('the member rollout is a service-managed StackSet to the organizational unit, with automatic deployment', () => {
    const [stackSet] = resourcesOf(central, 'AWS::CloudFormation::StackSet');
    expect(stackSet.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'] }, Regions: ['us-east-1', 'us-east-2', 'eu-north-1', 'ap-southeast-2'] }],
      Parameters: [expect.objectContaining({ ParameterKey: 'CentralBusArn' })],
    });
  });

  test('each member account forwards each event once, to the central bus: one rule for both patterns in us-east-1, one for root sign-ins elsewhere', () => {
    const member = memberTemplate(central);
    const rules = rulesByKind(member);
    const forwarders = [rules.forward, rules['forward-signin']];
    const changes = JSON.parse(IamEventPattern.changes().toJson());
    const rootUserActivity = JSON.parse(IamEventPattern.rootUserActivity().toJson());
    // The bus ARN is a StackSet parameter, so the partition is unknown: IAM events arrive in any partition's home region.
    expect(forwarders.map((r) => JSON.stringify(member.Conditions[r.Condition]).match(/[a-z]{2}(-[a-z]+)+-\d/g))).toEqual([
      ['us-east-1', 'us-gov-west-1', 'cn-north-1'],
      ['us-east-2', 'eu-north-1', 'ap-southeast-2'],
    ]);
    // The union rule receives read-only calls for root-user activity; IAM changes keep to what an ENABLED rule receives.
    expect(forwarders.map((r) => r.Properties.EventPattern)).toEqual([
      { $or: [{ ...changes, detail: { ...changes.detail, readOnly: [false, { exists: false }] } }, rootUserActivity] },
      rootUserActivity,
    ]);
    for (const rule of forwarders) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: 'CentralBusArn' } })]);
    }
  });

  test('each member account also forwards its health where each forwarding rule exists: the heartbeat in us-east-1, tampering with its rules and its alarms everywhere', () => {
    const member = memberTemplate(central);
    const rules = rulesByKind(member);
    expect(Object.keys(rules)).toEqual(['forward', 'forward-signin', 'health', 'health-signin']);
    expect([rules.health.Condition, rules['health-signin'].Condition]).toEqual([rules.forward.Condition, rules['forward-signin'].Condition]);
    const prefix = rules.forward.Properties.Name.replace(/-forward$/, '');
    const branches = (kind: string) => rules[kind].Properties.EventPattern.$or as any[];
    expect(branches('health')[0]).toEqual(heartbeatEventPattern());
    for (const kind of ['health', 'health-signin']) {
      const [tampering, alarms] = branches(kind).slice(-2);
      expect([branches(kind).length, tampering.source, JSON.stringify(tampering).includes(`{"prefix":"${prefix}-"}`), alarms])
        .toEqual([kind === 'health' ? 3 : 2, ['aws.events'], true, memberAlarmPattern(`cdk-iam-change-alerts-member-${prefix}-`)]);
      expect(rules[kind].Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: 'CentralBusArn' } })]);
    }
  });
});

describe('examples/access-analyzer', () => {
  const { manifest, templates } = synthesize('access-analyzer');
  const logArchive = templates.OrgTrailLogArchive;
  const trailArn = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail';
  const roleArnPattern = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*']] };

  test('synthesizes the log-archive stack, us-east-1', () => {
    expect(Object.keys(templates)).toEqual(['OrgTrailLogArchive']);
    expect(manifest.artifacts.OrgTrailLogArchive.environment).toBe('aws://222222222222/us-east-1');
  });

  test('the bucket policy lets each account\'s service role read its own logs', () => {
    const [policy] = resourcesOf(logArchive, 'AWS::S3::BucketPolicy');
    const [bucketId] = Object.keys(logArchive.Resources).filter((id) => logArchive.Resources[id].Type === 'AWS::S3::Bucket');
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'PolicyGenerationBucketPolicy',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/AWSLogs/o-a1b2c3d4e5/${aws:PrincipalAccount}/*']] }],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, StringLike: { 'aws:PrincipalArn': roleArnPattern } },
    });
  });

  test('the bucket owner owns every log file', () => {
    const [bucket] = resourcesOf(logArchive, 'AWS::S3::Bucket');
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('the key policy lets the service roles decrypt, through S3, what the trail encrypted', () => {
    const [key] = resourcesOf(logArchive, 'AWS::KMS::Key');
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn, 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
        StringLike: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.*.', { Ref: 'AWS::URLSuffix' }]] }, 'aws:PrincipalArn': roleArnPattern },
      },
    });
  });

  test('each member account gets the service role once, in us-east-1, from a StackSet', () => {
    const [stackSet] = resourcesOf(logArchive, 'AWS::CloudFormation::StackSet');
    expect(stackSet.Properties.StackInstancesGroup).toEqual([{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'] }, Regions: ['us-east-1'] }]);
    const [role] = resourcesOf(memberTemplate(logArchive), 'AWS::IAM::Role');
    expect(role.Properties).toMatchObject({ Path: '/service-role/', RoleName: 'AccessAnalyzerMonitorServiceRole' });
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'access-analyzer.amazonaws.com' });
  });
});

describe('examples/access-analyzer/policy-generation-request.ts', () => {
  const script = path.join(EXAMPLES, 'access-analyzer', 'policy-generation-request.ts');
  const run = (...args: string[]) => spawnSync('npx', ['ts-node', '--transpile-only', script, ...args], { cwd: EXAMPLES, encoding: 'utf8' });

  test('prints the StartPolicyGeneration input for a member role, with that account\'s service role and the last 30 days', () => {
    const result = run('arn:aws:iam::333333333333:role/payments-api');
    expect(result.status).toBe(0);
    const request = JSON.parse(result.stdout);
    expect(request.policyGenerationDetails).toEqual({ principalArn: 'arn:aws:iam::333333333333:role/payments-api' });
    expect(request.cloudTrailDetails.accessRole).toBe('arn:aws:iam::333333333333:role/service-role/AccessAnalyzerMonitorServiceRole');
    expect(request.cloudTrailDetails.trails).toEqual([{ cloudTrailArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail', allRegions: true }]);
    const days = (Date.parse(request.cloudTrailDetails.endTime) - Date.parse(request.cloudTrailDetails.startTime)) / 86_400_000;
    expect(days).toBe(30);
  }, 60_000);

  test('a period over 90 days fails with the library\'s message and exit code 1', () => {
    const result = run('arn:aws:iam::333333333333:role/payments-api', '--days', '91');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Access Analyzer analyses at most 90');
  }, 60_000);

  test('no principal is a usage error, exit code 2', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  }, 60_000);
});

test('the examples type-check against the library source (examples/tsconfig.json)', () => {
  const configFile = path.join(EXAMPLES, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const program = ts.createProgram(config.fileNames, config.options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
    `${d.file ? path.relative(EXAMPLES, d.file.fileName) : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(config.fileNames.map((f) => path.relative(EXAMPLES, f))).toEqual(expect.arrayContaining(['single-account/app.ts', 'organization/app.ts', 'access-analyzer/app.ts']));
  expect(diagnostics).toEqual([]);
}, 120_000);
