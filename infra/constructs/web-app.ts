import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildWebApp } from '../../web/bundle';
import type { RuntimeConfig, SignInConfig } from '../../web/src/runtime-config';
import { webAppCsp } from './web-app-policy';

export interface WebAppProps {
  /**
   * Origins of the identity provider the page may call (discovery, token exchange), as the CSP header
   * names them; the deployed index.html narrows them (see `deploy`).
   */
  readonly identityProviderOrigins: readonly string[];
  readonly removalPolicy: RemovalPolicy;
  /** Days CloudFront and S3 access logs are kept. */
  readonly accessLogDays: number;
}

/**
 * The reference web app, deployed (context `webApp=true`): a private S3 bucket read by CloudFront
 * through origin access control, every answer with a strict CSP, HSTS, `no-referrer` and no framing,
 * and the app's `config.json` (API URL, issuer, client id) written at deploy.
 *
 * The API's CORS configuration names this distribution's origin, so the CSP header cannot name the
 * API's own id (a dependency cycle): it allows API Gateway in this region (and, with Cognito, its
 * sign-in domains there), and `index.html`, written at deploy, narrows `connect-src` to the API's and
 * the identity provider's exact origins with a `<meta>` policy (a browser enforces both).
 */
export class WebApp extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<id>.cloudfront.net` (no trailing slash): the origin CORS must allow. */
  readonly origin: string;
  /** Where the app lives: the OIDC redirect URI. */
  readonly url: string;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    this.removalPolicy = props.removalPolicy;
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' });

    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: props.removalPolicy,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'guidance-relay web app: strict CSP, HSTS, no referrer, no framing, no caching',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: webAppCsp(["'self'", `https://*.execute-api.${Aws.REGION}.amazonaws.com`, ...props.identityProviderOrigins]),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cache-Control', value: 'no-store', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
        ],
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'guidance-relay reference web app',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // A few small files: always fresh (config.json changes at deploy) beats an invalidation step.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: headers,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Who may use the app is decided by sign-in, not by country; the app is static files.' },
      { id: 'AwsSolutions-CFR2', reason: 'Static files only, no form and no server code behind this distribution; the API it calls has its own throttling. Add a web ACL if your policy requires one.' },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate cannot pin a minimum TLS version; use a custom domain and certificate to require TLS 1.2.' },
    );

  }

  /**
   * Writes the app into the bucket at deploy: app.js and app.css, `config.json` (API URL, issuer,
   * client id) and an index.html whose `<meta>` CSP allows exactly `apiUrl` and `identityProviderOrigins`.
   * Separate from the constructor because the hosting must exist before the API (its CORS names this
   * origin), and the content needs the API's URL.
   */
  deploy(props: { apiUrl: string; signIn: SignInConfig; identityProviderOrigins: readonly string[] }): BucketDeployment {
    const config: RuntimeConfig = { apiUrl: props.apiUrl, signIn: props.signIn };
    const deployment = new BucketDeployment(this, 'Content', {
      destinationBucket: this.bucket,
      sources: [Source.asset(builtAssetsDir()), Source.data('index.html', indexHtml(props.apiUrl, props.identityProviderOrigins)), Source.jsonData('config.json', config)],
      prune: true,
      retainOnDelete: this.removalPolicy === RemovalPolicy.RETAIN,
      memoryLimit: 256,
    });
    // The copying function is CDK's own singleton, created beside this construct at the stack's top level.
    Validations.of(deployment.handlerRole.node.scope ?? deployment).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "CDK's BucketDeployment function writes its own logs with AWSLambdaBasicExecutionRole; it runs at deploy time only.",
      },
      ...[...BUCKET_DEPLOYMENT_WILDCARDS, assetBucketObjects(Stack.of(this)), `Resource::<${Stack.of(this).resolve(Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket))}.Arn>/*`].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: "CDK's BucketDeployment copies the app from the CDK asset bucket into this site bucket and prunes old files: its s3 actions end in * and its resources in /*, on exactly those two buckets.",
      })),
      { id: 'AwsSolutions-L1', reason: "The runtime of CDK's BucketDeployment function is chosen by aws-cdk-lib and moves with it." },
    );
    return deployment;
  }
}

/** The wildcard grants of CDK's BucketDeployment role, as cdk-nag names them. */
const BUCKET_DEPLOYMENT_WILDCARDS = [
  'Action::s3:GetObject*',
  'Action::s3:GetBucket*',
  'Action::s3:List*',
  'Action::s3:DeleteObject*',
  'Action::s3:Abort*',
];

/** The CDK asset bucket's objects as cdk-nag names them: account and region appear when the environment is known at synth. */
function assetBucketObjects(stack: Stack): string {
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  return `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*`;
}

/** app.js and app.css, built by esbuild at synth into a temporary folder, once per process (the asset's content hash keeps deploys stable). */
let assetsDir: string | undefined;
function builtAssetsDir(): string {
  if (assetsDir) return assetsDir;
  const dir = mkdtempSync(path.join(tmpdir(), 'guidance-relay-web-'));
  for (const file of buildWebApp()) if (file.name !== 'index.html') writeFileSync(path.join(dir, file.name), file.body);
  return (assetsDir = dir);
}

/** index.html with a `<meta>` CSP that narrows `connect-src` to the API's exact origin (see the class comment). */
function indexHtml(apiUrl: string, identityProviderOrigins: readonly string[]): string {
  const html = buildWebApp().find((file) => file.name === 'index.html')!.body.toString('utf8');
  const meta = `<meta http-equiv="Content-Security-Policy" content="connect-src 'self' ${[apiUrl, ...identityProviderOrigins].join(' ')}">`;
  return html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${meta}`);
}
