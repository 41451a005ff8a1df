import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  allGlobalEventsRegions, checkRegion, checkRegionPartition, globalEventsRegion, partitionOfRegion, supportsCrossRegionBusTargets,
  urlSuffixOfPartition,
} from '../../src/identifiers/regions';

describe('partitions', () => {
  test('maps regions to partitions', () => {
    expect(['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1'].map(partitionOfRegion))
      .toEqual(['aws', 'aws-us-gov', 'aws-cn', 'aws-iso', 'aws-iso-b']);
  });
  test('maps the European Sovereign Cloud and the newer isolated regions to their partitions', () => {
    expect(['eusc-de-east-1', 'eu-isoe-west-1', 'us-isof-south-1'].map(partitionOfRegion))
      .toEqual(['aws-eusc', 'aws-iso-e', 'aws-iso-f']);
  });
  test('gives the endpoint domain suffix of every partition a region maps to, as aws-cdk-lib\'s region facts do', () => {
    const regions = ['us-east-1', 'us-gov-west-1', 'cn-north-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1', 'eusc-de-east-1'];
    expect(regions.map((r) => urlSuffixOfPartition(partitionOfRegion(r)))).toEqual([
      'amazonaws.com', 'amazonaws.com', 'amazonaws.com.cn', 'c2s.ic.gov', 'sc2s.sgov.gov', 'cloud.adc-e.uk', 'csp.hci.ic.gov', 'amazonaws.eu',
    ]);
    expect(regions.map((r) => urlSuffixOfPartition(partitionOfRegion(r)))).toEqual(regions.map((r) => RegionInfo.get(r).domainSuffix));
  });
  test('agrees with aws-cdk-lib\'s region facts on the partition of every region it knows', () => {
    const known = RegionInfo.regions;
    expect(known.length).toBeGreaterThan(30);
    expect(known.filter((r) => partitionOfRegion(r.name) !== r.partition).map((r) => r.name)).toEqual([]);
  });
  test('has no URL suffix for a partition it does not know, nor for an inherited property name', () => {
    expect(['aws-new', 'toString', ''].map(urlSuffixOfPartition)).toEqual([undefined, undefined, undefined]);
  });
  test('cross-region bus targets are unsupported in GovCloud and China only', () => {
    expect(['aws', 'aws-us-gov', 'aws-cn'].map(supportsCrossRegionBusTargets)).toEqual([true, false, false]);
  });
  test('global-service events arrive in one home region per partition, unknown for the isolated ones', () => {
    expect(['aws', 'aws-us-gov', 'aws-cn', 'aws-iso'].map(globalEventsRegion)).toEqual(['us-east-1', 'us-gov-west-1', 'cn-north-1', undefined]);
    expect(allGlobalEventsRegions()).toEqual(['us-east-1', 'us-gov-west-1', 'cn-north-1']);
  });
});

describe('checkRegion', () => {
  test.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'ap-southeast-7'])('accepts %p', (region) => {
    expect(() => checkRegion('Builder', 'region', region)).not.toThrow();
  });
  test.each(['us-east', 'us-east-1a', 'US-EAST-1', 'US East (N. Virginia)'])('rejects %p naming the value and the fix', (region) => {
    expect(() => checkRegion('Builder', 'region', region))
      .toThrow(`Builder: region '${region}' is not an AWS region name. Fix: write a region code such as us-east-1`);
  });
  test('lets an unresolved token through', () => {
    expect(() => checkRegion('Builder', 'region', Token.asString({ Ref: 'Region' }))).not.toThrow();
  });
});

describe('checkRegionPartition', () => {
  test('rejects a region of another partition, naming both partitions and why they must agree', () => {
    expect(() => checkRegionPartition('Builder', 'region', 'cn-north-1', 'aws', 'the trail', 'a reason'))
      .toThrow("Builder: region 'cn-north-1' is in partition 'aws-cn', but the trail is in partition 'aws'. Fix: give a region of partition 'aws': a reason.");
  });
  test('accepts a region of the partition', () => {
    expect(() => checkRegionPartition('Builder', 'region', 'us-gov-east-1', 'aws-us-gov', 'the trail', 'a reason')).not.toThrow();
  });
  test('skips the check when the region or the partition is unresolved', () => {
    expect(() => checkRegionPartition('Builder', 'region', Token.asString({ Ref: 'Region' }), 'aws', 'the trail', 'a reason')).not.toThrow();
    expect(() => checkRegionPartition('Builder', 'region', 'cn-north-1', Token.asString({ Ref: 'AWS::Partition' }), 'the stack', 'a reason')).not.toThrow();
  });
});
