import { PRESETS } from '../../src/cli/pattern-source';
import { CloudTrailQuery, IamEventPattern, QueryDialect } from '../../src/patterns';
import { ATHENA_COLUMNS, athenaCreateTableDdl, CLOUDTRAIL_LAKE_COLUMNS, hiveType, trinoCreateTableSql, trinoType } from '../../src/patterns/private/sql/cloudtrail-tables';

const CHANGES = IamEventPattern.changes().toJson();

describe('QueryDialect', () => {
  test('names the three dialects', () => {
    expect([QueryDialect.ATHENA, QueryDialect.CLOUDTRAIL_LAKE, QueryDialect.DUCKDB].map((d) => d.name)).toEqual(['athena', 'cloudtrail-lake', 'duckdb']);
    expect(QueryDialect.of('cloudtrail-lake')).toBe(QueryDialect.CLOUDTRAIL_LAKE);
  });

  test('an unknown name fails with the names to use', () => {
    expect(() => QueryDialect.of('presto')).toThrow("QueryDialect.of: 'presto' is not a query dialect. Fix: use athena, cloudtrail-lake or duckdb.");
  });
});

describe('CloudTrailQuery', () => {
  test('every preset is exact in every dialect', () => {
    for (const dialect of [QueryDialect.ATHENA, QueryDialect.CLOUDTRAIL_LAKE, QueryDialect.DUCKDB]) {
      const table = dialect === QueryDialect.CLOUDTRAIL_LAKE ? 'eds1' : undefined;
      for (const [name, make] of Object.entries(PRESETS)) {
        const result = CloudTrailQuery.forIamEventPattern(name, make(), { dialect, table });
        expect(result.inexactReasons).toEqual([]);
        expect(result.exact).toBe(true);
        expect(result.sql).toContain(`THEN '${name}' END`);
      }
    }
  });

  test('one query for several patterns names each in pattern_name', () => {
    const result = CloudTrailQuery.forPatterns([
      { name: 'changes', pattern: CHANGES },
      { name: 'signins', pattern: IamEventPattern.consoleSignIns().toJson() },
    ], { dialect: QueryDialect.DUCKDB });
    expect(result.sql).toContain("THEN 'changes' END");
    expect(result.sql).toContain("THEN 'signins' END");
    expect(result.sql.match(/read_json\(/g)).toHaveLength(1);
  });

  test('Athena: time, accounts and regions become partition filters, widened by a day for delivery', () => {
    const result = CloudTrailQuery.forPattern('changes', CHANGES, {
      dialect: QueryDialect.ATHENA,
      table: 'security.cloudtrail_logs',
      since: '2024-01-01',
      until: '2024-02-01T00:00:00Z',
      accounts: ['111122223333'],
      regions: ['us-east-1', 'eu-west-1'],
    });
    expect(result.sql).toContain('FROM security.cloudtrail_logs');
    expect(result.sql).toContain('"timestamp" >= \'2024/01/01\'');
    expect(result.sql).toContain('"timestamp" <= \'2024/02/02\'');
    expect(result.sql).toContain("account IN ('111122223333')");
    expect(result.sql).toContain("region IN ('us-east-1', 'eu-west-1')");
    expect(result.sql).toContain("e_time >= '2024-01-01T00:00:00Z'");
    expect(result.sql).toContain("e_time < '2024-02-01T00:00:00Z'");
  });

  test('CloudTrail Lake reads eventjson and filters eventtime', () => {
    const result = CloudTrailQuery.forPattern('changes', CHANGES, { dialect: QueryDialect.CLOUDTRAIL_LAKE, table: 'EXAMPLEf852-4e8f', since: '2024-01-01' });
    expect(result.sql).toContain('json_parse(eventjson) AS rec');
    expect(result.sql).toContain("eventtime >= TIMESTAMP '2024-01-01 00:00:00'");
  });

  test('Athena: a field the table has no column for makes the result inexact, with the reason', () => {
    const result = CloudTrailQuery.forPattern('custom', JSON.stringify({ detail: { managementEvent: [false], userIdentity: { sessionContext: { sourceIdentity: ['x'] } } } }), { dialect: QueryDialect.ATHENA });
    expect(result.exact).toBe(false);
    expect(result.inexactReasons).toEqual([
      'custom: the Athena CloudTrail table has no column for detail.managementEvent (no such column), so its values are not read',
      'custom: the Athena CloudTrail table has no column for detail.userIdentity.sessionContext.sourceIdentity (no field sourceIdentity in userIdentity.sessionContext), so its values are not read',
    ]);
    // The same pattern is exact where the whole record is read.
    expect(CloudTrailQuery.forPattern('custom', JSON.stringify({ detail: { managementEvent: [false] } }), { dialect: QueryDialect.DUCKDB }).exact).toBe(true);
  });

  test('Athena: null against missing at a JSON text column, and map values, are inexact', () => {
    const nullTest = CloudTrailQuery.forPattern('p', JSON.stringify({ detail: { requestParameters: [null] } }), { dialect: QueryDialect.ATHENA });
    expect(nullTest.inexactReasons).toEqual(['p: detail.requestParameters is a JSON text column in Athena, where a JSON null and a missing field both read as NULL']);
    const inside = CloudTrailQuery.forPattern('p', JSON.stringify({ detail: { requestParameters: { userName: [{ exists: false }] } } }), { dialect: QueryDialect.ATHENA });
    expect(inside.exact).toBe(true);
    const map = CloudTrailQuery.forPattern('p', JSON.stringify({ detail: { userIdentity: { sessionContext: { webIdFederationData: { attributes: { aud: ['x'] } } } } } }), { dialect: QueryDialect.ATHENA });
    expect(map.inexactReasons[0]).toContain('map<string,string>');
  });

  test('address tests are exact in every dialect (IPv4 and IPv6 text read as event-ruler reads them)', () => {
    for (const dialect of [QueryDialect.ATHENA, QueryDialect.CLOUDTRAIL_LAKE, QueryDialect.DUCKDB]) {
      const table = dialect === QueryDialect.CLOUDTRAIL_LAKE ? 'eds1' : undefined;
      const result = CloudTrailQuery.forPattern('ip', JSON.stringify({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }] } }), { dialect, table });
      expect(result.inexactReasons).toEqual([]);
    }
  });

  describe('statements within the service\'s length limit', () => {
    const library = Object.entries(PRESETS).map(([name, make]) => ({ name, pattern: make().toJson() }));
    const lake = { dialect: QueryDialect.CLOUDTRAIL_LAKE, table: 'EXAMPLE-f852-4e8f-8bd1' };

    test('CloudTrail Lake: each statement at most 10,000 characters, every pattern in one, in order; the too long alone named', () => {
      const result = CloudTrailQuery.forPatterns(library, lake);
      expect(result.sql.length).toBeGreaterThan(10_000);
      expect(result.statements.length).toBeGreaterThan(1);
      expect(result.statements.flatMap((s) => s.patternNames)).toEqual(library.map((p) => p.name));
      for (const statement of result.statements) {
        for (const name of library.map((p) => p.name)) {
          expect(statement.sql.includes(`THEN '${name}' END`)).toBe(statement.patternNames.includes(name));
        }
        if (!result.oversizedPatterns.includes(statement.patternNames[0])) expect(statement.sql.length).toBeLessThanOrEqual(10_000);
      }
      // Oversized exactly when the pattern's statement alone is longer than the limit.
      const alone = library.filter((p) => CloudTrailQuery.forPatterns([p], lake).sql.length > 10_000).map((p) => p.name);
      expect(result.oversizedPatterns).toEqual(alone);
      for (const name of alone) expect(result.statements.find((s) => s.patternNames.includes(name))!.patternNames).toEqual([name]);
      // Greedy: no statement could have taken the next statement's first pattern.
      result.statements.slice(0, -1).forEach((statement, i) => {
        const next = result.statements[i + 1].patternNames[0];
        if (result.oversizedPatterns.includes(next) || result.oversizedPatterns.includes(statement.patternNames[0])) return;
        const joined = library.filter((p) => [...statement.patternNames, next].includes(p.name));
        expect(CloudTrailQuery.forPatterns(joined, lake).sql.length).toBeGreaterThan(10_000);
      });
    });

    test('one statement, equal to sql, when it fits (Athena: 262,144 bytes; DuckDB: no limit)', () => {
      for (const dialect of [QueryDialect.ATHENA, QueryDialect.DUCKDB]) {
        const result = CloudTrailQuery.forPatterns(library, { dialect });
        expect(result.statements).toEqual([{ sql: result.sql, patternNames: library.map((p) => p.name) }]);
        expect(result.oversizedPatterns).toEqual([]);
      }
    });

    test('each field path is read once, from its parent: the SQL grows with the depth of a path, not exponentially', () => {
      const nested = (depth: number) => {
        let value: unknown = ['x'];
        for (let i = depth; i >= 1; i--) value = { [`k${i}`]: value };
        return JSON.stringify({ detail: value });
      };
      for (const dialect of [QueryDialect.ATHENA, QueryDialect.CLOUDTRAIL_LAKE, QueryDialect.DUCKDB]) {
        const table = dialect === QueryDialect.CLOUDTRAIL_LAKE ? lake.table : undefined;
        const length = (depth: number) => CloudTrailQuery.forPattern('deep', nested(depth), { dialect, table }).sql.length;
        const [l4, l8, l16] = [length(4), length(8), length(16)];
        // At most quadratic (the array walk of a path visits each prefix): doubling the depth at most quadruples the growth.
        expect(l16 - l8).toBeLessThan(4.5 * (l8 - l4));
        expect(l16).toBeLessThan(150_000);
      }
    });
  });

  test('the SQL is the same for the same input (stable text, for the Python twin)', () => {
    const options = { dialect: QueryDialect.ATHENA, since: '2024-01-01' };
    expect(CloudTrailQuery.forPattern('changes', CHANGES, options).sql).toBe(CloudTrailQuery.forPattern('changes', CHANGES, options).sql);
  });

  describe('bad input fails with the fix', () => {
    const d = { dialect: QueryDialect.DUCKDB };
    test.each([
      ['no patterns', () => CloudTrailQuery.forPatterns([], d), 'CloudTrailQuery.forPatterns: no patterns were given. Fix: pass at least one NamedEventPattern.'],
      ['duplicate names', () => CloudTrailQuery.forPatterns([{ name: 'a', pattern: CHANGES }, { name: 'a', pattern: CHANGES }], d), "two patterns are named 'a'."],
      ['invalid pattern', () => CloudTrailQuery.forPattern('bad', '{"source": "aws.iam"}', d), "pattern 'bad': "],
      ['since not a date', () => CloudTrailQuery.forPattern('a', CHANGES, { ...d, since: '2024-13-01' }), "since '2024-13-01' is not a UTC date or time. Fix: write since as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ."],
      ['until with milliseconds', () => CloudTrailQuery.forPattern('a', CHANGES, { ...d, until: '2024-01-01T00:00:00.5Z' }), "until '2024-01-01T00:00:00.5Z' is not a UTC date or time."],
      ['account', () => CloudTrailQuery.forPattern('a', CHANGES, { ...d, accounts: ['1234'] }), "accounts holds '1234', which is not a 12-digit account id."],
      ['region', () => CloudTrailQuery.forPattern('a', CHANGES, { ...d, regions: ['US-EAST-1'] }), "regions holds 'US-EAST-1', which is not a region name such as us-east-1."],
      ['athena table', () => CloudTrailQuery.forPattern('a', CHANGES, { dialect: QueryDialect.ATHENA, table: 'x; DROP TABLE y' }), "table 'x; DROP TABLE y' is not a table name."],
      ['lake without store', () => CloudTrailQuery.forPattern('a', CHANGES, { dialect: QueryDialect.CLOUDTRAIL_LAKE }), 'CloudTrail Lake needs the event data store id as table, got none.'],
    ])('%s', (_name, call, message) => {
      expect(call).toThrow(message);
    });
  });
});

describe('cloudtrail-tables', () => {
  test('Athena columns follow the documented DDL, with the record keys', () => {
    expect(ATHENA_COLUMNS.map((c) => c.name)).toEqual([
      'eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
      'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
      'readonly', 'resources', 'eventtype', 'apiversion', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid',
      'vpcendpointid', 'vpcendpointaccountid', 'eventcategory', 'addendum', 'sessioncredentialfromconsole', 'edgedevicedetails', 'tlsdetails',
    ]);
    expect(ATHENA_COLUMNS.find((c) => c.name === 'sourceipaddress')!.recordKey).toBe('sourceIPAddress');
    expect(hiveType(ATHENA_COLUMNS.find((c) => c.name === 'resources')!.type)).toBe('array<struct<arn:string,accountid:string,type:string>>');
    expect(trinoType(ATHENA_COLUMNS.find((c) => c.name === 'tlsdetails')!.type)).toBe('ROW(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR)');
  });

  test('the organization-trail table with partition projection', () => {
    const ddl = athenaCreateTableDdl('cloudtrail_logs', {
      bucket: 'trail-bucket', prefix: 'org', organizationId: 'o-abcdefghij', accounts: ['111122223333'], regions: ['us-east-1'], firstDay: '2024/01/01',
    });
    expect(ddl).toContain('PARTITIONED BY (`account` string, `region` string, `timestamp` string)');
    expect(ddl).toContain("LOCATION 's3://trail-bucket/org/AWSLogs/o-abcdefghij'");
    expect(ddl).toContain("'storage.location.template'='s3://trail-bucket/org/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${timestamp}'");
    expect(ddl).toContain("'projection.timestamp.range'='2024/01/01,NOW'");
  });

  test('CloudTrail Lake columns include eventjson, and Trino DDL can be made from either', () => {
    expect(CLOUDTRAIL_LAKE_COLUMNS.map((c) => c.name)).toContain('eventjson');
    expect(trinoCreateTableSql('t', ATHENA_COLUMNS, ['account'])).toMatch(/^CREATE TABLE t \(\n {2}eventversion VARCHAR,[\s\S]*\n {2}"account" VARCHAR\n\)$/);
  });
});
