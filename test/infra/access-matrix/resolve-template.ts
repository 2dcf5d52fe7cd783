/**
 * Turns a synthesized CloudFormation template into concrete ARNs and policy documents, as they
 * would be once deployed in a made-up account: every `Ref`, `Fn::GetAtt` and `Fn::Join` is
 * replaced by the value CloudFormation would put there, with each resource's logical id as its
 * physical name. Only the resource types this stack's policies reference are known; any other
 * reference throws, so a new kind of resource cannot silently fall out of the access matrix.
 */
export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
const PARTITION = 'aws';

// CloudFormation JSON is untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CfnJson = any;
export type CfnTemplate = { Resources: Record<string, { Type: string; Properties?: Record<string, CfnJson> }> };

const PSEUDO: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'GuidanceRelay-dev',
};

const arnOf = (type: string, id: string): string => {
  switch (type) {
    case 'AWS::IAM::Role':
      return `arn:${PARTITION}:iam::${ACCOUNT}:role/${id}`;
    case 'AWS::DynamoDB::Table':
      return `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${id}`;
    case 'AWS::KMS::Key':
      return `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/${id}`;
    case 'AWS::SQS::Queue':
      return `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${id}`;
    case 'AWS::SNS::Topic':
      return `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${id}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
    case 'AWS::Logs::LogGroup':
      return `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`;
    case 'AWS::Lambda::Function':
      return `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${id}`;
    case 'AWS::Events::Rule':
      return `arn:${PARTITION}:events:${REGION}:${ACCOUNT}:rule/${id}`;
    default:
      throw new Error(`access matrix: no ARN known for ${type} (${id}).`);
  }
};

/** What `Ref` returns for each resource type (the ARN for topics and secrets, a URL for queues, a name otherwise). */
const refOf = (type: string, id: string): string => {
  if (type === 'AWS::SQS::Queue') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
  if (type === 'AWS::SNS::Topic' || type === 'AWS::SecretsManager::Secret') return arnOf(type, id);
  return id;
};

export function resolve(template: CfnTemplate, value: CfnJson): CfnJson {
  if (Array.isArray(value)) return value.map((item) => resolve(template, item));
  if (value === null || typeof value !== 'object') return value;
  const [intrinsic] = Object.keys(value);
  if (Object.keys(value).length === 1 && intrinsic === 'Ref') {
    const name = value.Ref as string;
    if (PSEUDO[name]) return PSEUDO[name];
    return refOf(typeOf(template, name), name);
  }
  if (Object.keys(value).length === 1 && intrinsic === 'Fn::GetAtt') {
    const [id, attribute] = value['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn') return arnOf(typeOf(template, id), id);
    if (attribute === 'QueueName') return id;
    if (attribute === 'TopicArn') return arnOf('AWS::SNS::Topic', id);
    throw new Error(`access matrix: Fn::GetAtt ${id}.${attribute} is not known.`);
  }
  if (Object.keys(value).length === 1 && intrinsic === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'] as [string, CfnJson[]];
    return (resolve(template, parts) as string[]).join(separator);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(template, item)]));
}

function typeOf(template: CfnTemplate, id: string): string {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`access matrix: the template has no resource ${id}.`);
  return resource.Type;
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalId(template: CfnTemplate, type: string, prefix: string): string {
  const ids = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`access matrix: expected one ${type} named ${prefix}…, found ${ids.length}.`);
  return ids[0]!;
}

export { arnOf };
