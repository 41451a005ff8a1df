import { PartialString, TemplateValues, UnresolvedUse, UnresolvedValue, withPlaceholders } from '../../src/cli/cfn-values';

const template = {
  Parameters: {
    Prefix: { Type: 'String', Default: 'cdk-' },
    BusArn: { Type: 'String' },
  },
  Mappings: { Regions: { 'us-east-1': { Home: 'yes' } } },
  Conditions: {
    InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
    Elsewhere: { 'Fn::Not': [{ Condition: 'InUsEast1' }] },
    EitherRegion: { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, { Condition: 'InUsEast1' }] },
  },
  Resources: {
    Role: { Type: 'AWS::IAM::Role' },
    Topic: { Type: 'AWS::SNS::Topic' },
  },
};

function values(env: { account?: string; region?: string } = {}, given: Record<string, string> = {}): TemplateValues {
  return new TemplateValues({ template, ...env, stackName: 'MyStack', given: new Map(Object.entries(given)) });
}

test('a parameter resolves to its default', () => {
  expect(values().resolve({ Ref: 'Prefix' })).toBe('cdk-');
});

test('a parameter without a default is unresolved', () => {
  expect(values().resolve({ Ref: 'BusArn' })).toEqual(new UnresolvedValue('Ref BusArn (parameter without a default)'));
});

test('pseudo parameters come from the environment; the partition and URL suffix from the region', () => {
  const v = values({ account: '111122223333', region: 'cn-north-1' });
  expect(['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName'].map((name) => v.resolve({ Ref: name })))
    .toEqual(['111122223333', 'cn-north-1', 'aws-cn', 'amazonaws.com.cn', 'MyStack']);
});

test.each([
  ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
  ['us-iso-east-1', 'aws-iso', 'c2s.ic.gov'],
  ['us-isob-east-1', 'aws-iso-b', 'sc2s.sgov.gov'],
  ['eu-isoe-west-1', 'aws-iso-e', 'cloud.adc-e.uk'],
  ['us-isof-south-1', 'aws-iso-f', 'csp.hci.ic.gov'],
  ['eusc-de-east-1', 'aws-eusc', 'amazonaws.eu'],
])('AWS::Partition and AWS::URLSuffix of %s are %s and %s', (region, partition, urlSuffix) => {
  const v = values({ region });
  expect([v.resolve({ Ref: 'AWS::Partition' }), v.resolve({ Ref: 'AWS::URLSuffix' })]).toEqual([partition, urlSuffix]);
});

test('AWS::Partition and AWS::URLSuffix follow a region given with --resolve, and are unresolved without a region', () => {
  const given = values({ region: 'us-east-1' }, { 'AWS::Region': 'us-isob-east-1' });
  expect(given.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:1:q https://sqs.${AWS::URLSuffix}' }))
    .toBe('arn:aws-iso-b:sqs:us-isob-east-1:1:q https://sqs.sc2s.sgov.gov');
  expect([values().resolve({ Ref: 'AWS::Partition' }), values().resolve({ Ref: 'AWS::URLSuffix' })])
    .toEqual([new UnresolvedValue('Ref AWS::Partition'), new UnresolvedValue('Ref AWS::URLSuffix')]);
});

test('Fn::Join of known parts is a string', () => {
  const v = values({ account: '111122223333', region: 'us-east-1' });
  expect(v.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/Deploy']] }))
    .toBe('arn:aws:iam::111122223333:role/Deploy');
});

test('Fn::Join with an unknown part keeps the known text around it', () => {
  const joined = values().resolve({ 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':role/Deploy']] });
  expect(joined).toEqual(new PartialString(['arn:aws:iam::', new UnresolvedValue('Ref AWS::AccountId'), ':role/Deploy']));
});

test('Fn::Sub fills references and attributes, and writes ${!Literal} as ${Literal}', () => {
  const v = values({ region: 'us-east-1' }, { 'Role.Arn': 'arn:aws:iam::1:role/R' });
  expect(v.resolve({ 'Fn::Sub': ['${Prefix}${Name} in ${AWS::Region} by ${Role.Arn}, ${!aws:PrincipalAccount}', { Name: 'x' }] }))
    .toBe('cdk-x in us-east-1 by arn:aws:iam::1:role/R, ${aws:PrincipalAccount}');
});

test('Fn::GetAtt is unresolved unless given, and names the resource type', () => {
  expect(values().resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toEqual(new UnresolvedValue('Fn::GetAtt Role.Arn (AWS::IAM::Role)'));
  expect(values({}, { 'Role.Arn': 'arn:aws:iam::1:role/R' }).resolve({ 'Fn::GetAtt': 'Role.Arn' })).toBe('arn:aws:iam::1:role/R');
});

test('a Ref of a resource is unresolved unless given', () => {
  expect(values().resolve({ Ref: 'Topic' })).toEqual(new UnresolvedValue('Ref Topic (AWS::SNS::Topic)'));
  expect(values({}, { Topic: 'arn:aws:sns:us-east-1:1:t' }).resolve({ Ref: 'Topic' })).toBe('arn:aws:sns:us-east-1:1:t');
});

test('Fn::Select and Fn::Split over known values', () => {
  expect(values().resolve({ 'Fn::Select': [4, { 'Fn::Split': [':', 'arn:aws:events:eu-west-1:999999999999:event-bus/b'] }] })).toBe('999999999999');
});

test('Fn::FindInMap over known keys', () => {
  expect(values({ region: 'us-east-1' }).resolve({ 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Home'] })).toBe('yes');
});

test('conditions are evaluated when the values they compare are known', () => {
  const v = values({ region: 'eu-west-1' });
  expect(['InUsEast1', 'Elsewhere', 'EitherRegion'].map((c) => v.condition(c))).toEqual([false, true, true]);
});

test('a condition on an unknown region is unresolved, and so is an Fn::If over it', () => {
  const v = values();
  expect(v.condition('InUsEast1')).toBeInstanceOf(UnresolvedValue);
  expect(v.resolve({ 'Fn::If': ['InUsEast1', 'a', 'b'] })).toBeInstanceOf(UnresolvedValue);
  expect(values({}, { 'AWS::Region': 'us-east-1' }).resolve({ 'Fn::If': ['InUsEast1', 'a', 'b'] })).toBe('a');
});

test('AWS::NoValue leaves the property out', () => {
  expect(values().resolve({ A: 1, B: { Ref: 'AWS::NoValue' } })).toEqual({ A: 1 });
});

test('placeholders stand for unresolved values, and each is reported with its path', () => {
  const uses: UnresolvedUse[] = [];
  const pattern = values().resolve({
    detail: { userIdentity: { arn: [{ 'anything-but': [{ 'Fn::GetAtt': ['Role', 'Arn'] }] }] } },
    account: [{ Ref: 'AWS::AccountId' }],
  });
  expect(withPlaceholders(pattern, uses, 'EventPattern')).toEqual({
    detail: { userIdentity: { arn: [{ 'anything-but': ['[unresolved: Fn::GetAtt Role.Arn (AWS::IAM::Role)]'] }] } },
    account: ['[unresolved: Ref AWS::AccountId]'],
  });
  expect(uses).toEqual([
    { path: 'EventPattern.detail.userIdentity.arn[0].anything-but[0]', description: 'Fn::GetAtt Role.Arn (AWS::IAM::Role)' },
    { path: 'EventPattern.account[0]', description: 'Ref AWS::AccountId' },
  ]);
});
