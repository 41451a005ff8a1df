import { Lazy } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { InputTransformerProps, InputTransformerRenderer } from '../../../src/patterns/engine/input-transformer';

/** The Amazon EC2 event of the EventBridge user guide's "Input transform examples". */
const EC2_EVENT = {
  'version': '0',
  'id': '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  'source': 'aws.ec2',
  'account': '123456789012',
  'time': '2015-11-11T21:29:54Z',
  'region': 'us-east-1',
  'resources': ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  'detail': { 'instance-id': 'i-0123456789', 'state': 'RUNNING' },
};
/** The guide's Input Path for that event. */
const EC2_PATHS = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  resource: '$.resources[0]',
};

/** An event whose detail holds one value of each JSON kind. */
const KINDS_EVENT = {
  'version': '0',
  'id': 'e-1',
  'detail-type': 'Kinds',
  'source': 'test.kinds',
  'account': '111122223333',
  'time': '2024-08-01T13:33:28Z',
  'region': 'eu-west-1',
  'resources': [],
  'detail': {
    text: 'plain',
    tricky: 'say "hi" \\ bye\nnext',
    count: 42,
    ratio: 0.5,
    flag: true,
    nothing: null,
    object: { key1: 'value1', n: 1 },
    list: ['a', 2, false],
  },
};
const KINDS_PATHS = {
  text: '$.detail.text',
  tricky: '$.detail.tricky',
  count: '$.detail.count',
  ratio: '$.detail.ratio',
  flag: '$.detail.flag',
  nothing: '$.detail.nothing',
  object: '$.detail.object',
  list: '$.detail.list',
  missing: '$.detail.notInTheEvent',
};

function ec2(inputTemplate: string): string {
  return InputTransformerRenderer.renderEvent({ inputPathsMap: EC2_PATHS, inputTemplate }, EC2_EVENT);
}
function kinds(inputTemplate: string): string {
  return InputTransformerRenderer.renderEvent({ inputPathsMap: KINDS_PATHS, inputTemplate }, KINDS_EVENT);
}

describe('worked examples of the EventBridge user guide', () => {
  test('simple string: the delivered text keeps the template quotes', () => {
    expect(ec2('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
  });

  test('string with escaped quotes: template escapes are delivered as typed', () => {
    expect(ec2('"instance \\"<instance>\\" is in <state>"')).toBe('"instance \\"i-0123456789\\" is in RUNNING"');
  });

  test('simple JSON: a bare placeholder holding a string is quoted', () => {
    expect(ec2('{\n  "instance" : <instance>,\n  "state": <state>\n}'))
      .toBe('{\n  "instance" : "i-0123456789",\n  "state": "RUNNING"\n}');
  });

  test('JSON with strings and variables', () => {
    expect(ec2('{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}'))
      .toBe('{\n "instance" : "i-0123456789",\n "state": "RUNNING",\n "instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"\n}');
  });

  test('JSON with a mix of variables and static information', () => {
    expect(ec2('{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}'))
      .toBe('{\n  "instance" : "i-0123456789",\n  "state": [ 9, "RUNNING", true ],\n  "Transformed" : "Yes"\n}');
  });

  test('reserved variables in a string', () => {
    expect(ec2('"<aws.events.rule-name> triggered"')).toBe('"example triggered"');
  });

  test('array index path from the guide\'s Input Path', () => {
    expect(ec2('"<resource>"')).toBe('"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"');
  });

  test('the tutorial\'s SNS message keeps its quotes', () => {
    const out = InputTransformerRenderer.renderEvent(
      { inputPathsMap: { 'detail-type': '$.detail-type' }, inputTemplate: '"This event was of <detail-type> type."' },
      { 'detail-type': 'customerCreated' },
    );
    expect(out).toBe('"This event was of customerCreated type."');
  });
});

describe('a placeholder inside a JSON string', () => {
  test('a string is inserted without escaping its quotes, backslashes and newlines', () => {
    expect(kinds('"v=<tricky>"')).toBe('"v=say "hi" \\ bye\nnext"');
  });

  test('a number is inserted as its JSON text', () => {
    expect(kinds('"n=<count> r=<ratio>"')).toBe('"n=42 r=0.5"');
  });

  test('a boolean is inserted as its JSON text', () => {
    expect(kinds('"f=<flag>"')).toBe('"f=true"');
  });

  test('null is inserted as null', () => {
    expect(kinds('"x=<nothing>"')).toBe('"x=null"');
  });

  test('an object is inserted as JSON with its double quotes removed', () => {
    expect(kinds('"Detail is <object>"')).toBe('"Detail is {key1:value1,n:1}"');
  });

  test('an array is inserted as JSON with its double quotes removed', () => {
    expect(kinds('"l=<list>"')).toBe('"l=[a,2,false]"');
  });

  test('a path missing from the event inserts nothing', () => {
    expect(kinds('"info extracted from detail <missing>"')).toBe('"info extracted from detail "');
  });
});

describe('a placeholder outside a JSON string', () => {
  test('a string is inserted as a JSON string, escaped', () => {
    expect(kinds('{"v": <tricky>}')).toBe('{"v": "say \\"hi\\" \\\\ bye\\nnext"}');
  });

  test('a number is inserted as a JSON number', () => {
    expect(kinds('{"n": <count>, "r": <ratio>}')).toBe('{"n": 42, "r": 0.5}');
  });

  test('a boolean is inserted as a JSON boolean', () => {
    expect(kinds('{"f": <flag>}')).toBe('{"f": true}');
  });

  test('null is inserted as JSON null', () => {
    expect(kinds('{"x": <nothing>}')).toBe('{"x": null}');
  });

  test('an object is inserted as minified JSON', () => {
    expect(kinds('{"o": <object>}')).toBe('{"o": {"key1":"value1","n":1}}');
  });

  test('an array is inserted as minified JSON', () => {
    expect(kinds('{"l": <list>}')).toBe('{"l": ["a",2,false]}');
  });

  test('a path missing from the event inserts an empty JSON string', () => {
    expect(kinds('{"detailType": <text>, "command": <missing>}')).toBe('{"detailType": "plain", "command": ""}');
  });

  test('any JSON value round-trips through a bare placeholder', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const out = InputTransformerRenderer.renderEvent(
        { inputPathsMap: { v: '$.detail.v' }, inputTemplate: '{"v": <v>}' },
        { detail: { v: value } },
      );
      expect(JSON.stringify(JSON.parse(out))).toBe(JSON.stringify({ v: value }));
    }));
  });
});

describe('template text', () => {
  test('whitespace around placeholders, including a trailing newline, is kept', () => {
    expect(kinds('{ "t" :\t<text> }\n')).toBe('{ "t" :\t"plain" }\n');
  });

  test('a placeholder used several times is filled each time', () => {
    expect(kinds('"<text>/<text>"')).toBe('"plain/plain"');
  });

  test('CDK multi-line form: each line keeps its quotes and lines stay separate', () => {
    expect(kinds('"Text: <text>"\n"Count: <count>"')).toBe('"Text: plain"\n"Count: 42"');
  });

  test('a bare placeholder in a plain-text template is filled as JSON', () => {
    expect(ec2('<instance> is in state <state>')).toBe('"i-0123456789" is in state "RUNNING"');
  });

  test('a quoted placeholder in a plain-text template is filled as text', () => {
    expect(ec2('Instance "<instance>" changed')).toBe('Instance "i-0123456789" changed');
  });

  test('angle brackets that do not enclose a name are literal text', () => {
    expect(kinds('"1 < 2 > 0 and <text>"')).toBe('"1 < 2 > 0 and plain"');
  });

  test('an escaped quote does not end the string a placeholder is in', () => {
    expect(kinds('"a \\"b <object>"')).toBe('"a \\"b {key1:value1,n:1}"');
  });
});

describe('JSON paths', () => {
  const EVENT = {
    'detail-type': 'x',
    'resources': ['r0', 'r1'],
    'detail': {
      'a': { b: { c: 'deep' } },
      'items': [{ id: 'i0', tag: 't0' }, { id: 'i1' }],
      'dash-name': 'dashed',
      'under_score': 'underscored',
      'slash/name': 'slashed',
      'scalar': 'text',
    },
  };
  function value(path: string): string {
    return InputTransformerRenderer.renderEvent({ inputPathsMap: { v: path }, inputTemplate: '{"v": <v>}' }, EVENT);
  }

  test('$ is the whole event', () => {
    expect(value('$')).toBe(`{"v": ${JSON.stringify(EVENT)}}`);
  });

  test('dot notation reaches nested fields', () => {
    expect(value('$.detail.a.b.c')).toBe('{"v": "deep"}');
  });

  test('an array index selects one element', () => {
    expect(value('$.resources[1]')).toBe('{"v": "r1"}');
  });

  test('an index can be followed by a field', () => {
    expect(value('$.detail.items[0].id')).toBe('{"v": "i0"}');
  });

  test('field names may contain dashes, underscores and slashes', () => {
    expect(value('$.detail.dash-name') + value('$.detail.under_score') + value('$.detail.slash/name'))
      .toBe('{"v": "dashed"}{"v": "underscored"}{"v": "slashed"}');
  });

  test('[*] selects every element, skipping those without the next field', () => {
    expect(value('$.detail.items[*].tag')).toBe('{"v": ["t0"]}');
  });

  test('.* selects every field value of an object', () => {
    expect(value('$.detail.a.b.*')).toBe('{"v": ["deep"]}');
  });

  test('an index past the end of the array is a missing path', () => {
    expect(value('$.resources[2]')).toBe('{"v": ""}');
  });

  test('a field of a non-object is a missing path', () => {
    expect(value('$.detail.scalar.length')).toBe('{"v": ""}');
  });

  test('a field of an array is a missing path', () => {
    expect(value('$.resources.0')).toBe('{"v": ""}');
  });
});

describe('predefined variables', () => {
  const EVENT = {
    'version': '0',
    'id': 'abc-123',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.iam',
    'account': '111122223333',
    'time': '2024-08-01T13:33:28Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': { eventName: 'CreateUser' },
  };
  function render(inputTemplate: string, context?: object, event: object = EVENT): string {
    return InputTransformerRenderer.renderEvent({ inputTemplate }, event, context);
  }

  test('they need no InputPathsMap entry', () => {
    expect(render('"<aws.events.rule-name>"')).toBe('"example"');
  });

  test('rule ARN defaults to the event\'s region and account and the default rule name', () => {
    expect(render('"<aws.events.rule-arn>"')).toBe('"arn:aws:events:us-east-1:111122223333:rule/example"');
  });

  test('rule ARN default uses the partition of a China region', () => {
    expect(render('"<aws.events.rule-arn>"', {}, { ...EVENT, region: 'cn-north-1' }))
      .toBe('"arn:aws-cn:events:cn-north-1:111122223333:rule/example"');
  });

  test('rule ARN default uses the partition of a GovCloud region', () => {
    expect(render('"<aws.events.rule-arn>"', {}, { ...EVENT, region: 'us-gov-west-1' }))
      .toBe('"arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/example"');
  });

  test.each([
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('rule ARN default for an event from %s is in partition %s', (region, partition) => {
    expect(render('"<aws.events.rule-arn>"', {}, { ...EVENT, region }))
      .toBe(`"arn:${partition}:events:${region}:111122223333:rule/example"`);
  });

  test('rule ARN default falls back to us-east-1 and 123456789012 for an event without them', () => {
    expect(render('"<aws.events.rule-arn>"', {}, { detail: {} })).toBe('"arn:aws:events:us-east-1:123456789012:rule/example"');
  });

  test('rule ARN default uses the given rule name', () => {
    expect(render('"<aws.events.rule-arn>"', { ruleName: 'iam-alerts' })).toBe('"arn:aws:events:us-east-1:111122223333:rule/iam-alerts"');
  });

  test('rule name defaults to the last part of a given rule ARN (custom bus form)', () => {
    expect(render('"<aws.events.rule-name>"', { ruleArn: 'arn:aws:events:eu-west-1:111122223333:rule/central-bus/iam-alerts' }))
      .toBe('"iam-alerts"');
  });

  test('context values are used as given', () => {
    expect(render('{"arn": <aws.events.rule-arn>, "name": <aws.events.rule-name>}', { ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example', ruleName: 'other' }))
      .toBe('{"arn": "arn:aws:events:us-east-2:123456789012:rule/example", "name": "other"}');
  });

  test('ingestion time defaults to the event time', () => {
    expect(render('"<aws.events.event.ingestion-time>"')).toBe('"2024-08-01T13:33:28Z"');
  });

  test('ingestion time from the context wins over the event time', () => {
    expect(render('"<aws.events.event.ingestion-time>"', { ingestionTime: '2024-08-01T13:34:02Z' })).toBe('"2024-08-01T13:34:02Z"');
  });

  test('ingestion time without an event time or a context value fails with the fix', () => {
    expect(() => render('"<aws.events.event.ingestion-time>"', {}, { detail: {} })).toThrow(/no "time" field\. Fix: pass RenderContext\.ingestionTime/);
  });

  test('aws.events.event is the event without detail, detail-type named detailType, in EventBridge\'s field order', () => {
    expect(render('{"originalEvent": <aws.events.event>}')).toBe(
      '{"originalEvent": {"id":"abc-123","account":"111122223333","detailType":"AWS API Call via CloudTrail",'
      + '"time":"2024-08-01T13:33:28Z","source":"aws.iam","region":"us-east-1","resources":[],"version":"0"}}',
    );
  });

  test('aws.events.event keeps fields outside the standard envelope after the standard ones', () => {
    expect(render('{"e": <aws.events.event>}', {}, { 'detail': {}, 'extra': 1, 'id': 'x', 'detail-type': 'y' }))
      .toBe('{"e": {"id":"x","detailType":"y","extra":1}}');
  });

  test('aws.events.event.json is the whole event as minified JSON', () => {
    expect(render('{"originalEventJson": <aws.events.event.json>}')).toBe(`{"originalEventJson": ${JSON.stringify(EVENT)}}`);
  });
});

describe('check', () => {
  const ok: InputTransformerProps = { inputPathsMap: { name: '$.detail.eventName' }, inputTemplate: '"<name>"' };

  test('accepts a valid transformer', () => {
    expect(InputTransformerRenderer.check(ok)).toEqual([]);
  });

  test('accepts a template without InputPathsMap that uses only predefined variables', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: '{"e": <aws.events.event.json>, "r": "<aws.events.rule-arn>"}' })).toEqual([]);
  });

  test('accepts a CDK multi-line template, which is not one JSON value', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { a: '$.a' }, inputTemplate: '"line <a>"\n"line 2"' })).toEqual([]);
  });

  test('accepts 100 InputPathsMap entries', () => {
    const map = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, `$.detail.f${i}`]));
    expect(InputTransformerRenderer.check({ inputPathsMap: map, inputTemplate: '"x"' })).toEqual([]);
  });

  test('rejects 101 InputPathsMap entries', () => {
    const map = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, `$.detail.f${i}`]));
    expect(InputTransformerRenderer.check({ inputPathsMap: map, inputTemplate: '"x"' }))
      .toEqual(['InputPathsMap has 101 entries; EventBridge accepts at most 100: remove the variables the template does not need']);
  });

  test('rejects a key with the reserved prefix aws., in any case', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { 'AWS.events.rule-name': '$.x' }, inputTemplate: '"x"' }))
      .toEqual([expect.stringMatching(/^InputPathsMap key "AWS\.events\.rule-name" uses the reserved prefix "aws\."/)]);
  });

  test('rejects a key with characters outside [A-Za-z0-9_-], suggesting a fixed name', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { 'user name': '$.x' }, inputTemplate: '"x"' }))
      .toEqual(['InputPathsMap key "user name" may contain only letters, digits, "_" and "-" (EventBridge key pattern [A-Za-z0-9_-]+), e.g. "user-name"']);
  });

  test('rejects a key longer than 256 characters', () => {
    const key = 'k'.repeat(257);
    expect(InputTransformerRenderer.check({ inputPathsMap: { [key]: '$.x' }, inputTemplate: '"x"' }))
      .toEqual([`InputPathsMap key "${key}" is 257 characters long; EventBridge accepts 1 to 256`]);
  });

  test('rejects an empty key', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { '': '$.x' }, inputTemplate: '"x"' }))
      .toEqual(['InputPathsMap key "" is 0 characters long; EventBridge accepts 1 to 256']);
  });

  test.each([
    ['detail.eventName', /must start with "\$"/],
    ['', /the path is empty/],
    ['$..eventName', /deep scan "\.\." at position 1/],
    ["$['detail']", /is not an array index; use dot notation/],
    ['$.detail[1:2]', /"\[1:2\]" at position 8 is not an array index/],
    ['$.detail.', /expected a field name after "\." at position 8, found the end of the path/],
    ['$.detail.user name', /unexpected " " at position 13/],
    ['$.detail[0', /"\[" at position 8 is never closed/],
    [`$.${'a'.repeat(255)}`, /257 characters long; EventBridge accepts at most 256/],
  ])('rejects the path %j', (path, reason) => {
    const errors = InputTransformerRenderer.check({ inputPathsMap: { v: path }, inputTemplate: '"<v>"' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^InputPathsMap "v" has an invalid JSON path ${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(errors[0]).toMatch(reason);
  });

  test('rejects a path that is not a string', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { v: 5 as unknown as string }, inputTemplate: '"x"' }))
      .toEqual(['InputPathsMap "v" must map to a JSON path string such as "$.detail.eventName", got number']);
  });

  test('rejects an empty template', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: '' })).toEqual(['InputTemplate is 0 characters long; EventBridge accepts 1 to 8192']);
  });

  test('accepts a template of 8,192 characters', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: `"${'x'.repeat(8190)}"` })).toEqual([]);
  });

  test('rejects a template of 8,193 characters', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: `"${'x'.repeat(8191)}"` })).toEqual(['InputTemplate is 8193 characters long; EventBridge accepts 1 to 8192']);
  });

  test('rejects a template that is not a string', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: { 'Fn::Join': [] } as unknown as string }))
      .toEqual(['InputTemplate must be a string, got object; pass the InputTemplate text of the rule target']);
  });

  test('rejects an unknown placeholder once, naming it and the fix', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { name: '$.n' }, inputTemplate: '"<nmae> and <nmae>"' })).toEqual([
      'InputTemplate contains invalid placeholder <nmae>: it is neither an InputPathsMap key nor a predefined variable '
      + '(aws.events.rule-arn, aws.events.rule-name, aws.events.event.ingestion-time, aws.events.event, aws.events.event.json); '
      + 'add "nmae" to InputPathsMap or correct the name',
    ]);
  });

  test('rejects aws.events.event inside a string', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: '{"e": "was <aws.events.event>"}' }))
      .toEqual(['InputTemplate uses <aws.events.event> inside a string at offset 11; its content is not escaped, so it can only be the value of a JSON field, e.g. {"event": <aws.events.event>}']);
  });

  test('rejects aws.events.event.json inside a string', () => {
    expect(InputTransformerRenderer.check({ inputTemplate: '"<aws.events.event.json>"' }))
      .toEqual([expect.stringMatching(/^InputTemplate uses <aws\.events\.event\.json> inside a string at offset 1;/)]);
  });

  test('rejects a bare placeholder used as an object key', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { k: '$.k' }, inputTemplate: '{ <k> : 1 }' }))
      .toEqual(['InputTemplate uses <k> as an object key at offset 2; in a JSON-object template a placeholder can only be a value, e.g. {"name": <k>}']);
  });

  test('rejects a placeholder inside a quoted object key', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { k: '$.k' }, inputTemplate: '{"key-<k>": 1}' }))
      .toEqual(['InputTemplate uses <k> as an object key at offset 6; in a JSON-object template a placeholder can only be a value, e.g. {"name": <k>}']);
  });

  test('accepts a colon after a placeholder in a string template, which has no keys', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { k: '$.k' }, inputTemplate: '"<k>": done' })).toEqual([]);
  });

  test('rejects a JSON-object template that is not valid JSON once filled', () => {
    expect(InputTransformerRenderer.check({ inputPathsMap: { k: '$.k' }, inputTemplate: '{"a": <k> "b": 1}' }))
      .toEqual([expect.stringMatching(/^InputTemplate starts with "\{" but is not valid JSON once its placeholders are filled \(.+\); fix the JSON syntax around the placeholders$/)]);
  });

  test('does not check values that are unresolved CDK tokens', () => {
    const token = Lazy.string({ produce: () => 'not a path' });
    expect(InputTransformerRenderer.check({ inputPathsMap: { v: token }, inputTemplate: Lazy.string({ produce: () => '<undefined>' }) })).toEqual([]);
  });
});

describe('bad input fails with a clear message', () => {
  test('malformed event JSON', () => {
    expect(() => InputTransformerRenderer.render({ inputTemplate: '"x"' }, '{"detail": ')).toThrow(/^InputTransformerRenderer\.render: eventJson is not valid JSON \(.+\)\. Fix: pass the event EventBridge delivers/);
  });

  test('an event that is a JSON array', () => {
    expect(() => InputTransformerRenderer.render({ inputTemplate: '"x"' }, '[]')).toThrow('InputTransformerRenderer.render: the event is an array, not a JSON object. Fix: pass the event EventBridge delivers: an object, the envelope with "detail".');
  });

  test('an event that is null', () => {
    expect(() => InputTransformerRenderer.renderEvent({ inputTemplate: '"x"' }, null)).toThrow('InputTransformerRenderer.renderEvent: the event is null, not a JSON object. Fix: pass the event EventBridge delivers: an object, the envelope with "detail".');
  });

  test('an unknown placeholder', () => {
    expect(() => InputTransformerRenderer.render({ inputTemplate: '"<who>"' }, '{}')).toThrow(/^InputTransformerRenderer\.render: the input transformer is not valid: InputTemplate contains invalid placeholder <who>.*\. Fix: correct each problem/);
  });

  test('a bad path', () => {
    expect(() => InputTransformerRenderer.render({ inputPathsMap: { who: 'detail.who' }, inputTemplate: '"<who>"' }, '{}'))
      .toThrow(/^InputTransformerRenderer\.render: the input transformer is not valid: InputPathsMap "who" has an invalid JSON path "detail\.who": a path must start with "\$"/);
  });

  test('a reserved key prefix', () => {
    expect(() => InputTransformerRenderer.render({ inputPathsMap: { 'aws.events.rule-name': '$.x' }, inputTemplate: '"x"' }, '{}'))
      .toThrow(/^InputTransformerRenderer\.render: the input transformer is not valid: InputPathsMap key "aws\.events\.rule-name" uses the reserved prefix "aws\."/);
  });

  test('an over-limit InputPathsMap', () => {
    const map = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.x']));
    expect(() => InputTransformerRenderer.render({ inputPathsMap: map, inputTemplate: '"x"' }, '{}'))
      .toThrow('InputTransformerRenderer.render: the input transformer is not valid: InputPathsMap has 101 entries; EventBridge accepts at most 100');
  });

  test('an unresolved CDK token', () => {
    expect(() => InputTransformerRenderer.render({ inputTemplate: Lazy.string({ produce: () => '"x"' }) }, '{}'))
      .toThrow(/^InputTransformerRenderer\.render: the input transformer holds unresolved CDK tokens \(InputTemplate\), which cannot be rendered\. Fix: render the values of the synthesized template/);
  });
});
