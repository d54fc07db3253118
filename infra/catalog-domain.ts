// The OpenSearch domain behind INDEX=opensearch: the smallest single node, encrypted at rest and
// in transit, reachable over HTTPS by the roles it names and nobody else.
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { EbsDeviceVolumeType } from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type { Construct } from 'constructs';

export interface CatalogDomainProps {
  /** 3–28 of a–z, 0–9 and '-' (see domainNameFor). */
  domainName: string;
  /** The only principals the domain's access policy lets in. */
  clients: iam.IRole[];
}

export function createCatalogDomain(scope: Construct, id: string, props: CatalogDomainProps) {
  const domain = new opensearch.Domain(scope, id, {
    domainName: props.domainName,
    version: opensearch.EngineVersion.OPENSEARCH_2_19,
    capacity: {
      dataNodes: 1,
      dataNodeInstanceType: 't3.small.search',
      // The recommended feature flags turn Multi-AZ with standby on, which needs 3 AZs and no T3.
      multiAzWithStandbyEnabled: false,
    },
    ebs: { volumeSize: 10, volumeType: EbsDeviceVolumeType.GP3 },
    encryptionAtRest: { enabled: true },
    nodeToNodeEncryption: true,
    enforceHttps: true,
    tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // CDK's accessPolicies prop writes the policy through a custom resource (one more Lambda),
  // because the policy names the domain's own ARN. With a fixed name the ARN is known without
  // referring to the domain, so the policy stays a plain property.
  const arn = `arn:${Aws.PARTITION}:es:${Aws.REGION}:${Aws.ACCOUNT_ID}:domain/${props.domainName}`;
  const cfn = domain.node.defaultChild as opensearch.CfnDomain;
  // The policy's JSON, opaque here: CDK types both it and accessPolicies as `any`.
  const accessPolicy: unknown = new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        principals: props.clients.map((role) => new iam.ArnPrincipal(role.roleArn)),
        actions: ['es:ESHttp*'],
        resources: [`${arn}/*`],
      }),
    ],
  }).toJSON();
  cfn.accessPolicies = accessPolicy;
  return domain;
}

/** 3–28 characters of a–z, 0–9 and '-', starting with a letter; "pixtag" for a stack "Pixtag". */
export function domainNameFor(stackName: string): string {
  const base = stackName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  const named = base.startsWith('pixtag') ? base : `pixtag-${base}`;
  return named.slice(0, 28).replace(/-+$/, '');
}
