import { Annotations, Fn, Stack, Token, type RemovalPolicy } from 'aws-cdk-lib';
import {
  CfnEIP,
  type CfnSubnet,
  type ISubnet,
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  NatProvider,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LogSettings } from './service-function';

export interface EgressNetworkProps {
  /** 1 to 3 NAT gateways, one per Availability Zone, each with its own Elastic IP. */
  readonly natGateways: number;
  /** Of the Elastic IPs: prod keeps the addresses Bridge knows even if the stack goes. */
  readonly removalPolicy: RemovalPolicy;
  readonly logging: LogSettings;
  /**
   * Places the subnets by Availability Zone id (`use1-az1`: the same zone in every account), e.g. to
   * avoid a zone Lambda does not support. @default the region's first zones by name
   */
  readonly availabilityZoneIds?: readonly string[];
}

/** Where a function that calls Bridge runs: private subnets and a security group that only reaches out on 443. */
export interface FunctionNetwork {
  readonly vpc: Vpc;
  readonly securityGroup: SecurityGroup;
}

/**
 * Bridge accepts API calls only from addresses registered with it (a 403 otherwise), and Lambda's
 * own egress addresses change. The functions that call Bridge therefore run in private subnets
 * behind NAT gateways whose Elastic IPs are fixed and output as `BridgeEgressIps`. DynamoDB is
 * reached through a gateway endpoint (free, and off the NAT's data charge); every other AWS API
 * through the NAT over TLS. Flow logs record rejected traffic.
 */
export class EgressNetwork extends Construct implements FunctionNetwork {
  readonly vpc: Vpc;
  readonly securityGroup: SecurityGroup;
  readonly elasticIps: CfnEIP[];

  constructor(scope: Construct, id: string, props: EgressNetworkProps) {
    super(scope, id);
    if (!Number.isInteger(props.natGateways) || props.natGateways < 1 || props.natGateways > 3) {
      throw new Error(`EgressNetwork: natGateways must be an integer from 1 to 3, got ${props.natGateways}.`);
    }
    // One NAT gateway per AZ: an address without a gateway would be registered at Bridge for nothing.
    const zoneIds = props.availabilityZoneIds;
    const zones = zoneIds?.length ?? Stack.of(this).availabilityZones.length;
    if (zoneIds !== undefined && (zoneIds.length < 2 || new Set(zoneIds).size !== zoneIds.length)) {
      throw new Error(`EgressNetwork: availabilityZoneIds must list at least 2 distinct zones, got ${zoneIds.join(', ')}.`);
    }
    if (props.natGateways > zones) {
      throw new Error(
        `EgressNetwork: natGateways ${props.natGateways} needs as many Availability Zones, but this stack sees ${zones}` +
          ' (an environment-agnostic stack sees 2: give the stack an account and region for more).',
      );
    }
    // Created here, not by the VPC, so the addresses Bridge knows survive a change of the NAT gateways.
    this.elasticIps = Array.from({ length: props.natGateways }, (_, index) => {
      const eip = new CfnEIP(this, `BridgeEgressIp${index + 1}`, { domain: 'vpc' });
      eip.applyRemovalPolicy(props.removalPolicy);
      return eip;
    });

    const flowLogGroup = new LogGroup(this, 'FlowLogs', {
      retention: props.logging.logRetention,
      removalPolicy: props.logging.logRemovalPolicy,
      ...(props.logging.logEncryptionKey ? { encryptionKey: props.logging.logEncryptionKey } : {}),
    });
    this.vpc = new Vpc(this, 'Vpc', {
      // By id: one placeholder zone per id here, replaced by the id on each subnet below.
      ...(zoneIds !== undefined ? { availabilityZones: zoneIds.map((_, index) => Fn.select(index, Fn.getAzs())) } : { maxAzs: Math.max(2, props.natGateways) }),
      natGateways: props.natGateways,
      natGatewayProvider: NatProvider.gateway({ eipAllocationIds: this.elasticIps.map((eip) => eip.attrAllocationId) }),
      subnetConfiguration: [
        { name: 'Nat', subnetType: SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false },
        { name: 'Functions', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: { Rejected: { destination: FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: FlowLogTrafficType.REJECT } },
      // Nothing uses the default security group; closing it would add a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
    });
    if (zoneIds !== undefined) placeSubnetsByZoneId([...this.vpc.publicSubnets, ...this.vpc.privateSubnets], zoneIds);
    else if (Token.isUnresolved(Stack.of(this).region)) {
      Annotations.of(this).addInfo(
        "The functions' subnets take the first Availability Zones of the region by name. In us-east-1 one may be a zone Lambda does not support (use1-az3): deploy there with -c region=us-east-1 or -c availabilityZoneIds=… to place them by AZ id.",
      );
    }
    this.securityGroup = new SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'Functions that call Bridge: no inbound, outbound HTTPS only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to Bridge and AWS APIs');
  }

  /** The addresses to register at Bridge, comma-separated. */
  get egressIps(): string {
    return Fn.join(',', this.elasticIps.map((eip) => eip.attrPublicIp));
  }
}

/** Subnets come in AZ order within each group: the n-th of a group goes to the n-th id. */
function placeSubnetsByZoneId(subnets: readonly ISubnet[], zoneIds: readonly string[]): void {
  const seen = new Map<string, number>();
  for (const subnet of subnets) {
    const group = subnet.node.id.replace(/Subnet\d+$/, '');
    const index = seen.get(group) ?? 0;
    seen.set(group, index + 1);
    const cfn = subnet.node.defaultChild as CfnSubnet;
    cfn.availabilityZone = undefined;
    cfn.availabilityZoneId = zoneIds[index];
  }
}
