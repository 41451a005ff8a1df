import { DeployedTemplate } from './deployed-values';
import { World } from './failure-modes';

/**
 * What pipeline health costs a month, computed from the synthesized templates and the published
 * us-east-1 prices, as the README's table "What it costs" prints it.
 *
 * Prices: https://aws.amazon.com/cloudwatch/pricing/ (standard alarm metric, Metrics Insights
 * alarm per metric analyzed, custom metric, Logs ingestion and storage),
 * https://aws.amazon.com/kms/pricing/, https://aws.amazon.com/eventbridge/pricing/ (Scheduler
 * invocations, cross-account events), https://aws.amazon.com/cloudtrail/pricing/ (first copy of
 * management events free).
 */
export const PRICES = {
  alarmMetric: 0.10,
  metricsInsightsMetricAnalyzed: 0.10,
  customMetric: 0.30,
  logsIngestionPerGb: 0.50,
  logsStoragePerGbMonth: 0.03,
  kmsKey: 1.00,
  schedulerPerMillion: 1.00,
  crossAccountEventsPerMillion: 1.00,
};

/** Heartbeats a month at the default 15-minute interval (730 hours). */
export const HEARTBEATS_A_MONTH = 730 * 4;
/** The size of one heartbeat event as the log group stores it, rounded up. */
const HEARTBEAT_BYTES = 3_000;
/** What the previous release created without health checks: the trail's and the alert topic's keys, three delivery alarms. */
const BEFORE = { singleKeys: 2, singleAlarms: 3, centralKeys: 1, centralAlarms: 3 };

function count(d: DeployedTemplate, type: string): number {
  return d.ofType(type).length;
}

function metricsInsightsAlarms(d: DeployedTemplate): number {
  return d.ofType('AWS::CloudWatch::Alarm')
    .filter(([, a]) => (a.Properties.Metrics ?? []).some((m: any) => typeof m.Expression === 'string' && m.Expression.startsWith('SELECT'))).length;
}

const dollars = (n: number) => `$${n.toFixed(2)}`;

export interface CostLines {
  readonly single: { keys: number; alarms: number; total: number };
  readonly member: { alarms: number; total: number };
  readonly central: { keys: number; alarms: number; metricsInsights: number; total: number };
}

export function costs(world: World): CostLines {
  const logGb = (HEARTBEATS_A_MONTH * HEARTBEAT_BYTES) / 1e9;
  // A year of heartbeats kept (the log's retention), at its steady size.
  const logs = logGb * PRICES.logsIngestionPerGb + 12 * logGb * PRICES.logsStoragePerGbMonth;
  const scheduled = (HEARTBEATS_A_MONTH / 1e6) * PRICES.schedulerPerMillion;

  const singleKeys = count(world.single, 'AWS::KMS::Key') - BEFORE.singleKeys;
  const singleAlarms = count(world.single, 'AWS::CloudWatch::Alarm') - BEFORE.singleAlarms;
  const memberAlarms = count(world.member, 'AWS::CloudWatch::Alarm');
  const centralKeys = count(world.central, 'AWS::KMS::Key') - BEFORE.centralKeys;
  const centralMi = metricsInsightsAlarms(world.central);
  const centralAlarms = count(world.central, 'AWS::CloudWatch::Alarm') - BEFORE.centralAlarms;
  return {
    single: { keys: singleKeys, alarms: singleAlarms, total: singleKeys * PRICES.kmsKey + singleAlarms * PRICES.alarmMetric + scheduled + logs },
    member: {
      alarms: memberAlarms,
      total: memberAlarms * PRICES.alarmMetric + scheduled + (HEARTBEATS_A_MONTH / 1e6) * PRICES.crossAccountEventsPerMillion
        // Its series in the central account: one custom metric (Account, Region), one contributor of a Metrics Insights alarm, its log.
        + PRICES.customMetric + PRICES.metricsInsightsMetricAnalyzed + logs,
    },
    central: {
      keys: centralKeys,
      alarms: centralAlarms,
      metricsInsights: centralMi,
      // Metrics Insights alarms are billed per series analyzed: in the member line.
      total: centralKeys * PRICES.kmsKey + (centralAlarms - centralMi) * PRICES.alarmMetric,
    },
  };
}

/** The README's cost table. */
export function renderCosts(world: World): string {
  const c = costs(world);
  return [
    '| | added resources | per month |',
    '|---|---|---|',
    `| \`IamChangeAlerting\` (one account) | ${c.single.keys} KMS keys (health topic, heartbeat log), ${c.single.alarms} alarms, `
      + `${HEARTBEATS_A_MONTH.toLocaleString('en-US')} scheduled calls, a few MB of heartbeat log | about ${dollars(c.single.total)} |`,
    `| each member account of an organization (forwarder in us-east-1 only) | ${c.member.alarms} member alarms, `
      + `${HEARTBEATS_A_MONTH.toLocaleString('en-US')} scheduled calls and cross-account events, and its heartbeat series in the central account `
      + '(1 custom metric, 1 Metrics Insights alarm contributor, a few MB of log) | about ' + `${dollars(c.member.total)} |`,
    `| each further forwarder region (sign-in regions) | ${c.member.alarms} member alarms | ${dollars(c.member.alarms * PRICES.alarmMetric)} |`,
    `| the central account, once | ${c.central.keys} KMS keys, ${c.central.alarms} alarms (${c.central.metricsInsights} of them Metrics Insights alarms, `
      + `billed in the member line) | about ${dollars(c.central.total)} |`,
  ].join('\n');
}
