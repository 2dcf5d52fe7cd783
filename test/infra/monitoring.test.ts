import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { REVEAL_ROUTES } from '../../shared/http/routes';
import { defaultTemplate } from '../fixtures/default-template';

// The default (dev) app, without bundling (stack.test.ts checks the bundles), cdk-nag on: the
// template shared by the infra tests (fixtures/default-template.ts). The metric names and dimension
// values below are written out, not imported: they are the contract with the handlers.
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  template = Template.fromJSON(defaultTemplate());
  resources = template.toJSON().Resources;
});

// CloudFormation JSON is untyped: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CfnJson = any;
type Resource = { Type: string; Properties: Record<string, CfnJson> };

const NS = 'GuidanceRelay';
const WEBHOOK_OUTCOMES = [
  'accepted',
  'ignored',
  'stale',
  'invalid_signature',
  'invalid_json',
  'invalid_event',
  'payload_too_large',
  'forbidden',
  'queue_unavailable',
  'service_unavailable',
  'internal_error',
];
const GUIDANCE_OUTCOMES = ['notified', 'duplicate', 'superseded', 'retried', 'rate_limited', 'dead_lettered'];
const DEAD_LETTER_REASONS = [
  'unknown_user',
  'invalid_message',
  'bridge_rejected_request',
  'bridge_unknown_user',
  'bridge_unauthorized',
  'bridge_ip_not_allowed',
  'bridge_invalid_response',
  'retries_exhausted',
  'rate_limited_too_long',
];
const BRIDGE_CALLERS = ['session-worker', 'reveal-api'];
const BRIDGE_STATUSES = ['2xx', '3xx', '400', '401', '403', '408', '429', '5xx', 'other_4xx', 'timeout', 'network'];
// One action per reveal route of the route table (shared/http/routes.ts).
const REVEAL_ACTIONS = REVEAL_ROUTES.map((route) => route.action);
const REVEAL_OUTCOMES = ['success', 'not_found', 'invalid_request', 'unauthorized', 'service_unavailable', 'upstream_error', 'internal_error', 'rate_limited'];
const NOTIFICATION_SLUGS = ['notifications-failed', 'notifications-undelivered'];
const RUNBOOK_SLUGS = ['dead-letters', 'queue-age', 'webhook-5xx', 'worker-errors', 'worker-throttles', 'bridge-403', 'bridge-errors', 'reveal-5xx', 'kms-errors', 'password-age'];

function idOf(type: string, predicate: (id: string, resource: Resource) => boolean): string {
  const ids = Object.entries(resources)
    .filter(([id, r]) => r.Type === type && predicate(id, r))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

const fnId = (service: string) =>
  idOf('AWS::Lambda::Function', (_id, r) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === service);
const queueId = () => idOf('AWS::SQS::Queue', (id) => id.includes('GuidanceEventsQueue'));
const dlqId = () => idOf('AWS::SQS::Queue', (id) => id.includes('GuidanceEventsDlq'));
const dataKeyId = () => idOf('AWS::KMS::Key', (id) => id.startsWith('DataKey'));
const alarmTopicId = () => idOf('AWS::SNS::Topic', (_id, r) => r.Properties.TopicName === 'GuidanceRelay-dev-alarms');

/** `Namespace/MetricName{dim=value,…} Stat Period`, dimensions sorted; references as `@LogicalId`. */
function describeStat(stat: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: CfnJson }[] }, statistic: string, period: number): string {
  const dims = (stat.Dimensions ?? [])
    .map(({ Name, Value }) => `${Name}=${typeof Value === 'string' ? Value : `@${Value.Ref ?? Value['Fn::GetAtt'][0]}`}`)
    .sort()
    .join(',');
  return `${stat.Namespace}/${stat.MetricName}{${dims}} ${statistic} ${period}`;
}

function alarm(slug: string): Record<string, CfnJson> {
  return resources[idOf('AWS::CloudWatch::Alarm', (_id, r) => r.Properties.AlarmName === `GuidanceRelay-dev-${slug}`)]!.Properties;
}

/** Every metric an alarm reads, plain or inside its math expression. */
function alarmMetrics(props: Record<string, CfnJson>): string[] {
  if (!props.Metrics) return [describeStat(props as CfnJson, props.Statistic, props.Period)];
  return (props.Metrics as CfnJson[]).filter((m) => m.MetricStat).map((m) => describeStat(m.MetricStat.Metric, m.MetricStat.Stat, m.MetricStat.Period));
}

function alarmExpression(props: Record<string, CfnJson>): { expression: string; ids: Record<string, string> } {
  const metrics = props.Metrics as CfnJson[];
  const returned = metrics.filter((m) => m.ReturnData !== false);
  expect(returned).toHaveLength(1);
  const ids = Object.fromEntries(
    metrics.filter((m) => m.MetricStat).map((m) => [m.Id, describeStat(m.MetricStat.Metric, m.MetricStat.Stat, m.MetricStat.Period)]),
  );
  return { expression: returned[0].Expression, ids };
}

/** Evaluates an alarm expression (FILL, IF, arithmetic) over values by metric description. */
function evaluate(props: Record<string, CfnJson>, values: Record<string, number>): number {
  const { expression, ids } = alarmExpression(props);
  const js = expression.replace(/FILL\((\w+), 0\)/g, (_all, id: string) => `(${values[ids[id]!] ?? 0})`).replace(/\bIF\(/g, 'iff(');
  expect(js).toMatch(/^[\d\s()+\-*/.>=<,iff]+$/);
  return new Function('iff', `return ${js};`)((condition: boolean, then: number, otherwise: number) => (condition ? then : otherwise)) as number;
}

const emf = (metric: string, dims: Record<string, string>, stat = 'Sum') =>
  `${NS}/${metric}{${Object.entries(dims)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',')}} ${stat} 300`;
const lambda = (metric: string, service: string) => `AWS/Lambda/${metric}{FunctionName=@${fnId(service)}} Sum 300`;

describe('alarm topic', () => {
  it('is encrypted with the data key and named after the stack', () => {
    expect(resources[alarmTopicId()]!.Properties).toMatchObject({
      TopicName: 'GuidanceRelay-dev-alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] },
    });
  });

  it('refuses publishing without TLS and lets only this stack’s alarms of this account publish', () => {
    const [policy] = Object.values(resources).filter(
      (r) => r.Type === 'AWS::SNS::TopicPolicy' && r.Properties.Topics.some((t: CfnJson) => t.Ref === alarmTopicId()),
    );
    const statements = policy!.Properties.PolicyDocument.Statement as CfnJson[];

    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allow = statements.find((s) => s.Effect === 'Allow');
    expect(allow).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: alarmTopicId() } });
    expect(allow.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(JSON.stringify(allow.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:GuidanceRelay-dev-*');
  });

  it('lets CloudWatch use the data key only for the alarm topic (else every notification is dropped)', () => {
    const statements = resources[dataKeyId()]!.Properties.KeyPolicy.Statement as CfnJson[];
    const forCloudWatch = statements.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'));

    expect(forCloudWatch).toHaveLength(1);
    expect(forCloudWatch[0]).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    const topicArn = forCloudWatch[0].Condition.StringEquals['kms:EncryptionContext:aws:sns:topicArn'];
    expect(topicArn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':GuidanceRelay-dev-alarms']],
    });
  });

  it('has no subscriber unless alarmEmail is given', () => {
    const subscriptions = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription');

    expect(subscriptions).toEqual([]);
  });
});

describe('alarms', () => {
  it('stay within CloudWatch limits: at most 10 metrics and 10 expressions per metric-math alarm (more fails the deploy)', () => {
    const mathAlarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Metrics);
    expect(mathAlarms.length).toBeGreaterThan(0);
    for (const alarm of mathAlarms) {
      const queries = alarm.Properties.Metrics as { MetricStat?: unknown; Expression?: string }[];
      expect(queries.filter((query) => query.MetricStat).length).toBeLessThanOrEqual(10);
      expect(queries.filter((query) => query.Expression).length).toBeLessThanOrEqual(10);
    }
  });

  it('exist once per runbook entry, named <stack>-<slug>', () => {
    const names = Object.values(resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties.AlarmName)
      .sort();

    expect(names).toEqual([...RUNBOOK_SLUGS, ...NOTIFICATION_SLUGS].map((slug) => `GuidanceRelay-dev-${slug}`).sort());
  });

  it.each([...RUNBOOK_SLUGS, ...NOTIFICATION_SLUGS])('%s notifies the alarm topic on ALARM and OK and links its runbook entry', (slug) => {
    const props = alarm(slug);

    expect(props.AlarmActions).toEqual([{ Ref: alarmTopicId() }]);
    expect(props.OKActions).toEqual([{ Ref: alarmTopicId() }]);
    expect(props.InsufficientDataActions).toBeUndefined();
    expect(props.AlarmDescription).toMatch(new RegExp(`^\\S.{30,} Runbook: https://github\\.com/guidance-relay/guidance-relay/blob/main/docs/operations\\.md#runbook-${slug}$`));
    // Every metric exists only when something happens, except the sweeper's, reported every minute: its silence is a failure.
    expect(props).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: slug === 'password-age' ? 'breaching' : 'notBreaching' });
  });

  it.each(RUNBOOK_SLUGS)('%s reads at most 10 metrics (CloudWatch’s hard limit for math alarms) and no SEARCH', (slug) => {
    const props = alarm(slug);

    expect(alarmMetrics(props).length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(props)).not.toMatch(/SEARCH/);
  });

  const CASES: [slug: string, metrics: () => string[], threshold: number, comparison: string][] = [
    ['dead-letters', () => [`AWS/SQS/ApproximateNumberOfMessagesVisible{QueueName=@${dlqId()}} Maximum 300`], 1, 'GreaterThanOrEqualToThreshold'],
    ['queue-age', () => [`AWS/SQS/ApproximateAgeOfOldestMessage{QueueName=@${queueId()}} Maximum 300`], 900, 'GreaterThanThreshold'],
    [
      'webhook-5xx',
      () => [
        ...['queue_unavailable', 'service_unavailable', 'internal_error'].map((outcome) => emf('WebhookRequests', { service: 'bridge-webhook', outcome })),
        lambda('Errors', 'bridge-webhook'),
      ],
      5,
      'GreaterThanOrEqualToThreshold',
    ],
    ['worker-errors', () => [lambda('Errors', 'session-worker')], 1, 'GreaterThanOrEqualToThreshold'],
    ['worker-throttles', () => [lambda('Throttles', 'session-worker')], 1, 'GreaterThanOrEqualToThreshold'],
    ['bridge-403', () => BRIDGE_CALLERS.map((service) => emf('BridgeCalls', { service, status: '403' })), 1, 'GreaterThanOrEqualToThreshold'],
    [
      'bridge-errors',
      () => [
        ...BRIDGE_CALLERS.flatMap((service) => ['5xx', '429', 'timeout', 'network'].map((status) => emf('BridgeCalls', { service, status }))),
        ...BRIDGE_CALLERS.map((service) => emf('BridgeLatency', { service }, 'SampleCount')),
      ],
      20,
      'GreaterThanThreshold',
    ],
    [
      'reveal-5xx',
      () => [
        // Each route's declared 5xx outcomes: reveal and rotate call Bridge and KMS (502, 503), the others only the table (500).
        ...REVEAL_ROUTES.flatMap(({ action, serverErrors }) => serverErrors.map((outcome) => emf('RevealApiRequests', { service: 'reveal-api', action, outcome }))),
        lambda('Errors', 'reveal-api'),
      ],
      5,
      'GreaterThanOrEqualToThreshold',
    ],
    [
      'kms-errors',
      () => BRIDGE_CALLERS.flatMap((service) => ['Encrypt', 'Decrypt'].map((operation) => emf('KmsErrors', { service, operation }))),
      1,
      'GreaterThanOrEqualToThreshold',
    ],
    ['password-age', () => [emf('OldestPasswordAge', { service: 'session-sweeper' }, 'Maximum')], 31 * 60 * 1000, 'GreaterThanThreshold'],
  ];

  it.each(CASES)('%s watches exactly its metrics over 5 minutes, with its threshold', (slug, metrics, threshold, comparison) => {
    const props = alarm(slug);

    expect(alarmMetrics(props).sort()).toEqual(metrics().sort());
    expect(props.Threshold).toBe(threshold);
    expect(props.ComparisonOperator).toBe(comparison);
  });

  it.each(['webhook-5xx', 'bridge-403', 'reveal-5xx', 'kms-errors'])('%s adds up all its metrics, a missing data point counting as 0', (slug) => {
    const props = alarm(slug);
    const metrics = alarmMetrics(props);

    expect(evaluate(props, {})).toBe(0);
    expect(evaluate(props, Object.fromEntries(metrics.map((m, i) => [m, i + 1])))).toBe((metrics.length * (metrics.length + 1)) / 2);
  });

  describe('bridge-errors', () => {
    const worker = (status: string) => emf('BridgeCalls', { service: 'session-worker', status });
    const reveal = (status: string) => emf('BridgeCalls', { service: 'reveal-api', status });
    const calls = (service: string) => emf('BridgeLatency', { service }, 'SampleCount');

    it('is the percentage of failed calls over both callers', () => {
      const props = alarm('bridge-errors');

      expect(
        evaluate(props, { [worker('5xx')]: 3, [worker('429')]: 2, [reveal('timeout')]: 1, [reveal('network')]: 2, [calls('session-worker')]: 30, [calls('reveal-api')]: 10 }),
      ).toBe(20);
      expect(evaluate(props, { [worker('5xx')]: 40, [calls('session-worker')]: 40 })).toBe(100);
    });

    it('ignores 4xx answers other than 429', () => {
      expect(evaluate(alarm('bridge-errors'), { [worker('400')]: 10, [worker('403')]: 10, [calls('session-worker')]: 20 })).toBe(0);
    });

    it('stays at 0 below 10 calls in 5 minutes, where one failure is no trend', () => {
      expect(evaluate(alarm('bridge-errors'), { [worker('5xx')]: 9, [calls('session-worker')]: 9 })).toBe(0);
      expect(evaluate(alarm('bridge-errors'), {})).toBe(0);
      expect(evaluate(alarm('bridge-errors'), { [worker('5xx')]: 3, [calls('session-worker')]: 5, [calls('reveal-api')]: 5 })).toBe(30);
    });
  });
});

describe('dashboard', () => {
  type Widget = { type: string; x: number; y: number; width: number; height: number; properties: CfnJson };
  let widgets: Widget[];
  let references: string[];

  beforeAll(() => {
    const [dashboard] = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const parts = dashboard!.Properties.DashboardBody['Fn::Join'][1] as CfnJson[];
    // Tokens (ARNs, queue and function names) sit inside JSON strings: a placeholder keeps the JSON valid.
    widgets = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')).widgets;
    references = parts.filter((part) => typeof part !== 'string').map((part) => part.Ref ?? part['Fn::GetAtt']?.[0]);
  });

  it('is one dashboard named after the stack', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'GuidanceRelay-dev' });
  });

  it('fits one screen: rows of at most 24 units, 28 units high', () => {
    for (const widget of widgets) expect(widget.x + widget.width).toBeLessThanOrEqual(24);
    expect(Math.max(...widgets.map((w) => w.y + w.height))).toBeLessThanOrEqual(28);
  });

  it('shows the state of every alarm', () => {
    const [status] = widgets.filter((w) => w.type === 'alarm');
    const alarmIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id]) => id);

    expect(status!.properties.alarms).toHaveLength(12);
    expect(references).toEqual(expect.arrayContaining(alarmIds));
  });

  function graphedMetrics(): string[] {
    return widgets
      .flatMap((w) => (w.properties.metrics ?? []) as CfnJson[][])
      .filter((m) => typeof m[0] === 'string')
      .map((m) => {
        const options = typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as { stat?: string }) : {};
        const names = m.filter((part) => typeof part === 'string') as string[];
        const dims: Record<string, string> = {};
        for (let i = 2; i + 1 < names.length; i += 2) dims[names[i]!] = names[i + 1]!;
        return `${names[0]}/${names[1]}{${Object.entries(dims)
          .map(([k, v]) => `${k}=${v}`)
          .sort()
          .join(',')}} ${options.stat ?? ''}`.trim();
      });
  }

  it('graphs every custom metric with every dimension value of the contract', () => {
    const graphed = new Set(graphedMetrics());
    const expected = [
      ...WEBHOOK_OUTCOMES.map((outcome) => emf('WebhookRequests', { service: 'bridge-webhook', outcome })),
      ...GUIDANCE_OUTCOMES.map((outcome) => emf('GuidanceEvents', { service: 'session-worker', outcome })),
      ...DEAD_LETTER_REASONS.map((reason) => emf('DeadLetters', { service: 'session-worker', reason })),
      ...BRIDGE_CALLERS.map((service) => emf('SessionsCreated', { service })),
      ...BRIDGE_CALLERS.flatMap((service) => BRIDGE_STATUSES.map((status) => emf('BridgeCalls', { service, status }))),
      ...BRIDGE_CALLERS.flatMap((service) => ['p50', 'p99'].map((stat) => emf('BridgeLatency', { service }, stat))),
      ...REVEAL_ACTIONS.flatMap((action) => REVEAL_OUTCOMES.map((outcome) => emf('RevealApiRequests', { service: 'reveal-api', action, outcome }))),
      ...BRIDGE_CALLERS.flatMap((service) => ['Encrypt', 'Decrypt'].map((operation) => emf('KmsErrors', { service, operation }))),
    ].map((m) => m.replace(/ 300$/, ''));

    expect(expected).toHaveLength(58 + REVEAL_ACTIONS.length * REVEAL_OUTCOMES.length); // 90 with four reveal routes
    for (const metric of expected) expect(graphed).toContain(metric);
  });

  it('graphs queue depth and age, the DLQ, worker duration p50/p99 and the API’s 4xx/5xx', () => {
    const graphed = graphedMetrics().map((m) => m.replace(/=TOKEN/g, ''));

    expect(graphed).toEqual(
      expect.arrayContaining([
        'AWS/SQS/ApproximateNumberOfMessagesVisible{QueueName} Maximum',
        'AWS/SQS/ApproximateNumberOfMessagesNotVisible{QueueName} Maximum',
        'AWS/SQS/ApproximateAgeOfOldestMessage{QueueName} Maximum',
        'AWS/Lambda/Duration{FunctionName} p50',
        'AWS/Lambda/Duration{FunctionName} p99',
        'AWS/Lambda/Errors{FunctionName} Sum',
        'AWS/Lambda/Throttles{FunctionName} Sum',
        'AWS/ApiGateway/4xx{ApiId,Stage=$default} Sum',
        'AWS/ApiGateway/5xx{ApiId,Stage=$default} Sum',
      ]),
    );
    expect(references).toEqual(expect.arrayContaining([queueId(), dlqId(), fnId('session-worker')]));
  });

  it('draws the webhook, Bridge and reveal alarms with their thresholds', () => {
    const alarmGraphs = widgets.filter((w) => w.type === 'metric' && w.properties.annotations?.alarms);

    expect(alarmGraphs.map((w) => w.properties.title).sort()).toEqual(['Bridge calls failed, % (alarm)', 'Reveal API 5xx (alarm)', 'Webhook 5xx (alarm)']);
  });
});

describe('the runbook entries', () => {
  it('has an entry in docs/operations.md for every alarm, so each description links somewhere', () => {
    const operations = readFileSync(path.join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');

    for (const slug of [...RUNBOOK_SLUGS, ...NOTIFICATION_SLUGS]) expect(operations).toContain(`<a id="runbook-${slug}"></a>`);
  });
});

describe('the metric table of monitoring.ts (copied into the README)', () => {
  const source = readFileSync(path.join(__dirname, '..', '..', 'infra', 'constructs', 'monitoring.ts'), 'utf8');
  const header = source.slice(0, source.indexOf('*/'));
  const rows = Object.fromEntries(
    header
      .split('\n')
      .filter((line) => /^ \* \| `\w+` \|/.test(line))
      .map((line) => {
        const [name, ...cells] = line.replace(/^ \* \|/, '').split('|').map((cell) => cell.trim());
        return [name!.replace(/`/g, ''), cells.join(' ')];
      }),
  );

  it('opens the file and lists exactly the nine metrics', () => {
    expect(source.startsWith('/**')).toBe(true);
    expect(Object.keys(rows).sort()).toEqual(
      ['BridgeCalls', 'BridgeLatency', 'DeadLetters', 'GuidanceEvents', 'KmsErrors', 'OldestPasswordAge', 'RevealApiRequests', 'SessionsCreated', 'WebhookRequests'].sort(),
    );
    expect(header).toContain('Namespace `GuidanceRelay`');
  });

  it.each([
    ['WebhookRequests', ['service', 'bridge-webhook', 'outcome', ...WEBHOOK_OUTCOMES]],
    ['GuidanceEvents', ['service', 'session-worker', 'outcome', ...GUIDANCE_OUTCOMES]],
    ['DeadLetters', ['service', 'session-worker', 'reason', ...DEAD_LETTER_REASONS]],
    ['SessionsCreated', ['service', ...BRIDGE_CALLERS]],
    ['BridgeCalls', ['service', ...BRIDGE_CALLERS, 'status', ...BRIDGE_STATUSES]],
    ['BridgeLatency', ['service', ...BRIDGE_CALLERS]],
    ['RevealApiRequests', ['service', 'reveal-api', 'action', 'outcome', 'shared/http/routes.ts', ...REVEAL_OUTCOMES]],
    ['KmsErrors', ['service', ...BRIDGE_CALLERS, 'operation', 'Encrypt', 'Decrypt']],
    ['OldestPasswordAge', ['service', 'session-sweeper']],
  ])('documents every dimension and value of %s', (metric, values) => {
    for (const value of values) expect(rows[metric]).toContain(`\`${value}\``);
  });
});
