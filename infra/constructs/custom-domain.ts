import { CfnOutput } from 'aws-cdk-lib';
import { ApiMapping, DomainName, EndpointType, SecurityPolicy, type HttpApi, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { CustomDomain } from '../deployment-config';

export interface ApiCustomDomainProps extends CustomDomain {
  readonly api: HttpApi;
  readonly stage: HttpStage;
}

/**
 * The API under the bank's own name (`https://<domainName>/…`), so apps and Bridge never hard-code an
 * `execute-api` URL that changes when the stack is re-created. Regional endpoint, TLS 1.2, the ACM
 * certificate of the stack's region. With `hostedZoneId` an alias record is created in that zone;
 * without it, point a CNAME at the `ApiDomainTarget` output.
 */
export class ApiCustomDomain extends Construct {
  readonly domainName: DomainName;
  /** `https://<domainName>` (no trailing slash). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiCustomDomainProps) {
    super(scope, id);
    this.domainName = new DomainName(this, 'DomainName', {
      domainName: props.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    new ApiMapping(this, 'Mapping', { api: props.api, domainName: this.domainName, stage: props.stage });
    this.url = `https://${props.domainName}`;

    if (props.hostedZoneId !== undefined) {
      // The record name ends with a dot, so the zone's own name is never used to build it.
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: props.domainName });
      new ARecord(this, 'Alias', {
        zone,
        recordName: `${props.domainName}.`,
        target: RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(this.domainName.regionalDomainName, this.domainName.regionalHostedZoneId)),
      });
    }
    new CfnOutput(this, 'ApiDomainUrl', { key: 'ApiDomainUrl', value: this.url, description: 'The API under its custom domain: give apps and Bridge this address' });
    new CfnOutput(this, 'ApiDomainTarget', {
      key: 'ApiDomainTarget',
      value: this.domainName.regionalDomainName,
      description: `DNS target of ${props.domainName} (CNAME, or a Route 53 alias)`,
    });
  }
}
