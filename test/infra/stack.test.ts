// The CDK stack, synthesized once in-process against a placeholder bundle, asserted on its
// CloudFormation template: handlers, least privilege, a private bucket, the contract's user pool.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CfnElement } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainNameFor } from '../../infra/catalog-domain.js';
import { DEFAULT_BUNDLE_DIR, PixtagStack, TAGGERS } from '../../infra/pixtag-stack.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { LAMBDA_CPU } from '../../scripts/build-lambda.mjs';
import { loadConfig } from '../../src/config.js';
import type { CfnTemplate, Statement } from './template.js';
import {
  actionsOf,
  allIdentityStatements,
  asArray,
  getAtt,
  literalOf,
  policiesOf,
  refsIn,
  sampleValue,
  statementsOf,
} from './template.js';
import { CONTRACT_PASSWORD_POLICY } from '../support/password-policy.js';

const PLACEHOLDER_BUNDLE = `
export const api = async () => ({ statusCode: 200, body: '{}' });
export const onUpload = async () => {};
export const preSignUp = async (event) => ({ ...event, response: { autoConfirmUser: true } });
`;

let dir: string;
let stack: PixtagStack;
let template: CfnTemplate;
let bundleExports: string[];
const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const props = (logicalId: string) => template.Resources[logicalId]?.Properties ?? {};
const ofType = (type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const roleOf = (functionId: string) => refsIn(props(functionId).Role)[0]!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pixtag-infra-'));
  const bundleDir = join(dir, 'lambda');
  mkdirSync(bundleDir);
  writeFileSync(join(bundleDir, 'index.mjs'), PLACEHOLDER_BUNDLE);
  bundleExports = Object.keys(await import(pathToFileURL(join(bundleDir, 'index.mjs')).href));
  // The same feature flags as `cdk synth`, so this template is the one that gets deployed.
  const cdkJson = JSON.parse(
    readFileSync(new URL('../../infra/cdk.json', import.meta.url), 'utf8'),
  );
  const app = new App({ outdir: join(dir, 'cdk.out'), context: cdkJson.context });
  stack = new PixtagStack(app, 'Pixtag', { bundleDir });
  // Synthesis runs CloudFormation's own validator (a WebAssembly build): most of this time.
  template = Template.fromStack(stack).toJSON() as CfnTemplate;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PixtagStack template', () => {
  it('when the Tagger parameter is read, then it offers rekognition, the default, and clarifai, each with its condition', () => {
    expect(template.Parameters?.Tagger).toMatchObject({
      Type: 'String',
      Default: 'rekognition',
      AllowedValues: ['rekognition', 'clarifai'],
    });
    expect(TAGGERS).toEqual(['rekognition', 'clarifai']);
    expect(template.Conditions).toMatchObject({
      TaggerIsRekognition: { 'Fn::Equals': [{ Ref: 'Tagger' }, 'rekognition'] },
      TaggerIsClarifai: { 'Fn::Equals': [{ Ref: 'Tagger' }, 'clarifai'] },
    });
  });

  it('when the template is validated, then CloudFormation rules find no violation', () => {
    // cdk.json makes violations errors (synth throws); warnings only reach this report.
    const report = JSON.parse(readFileSync(join(dir, 'cdk.out', 'validation-report.json'), 'utf8'));
    const violations = (report.pluginReports as { violations?: unknown[] }[]).flatMap(
      (plugin) => plugin.violations ?? [],
    );
    expect(violations).toEqual([]);
  });
});

describe('PixtagStack functions', () => {
  it('when a function runs the bundle, then its handler is an export of index.mjs', () => {
    const bundled = ofType('AWS::Lambda::Function').filter(([, fn]) => {
      const code = fn.Properties?.Code as { S3Key?: unknown };
      return code.S3Key !== undefined;
    });
    const { api, onUpload, preSignUp } = stack.functions;
    expect(bundled.map(([logicalId]) => logicalId).sort()).toEqual(
      [id(api), id(onUpload), id(preSignUp)].sort(),
    );
    for (const [, fn] of bundled) {
      const [file, name] = String(fn.Properties?.Handler).split('.');
      expect(file).toBe('index');
      expect(bundleExports).toContain(name);
    }
  });

  it.skipIf(!existsSync(join(DEFAULT_BUNDLE_DIR, 'index.mjs')))(
    'when the real bundle is built, then it exports every handler the stack names',
    async () => {
      // Read statically: importing the real bundle would run its start-up code.
      const result = await esbuild.build({
        entryPoints: [join(DEFAULT_BUNDLE_DIR, 'index.mjs')],
        metafile: true,
        write: false,
        bundle: false,
        format: 'esm',
        logLevel: 'silent',
      });
      const exported = Object.values(result.metafile.outputs).flatMap((output) => output.exports);
      for (const [, fn] of ofType('AWS::Lambda::Function')) {
        if ((fn.Properties?.Code as { S3Key?: unknown }).S3Key === undefined) continue;
        expect(exported).toContain(String(fn.Properties?.Handler).split('.')[1]);
      }
    },
  );

  it('when the functions are deployed, then they run nodejs22.x on arm64 within their limits', () => {
    const { api, onUpload, preSignUp } = stack.functions;
    // The bundle's native sharp (thumbnails) is built for the same architecture.
    expect(LAMBDA_CPU).toBe('arm64');
    for (const fn of [api, onUpload, preSignUp]) {
      expect(props(id(fn))).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect(props(id(fn)).LoggingConfig).toEqual({ LogGroup: expect.any(Object) });
    }
    expect(props(id(api))).toMatchObject({ MemorySize: 512 });
    expect(props(id(api)).Timeout).toBeLessThanOrEqual(29);
    expect(props(id(onUpload))).toMatchObject({ MemorySize: 1024, Timeout: 60 });
    const concurrency = Number(props(id(onUpload)).ReservedConcurrentExecutions);
    expect(concurrency).toBeGreaterThan(0);
    expect(concurrency).toBeLessThan(15);
    for (const [, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays).toEqual(expect.any(Number));
    }
  });

  it('when api and onUpload start with the stack environment, then the configuration loads', () => {
    const { api, onUpload } = stack.functions;
    for (const fn of [api, onUpload]) {
      const variables = (props(id(fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
      const env = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, sampleValue(template, value)]),
      );
      // Lambda sets AWS_REGION itself (it is reserved), so the stack must not.
      expect(env.AWS_REGION).toBeUndefined();
      const config = loadConfig({ ...env, AWS_REGION: 'eu-west-1' });
      expect(variables.TAGGER).toEqual({ Ref: 'Tagger' });
      expect(config.auth.kind).toBe('cognito');
      expect(config.storage).toMatchObject({ kind: 's3' });
      expect(config.index).toMatchObject({ kind: 'opensearch', awsService: 'es' });
      expect(config.index.kind === 'opensearch' && config.index.url).toMatch(/^https:\/\//);
      // The parameter's default, Rekognition, in the function's region; Clarifai loads as well.
      expect(config.tagger).toEqual({ kind: 'rekognition', region: 'eu-west-1' });
      expect(loadConfig({ ...env, TAGGER: 'clarifai', AWS_REGION: 'eu-west-1' }).tagger).toEqual({
        kind: 'clarifai',
        patParameter: '/pixtag/clarifai-pat',
      });
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
    }
    // Both name onUpload: api to retag, onUpload because the configuration asks for it with S3.
    const onUploadName = props(id(onUpload)).FunctionName;
    expect(onUploadName).toEqual(expect.any(String));
    for (const fn of [api, onUpload]) {
      const variables = (props(id(fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(variables.UPLOAD_FUNCTION_NAME).toBe(onUploadName);
    }
  });
});

describe('PixtagStack permissions', () => {
  /** The bucket prefixes an S3 statement names: u (images) and t (thumbnails). */
  const prefixesOf = (statement: Statement) =>
    asArray(statement.Resource).map((resource) => {
      const match = /\/([ut])\/\*$/.exec(literalOf(resource));
      return match?.[1] ?? literalOf(resource);
    });
  const s3Grants = (statements: Statement[]) => {
    const grants: Record<string, string[]> = {};
    for (const statement of statements) {
      for (const action of actionsOf(statement).filter((a) => a.startsWith('s3:'))) {
        if (action === 's3:ListBucket') continue;
        grants[action] = [...(grants[action] ?? []), ...prefixesOf(statement)].sort();
      }
    }
    return grants;
  };

  const REKOGNITION = {
    Effect: 'Allow',
    Action: ['rekognition:DetectLabels', 'rekognition:DetectText'],
    Resource: '*',
  };

  it('when any identity policy is read, then none grants Resource "*" but Rekognition\'s two calls, which have no resource ARNs', () => {
    const statements = allIdentityStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Resource).toBeDefined();
      if (statement.Resource === '*') expect(statement).toEqual(REKOGNITION);
      else for (const resource of asArray(statement.Resource)) expect(resource).not.toBe('*');
    }
  });

  it("when each Tagger is deployed, then onUpload alone may call that tagger: Rekognition's two calls, or the PAT parameter", () => {
    const { onUpload } = stack.functions;
    const policies = policiesOf(template, roleOf(id(onUpload)));
    const holds = (condition: string | undefined, tagger: string) =>
      condition === undefined ||
      JSON.stringify(template.Conditions?.[condition]) ===
        JSON.stringify({ 'Fn::Equals': [{ Ref: 'Tagger' }, tagger] });
    const taggerActions = (statement: Statement) =>
      actionsOf(statement).filter((a) => a.startsWith('rekognition:') || a.startsWith('ssm:'));
    const granted = (tagger: string) =>
      policies
        .filter((policy) => holds(policy.condition, tagger))
        .flatMap((policy) => policy.statements)
        .filter((statement) => taggerActions(statement).length > 0);

    expect(granted('rekognition')).toEqual([REKOGNITION]);
    const [ssm, ...more] = granted('clarifai');
    expect(more).toEqual([]);
    expect(actionsOf(ssm!)).toEqual(['ssm:GetParameter']);
    expect(refsIn(ssm!.Resource)).toEqual(['ClarifaiPatParameter']);
    expect(literalOf(ssm!.Resource)).toMatch(/^arn:.*:ssm:.*:parameter$/);
    // Each grant is a policy of its own, present only under its tagger's condition.
    expect(
      policies
        .filter((p) => p.statements.some((s) => taggerActions(s).length > 0))
        .map((p) => p.condition)
        .sort(),
    ).toEqual(['TaggerIsClarifai', 'TaggerIsRekognition']);
    // No other role may call either.
    const others = Object.entries(template.Resources)
      .filter(
        ([roleId, resource]) =>
          resource.Type === 'AWS::IAM::Role' && roleId !== roleOf(id(onUpload)),
      )
      .flatMap(([roleId]) => statementsOf(template, roleId));
    expect(others.flatMap(taggerActions)).toEqual([]);
  });

  it('when the api role is read, then it names only the image prefix, the domain and onUpload', () => {
    const { api, onUpload } = stack.functions;
    const statements = statementsOf(template, roleOf(id(api)));
    const own = new Set([id(stack.bucket), id(stack.domain), id(onUpload)]);
    own.add(refsIn(props(id(api)).LoggingConfig)[0]!);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const resource of asArray(statement.Resource)) {
        expect(refsIn(resource).length).toBeGreaterThan(0);
        for (const ref of refsIn(resource)) expect(own).toContain(ref);
      }
    }
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(asArray(invoke[0]!.Resource)).toEqual([getAtt(id(onUpload))]);
    // Upload URLs for images only; downloads and deletes of images and their thumbnails.
    expect(s3Grants(statements)).toEqual({
      's3:PutObject': ['u'],
      's3:GetObject': ['t', 'u'],
      's3:DeleteObject': ['t', 'u'],
    });
    const actions = statements.flatMap(actionsOf);
    expect(actions).toContain('es:ESHttp*');
    expect(actions.filter((action) => action.startsWith('ssm:'))).toEqual([]);
  });

  it('when the onUpload role is read, then it names only its bucket prefix, domain, queue and parameter', () => {
    const { onUpload } = stack.functions;
    const statements = statementsOf(template, roleOf(id(onUpload)));
    const own = new Set([id(stack.bucket), id(stack.domain), id(stack.failureQueue)]);
    own.add(refsIn(props(id(onUpload)).LoggingConfig)[0]!).add('ClarifaiPatParameter');
    for (const statement of statements) {
      if (statement.Resource === '*') continue; // Rekognition's, above
      for (const resource of asArray(statement.Resource)) {
        expect(refsIn(resource).length).toBeGreaterThan(0);
        for (const ref of refsIn(resource)) expect(own).toContain(ref);
      }
      if (actionsOf(statement).includes('s3:ListBucket')) {
        expect(asArray(statement.Resource)).toEqual([getAtt(id(stack.bucket))]);
      }
    }
    // Reads uploads, writes thumbnails, deletes nothing.
    expect(s3Grants(statements)).toEqual({ 's3:GetObject': ['u'], 's3:PutObject': ['t'] });
    expect(statements.flatMap(actionsOf)).not.toContain('lambda:InvokeFunction');
  });

  it('when any role may invoke a function, then only api may, and only onUpload', () => {
    const invokers = Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .filter(([roleId]) =>
        statementsOf(template, roleId).some((s) => actionsOf(s).includes('lambda:InvokeFunction')),
      )
      .map(([roleId]) => roleId);
    expect(invokers).toEqual([roleOf(id(stack.functions.api))]);
  });
});

describe('PixtagStack resources', () => {
  it('when the bucket is read, then it is private, encrypted, TLS-only and retained', () => {
    const bucket = template.Resources[id(stack.bucket)]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: expect.stringMatching(/AES256|aws:kms/),
            },
          },
        ],
      },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ],
      },
      CorsConfiguration: {
        CorsRules: [
          expect.objectContaining({
            AllowedMethods: expect.arrayContaining(['PUT', 'GET']),
            AllowedHeaders: ['Content-Type'],
          }),
        ],
      },
    });
    expect(bucket.Properties?.VersioningConfiguration).toBeUndefined();
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(
      ([, p]) => refsIn(p.Properties?.Bucket)[0] === id(stack.bucket),
    )!;
    const statements = (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('when an object is created under u/, then S3 invokes onUpload', () => {
    const onUpload = id(stack.functions.onUpload);
    const [, notifications] = ofType('Custom::S3BucketNotifications')[0]!;
    expect(notifications.Properties?.BucketName).toEqual({ Ref: id(stack.bucket) });
    expect(notifications.Properties?.NotificationConfiguration).toEqual({
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'u/' }] } },
          LambdaFunctionArn: getAtt(onUpload),
        },
      ],
    });
    expect(ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties)).toContainEqual(
      expect.objectContaining({
        Principal: 's3.amazonaws.com',
        FunctionName: getAtt(onUpload),
        SourceArn: getAtt(id(stack.bucket)),
      }),
    );
  });

  it('when onUpload fails for good, then the event lands in an encrypted 14-day queue', () => {
    const [, config] = ofType('AWS::Lambda::EventInvokeConfig')[0]!;
    expect(config.Properties).toMatchObject({
      FunctionName: { Ref: id(stack.functions.onUpload) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: expect.any(Number),
      DestinationConfig: { OnFailure: { Destination: getAtt(id(stack.failureQueue)) } },
    });
    expect(props(id(stack.failureQueue))).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('when an event lands in the failure queue, then onUpload gets it back later for a final attempt', () => {
    expect(props(id(stack.failureQueue))).toMatchObject({
      DelaySeconds: 15 * 60,
      VisibilityTimeout: 360,
    });
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    expect(mappings).toEqual([
      expect.objectContaining({
        FunctionName: { Ref: id(stack.functions.onUpload) },
        EventSourceArn: getAtt(id(stack.failureQueue)),
      }),
    ]);
  });

  it('when the OpenSearch domain is read, then it is encrypted, HTTPS-only and open to the two roles only', () => {
    const domain = props(id(stack.domain));
    expect(domain).toMatchObject({
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: {
        EnforceHTTPS: true,
        TLSSecurityPolicy: expect.stringMatching(/^Policy-Min-TLS-1-2/),
      },
      ClusterConfig: expect.objectContaining({ InstanceCount: 1 }),
      EBSOptions: { EBSEnabled: true, VolumeSize: 10, VolumeType: 'gp3' },
    });
    const statements = (domain.AccessPolicies as { Statement: Statement[] }).Statement;
    const roles = [roleOf(id(stack.functions.api)), roleOf(id(stack.functions.onUpload))];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const principals = asArray((statement.Principal as { AWS: unknown }).AWS);
      expect(principals).toHaveLength(2);
      expect(principals.flatMap(refsIn).sort()).toEqual([...roles].sort());
      expect(literalOf(statement.Resource)).toMatch(
        new RegExp(`:domain/${String(domain.DomainName)}/\\*$`),
      );
    }
  });

  it('when the user pool is read, then it has the contract password policy and the PreSignUp trigger', () => {
    const pool = props(id(stack.userPool));
    expect(pool).toMatchObject({
      Policies: {
        PasswordPolicy: CONTRACT_PASSWORD_POLICY,
      },
      UsernameConfiguration: { CaseSensitive: false },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      LambdaConfig: { PreSignUp: getAtt(id(stack.functions.preSignUp)) },
    });
    expect(pool.UsernameAttributes).toBeUndefined();
    expect(pool.AliasAttributes).toBeUndefined();
    expect(props(id(stack.userPoolClient))).toMatchObject({
      ExplicitAuthFlows: expect.arrayContaining([
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]),
      GenerateSecret: false,
      IdTokenValidity: 60,
      TokenValidityUnits: expect.objectContaining({ IdToken: 'minutes' }),
    });
  });

  it('when API Gateway answers by itself, then it sends CORS headers and a problem body', () => {
    const responses = new Map(
      ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [
        String(r.Properties?.ResponseType),
        r.Properties as {
          ResponseParameters: Record<string, string>;
          ResponseTemplates: Record<string, string>;
        },
      ]),
    );
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED']) {
      const response = responses.get(type);
      expect(response?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.Access-Control-Expose-Headers': "'WWW-Authenticate'",
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
      });
      // What API Gateway sends once it has substituted the quoted message.
      const body = JSON.parse(
        response!.ResponseTemplates['application/json']!.replace(
          '$context.error.messageString',
          '"Unauthorized"',
        ),
      );
      expect(body).toMatchObject({
        type: 'about:blank',
        title: expect.any(String),
        detail: 'Unauthorized',
      });
    }
    const unauthorized = responses.get('UNAUTHORIZED')!;
    expect(unauthorized.ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toBe(
      `'Bearer realm="pixtag"'`,
    );
    expect(unauthorized.ResponseTemplates['application/json']).toContain('"status":401');
  });

  it('when the REST API is read, then it proxies everything to api and passes binary bodies', () => {
    const [, restApi] = ofType('AWS::ApiGateway::RestApi')[0]!;
    expect(restApi.Properties?.BinaryMediaTypes).toEqual(
      expect.arrayContaining(['image/*', 'multipart/form-data', 'application/octet-stream']),
    );
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) {
      expect(method).toMatchObject({ HttpMethod: 'ANY', Integration: { Type: 'AWS_PROXY' } });
      expect(refsIn((method?.Integration as { Uri: unknown }).Uri)).toEqual([
        id(stack.functions.api),
      ]);
    }
  });

  it('when the stack is deployed, then it outputs the API URL, bucket, pool, client and queue', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'BucketName',
        'UserPoolId',
        'UserPoolClientId',
        'FailureQueueUrl',
      ]),
    );
  });
});

describe('domainNameFor', () => {
  it('when a stack is named, then its domain name is a valid, recognisable OpenSearch name', () => {
    expect(domainNameFor('Pixtag')).toBe('pixtag');
    expect(domainNameFor('Prod')).toBe('pixtag-prod');
    for (const name of ['PixtagDev', 'Prod', 'my_very-long.Stack.Name.With.Many.Parts-2']) {
      expect(domainNameFor(name)).toMatch(/^[a-z][a-z0-9-]{2,27}$/);
    }
  });
});
