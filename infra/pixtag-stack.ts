// pixtag on AWS: one Lambda bundle (dist/lambda/index.mjs) behind an API Gateway REST proxy, S3
// for the images, Cognito for users, OpenSearch for the catalog, and Rekognition or Clarifai for
// the tags (the Tagger parameter).
// Environment-agnostic on purpose: synth needs no account, no region and no network.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import type { StackProps } from 'aws-cdk-lib';
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { createCatalogDomain, domainNameFor } from './catalog-domain.js';
import { addProblemGatewayResponses } from './gateway-responses.js';

export const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../dist/lambda', import.meta.url));

/** Object keys are u/<owner id>/<image id>: the functions touch nothing else in the bucket… */
export const IMAGE_PREFIX = 'u/';
/** …but the thumbnails onUpload makes, t/<owner id>/<image id>.webp (no upload event for them). */
export const THUMBNAIL_PREFIX = 't/';

/** The handlers the stack names, each an export of the bundle's index.mjs. */
export const HANDLERS = {
  api: 'index.api',
  onUpload: 'index.onUpload',
  preSignUp: 'index.preSignUp',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** The Tagger parameter's values (TAGGER): the first, Rekognition, needs no third-party key. */
export const TAGGERS = ['rekognition', 'clarifai'] as const;

export interface PixtagStackProps extends StackProps {
  /** Folder holding the built bundle (index.mjs and its chunks). Default: <repo>/dist/lambda. */
  bundleDir?: string;
  /**
   * Reserved concurrency of onUpload, which bounds the calls to the tagger (Clarifai: 15
   * requests/s by default; Rekognition: a per-region quota of calls a second). 0 reserves
   * nothing: an account whose concurrency quota is below 100 + this number (new accounts get 10)
   * refuses any reservation. Default 5.
   */
  uploadConcurrency?: number;
  /** Name of the OpenSearch domain, 3–28 of a–z, 0–9, '-'. Default: from the stack name. */
  domainName?: string;
}

export class PixtagStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly failureQueue: sqs.Queue;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly domain: opensearch.Domain;
  readonly restApi: apigateway.LambdaRestApi;
  readonly functions: {
    api: lambda.Function;
    onUpload: lambda.Function;
    preSignUp: lambda.Function;
  };

  constructor(scope: Construct, id: string, props: PixtagStackProps = {}) {
    super(scope, id, props);
    const bundleDir = props.bundleDir ?? DEFAULT_BUNDLE_DIR;
    if (!existsSync(join(bundleDir, 'index.mjs'))) {
      throw new Error(
        `No Lambda bundle at ${join(bundleDir, 'index.mjs')}: run npm run build first`,
      );
    }
    const code = lambda.Code.fromAsset(bundleDir);

    // A deploy-time choice (cdk deploy --parameters Tagger=clarifai), so switching needs no new
    // synth; conditions below grant onUpload what the chosen tagger calls, and nothing else.
    const tagger = new CfnParameter(this, 'Tagger', {
      type: 'String',
      default: TAGGERS[0],
      allowedValues: [...TAGGERS],
      description:
        'Who tags uploads: rekognition (Amazon Rekognition, no key to keep) or clarifai (its PAT in the SSM parameter ClarifaiPatParameter)',
    }).valueAsString;
    const taggerIs = (kind: (typeof TAGGERS)[number]) =>
      new CfnCondition(this, `TaggerIs${kind[0]!.toUpperCase()}${kind.slice(1)}`, {
        expression: Fn.conditionEquals(tagger, kind),
      });
    const patParameterName = new CfnParameter(this, 'ClarifaiPatParameter', {
      type: 'String',
      default: '/pixtag/clarifai-pat',
      // A leading slash keeps the ARN below well-formed (parameter/<path>, not parameter//…).
      allowedPattern: '^/[a-zA-Z0-9_.\\-/]+$',
      description:
        'With Tagger=clarifai: name of the SSM SecureString (default key aws/ssm) holding the Clarifai PAT',
    }).valueAsString;
    const corsOrigins = new CfnParameter(this, 'CorsOrigins', {
      type: 'CommaDelimitedList',
      default: '*',
      description: 'Origins allowed to call the API and to PUT/GET images, comma-separated',
    }).valueAsList;
    const logLevel = new CfnParameter(this, 'LogLevel', {
      type: 'String',
      default: 'info',
      allowedValues: LOG_LEVELS,
    }).valueAsString;

    this.bucket = new s3.Bucket(this, 'Images', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      // Browsers PUT and GET through presigned URLs; Content-Type is a signed header.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
          allowedOrigins: corsOrigins,
          allowedHeaders: ['Content-Type'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    // Events onUpload failed on after Lambda's retries. They come back to onUpload 15 minutes
    // later for a final attempt, which ends the image `failed` instead of `pending` for ever.
    this.failureQueue = new sqs.Queue(this, 'UploadFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      deliveryDelay: Duration.minutes(15),
      // At least six times onUpload's timeout, as AWS advises for a queue a function polls.
      visibilityTimeout: Duration.minutes(6),
    });

    const apiRole = functionRole(this, 'ApiRole');
    const onUploadRole = functionRole(this, 'OnUploadRole');
    const preSignUpRole = functionRole(this, 'PreSignUpRole');

    this.domain = createCatalogDomain(this, 'Catalog', {
      domainName: props.domainName ?? domainNameFor(this.stackName),
      clients: [apiRole, onUploadRole],
    });

    const common = {
      code,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
    };

    const preSignUp = new lambda.Function(this, 'PreSignUp', {
      ...common,
      handler: HANDLERS.preSignUp,
      role: preSignUpRole,
      memorySize: 256,
      timeout: Duration.seconds(5),
      logGroup: functionLogs(this, 'PreSignUpLogs', preSignUpRole),
      // Only what the trigger itself needs: reading the pool's ids here would be a cycle.
      environment: { LOG_LEVEL: logLevel, NODE_OPTIONS: '--enable-source-maps' },
    });

    this.userPool = new cognito.UserPool(this, 'Users', {
      signInAliases: { username: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: true,
      // The contract's policy: 8 characters or more, no character classes.
      passwordPolicy: {
        minLength: 8,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
      },
      // No e-mail or phone is collected, so there is nothing to verify or recover through.
      autoVerify: {},
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.LITE,
      lambdaTriggers: { preSignUp },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      // The server receives the password anyway, and SRP gains nothing there.
      authFlows: { userPassword: true },
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    const environment = {
      AUTH: 'cognito',
      COGNITO_USER_POOL_ID: this.userPool.userPoolId,
      COGNITO_CLIENT_ID: this.userPoolClient.userPoolClientId,
      STORAGE: 's3',
      S3_BUCKET: this.bucket.bucketName,
      INDEX: 'opensearch',
      OPENSEARCH_URL: `https://${this.domain.domainEndpoint}`,
      OPENSEARCH_AWS_SERVICE: 'es',
      TAGGER: tagger,
      // Read only with TAGGER=clarifai: a name, not the secret, so it may stay in either case.
      CLARIFAI_PAT_PARAMETER: patParameterName,
      CORS_ORIGIN: Fn.join(',', corsOrigins),
      LOG_LEVEL: logLevel,
      NODE_OPTIONS: '--enable-source-maps',
    };

    // The configuration wants UPLOAD_FUNCTION_NAME wherever STORAGE=s3, onUpload included, and a
    // function cannot Ref its own name: a fixed name breaks the loop. (Lambda replaces a function
    // only when its name changes, so a fixed name costs nothing on updates.)
    const onUploadName = `${this.stackName.slice(0, 55)}-onUpload`;
    const uploadConcurrency = props.uploadConcurrency ?? 5;
    const onUpload = new lambda.Function(this, 'OnUpload', {
      ...common,
      functionName: onUploadName,
      handler: HANDLERS.onUpload,
      role: onUploadRole,
      memorySize: 1024,
      timeout: Duration.seconds(60),
      ...(uploadConcurrency > 0 ? { reservedConcurrentExecutions: uploadConcurrency } : {}),
      logGroup: functionLogs(this, 'OnUploadLogs', onUploadRole),
      environment: { ...environment, UPLOAD_FUNCTION_NAME: onUploadName },
      // S3 events arrive asynchronously; throttled events wait up to maxEventAge.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    onUpload.addEventSource(new SqsEventSource(this.failureQueue, { batchSize: 10 }));

    const api = new lambda.Function(this, 'Api', {
      ...common,
      handler: HANDLERS.api,
      role: apiRole,
      memorySize: 512,
      // API Gateway gives up on an integration after 29 s.
      timeout: Duration.seconds(29),
      logGroup: functionLogs(this, 'ApiLogs', apiRole),
      // Retag invokes onUpload asynchronously by this name.
      environment: { ...environment, UPLOAD_FUNCTION_NAME: onUploadName },
    });
    this.functions = { api, onUpload, preSignUp };

    // Least privilege, statement by statement: the grant helpers add actions nobody here uses.
    const images = this.bucket.arnForObjects(`${IMAGE_PREFIX}*`);
    const thumbnails = this.bucket.arnForObjects(`${THUMBNAIL_PREFIX}*`);
    const domainResources = [this.domain.domainArn, `${this.domain.domainArn}/*`];
    apiRole.addToPrincipalPolicy(
      // Presigned upload PUTs are signed with the api role: for images only, never thumbnails.
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [images] }),
    );
    apiRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Presigned GETs of images and thumbnails; delete removes both.
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [images, thumbnails],
      }),
    );
    apiRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['es:ESHttp*'], resources: domainResources }),
    );
    apiRole.addToPrincipalPolicy(
      // Retag invokes the unqualified function: no version or alias wildcard.
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [onUpload.functionArn],
      }),
    );

    onUploadRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [images] }),
    );
    onUploadRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [thumbnails] }),
    );
    onUploadRole.addToPrincipalPolicy(
      // Without it S3 answers a missing key with 403 instead of NoSuchKey, and an image deleted
      // before its event arrived would look like a permissions fault.
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    onUploadRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['es:ESHttp*'], resources: domainResources }),
    );
    // Only onUpload tags, and only what the chosen tagger calls: each in a policy of its own that
    // exists under its condition.
    conditionalPolicy(this, 'OnUploadRekognition', onUploadRole, taggerIs('rekognition'), [
      // DetectLabels and DetectText have no resource-level permissions (their Image is bytes or
      // the caller's own S3 object): IAM accepts only Resource "*" for them.
      new iam.PolicyStatement({
        actions: ['rekognition:DetectLabels', 'rekognition:DetectText'],
        resources: ['*'],
      }),
    ]);
    conditionalPolicy(this, 'OnUploadClarifaiPat', onUploadRole, taggerIs('clarifai'), [
      // A SecureString under the AWS-managed aws/ssm key needs no kms:Decrypt grant: that key's
      // policy lets every principal of the account decrypt through SSM.
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${patParameterName}`,
        ],
      }),
    ]);

    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(onUpload), {
      prefix: IMAGE_PREFIX,
    });

    this.restApi = new apigateway.LambdaRestApi(this, 'HttpApi', {
      handler: api,
      proxy: true,
      restApiName: `${this.stackName}-api`,
      description: 'pixtag HTTP API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Without these serverless-express corrupts binary bodies.
      binaryMediaTypes: ['image/*', 'multipart/form-data', 'application/octet-stream'],
      // The account-wide CloudWatch role is a singleton shared by every API of the account.
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'prod',
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        metricsEnabled: true,
      },
    });
    addProblemGatewayResponses(this.restApi);
    // LambdaRestApi always adds an output under a generated name; ApiUrl below replaces it.
    this.restApi.node.tryRemoveChild('Endpoint');

    new CfnOutput(this, 'ApiUrl', { value: this.restApi.url });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.failureQueue.queueUrl });
    new CfnOutput(this, 'OpenSearchUrl', { value: environment.OPENSEARCH_URL });
  }
}

function functionRole(scope: Construct, id: string): iam.Role {
  // No AWSLambdaBasicExecutionRole: its logs:* on every log group is wider than one group.
  return new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** An inline policy of the role that CloudFormation creates only where `condition` holds. */
function conditionalPolicy(
  scope: Construct,
  id: string,
  role: iam.Role,
  condition: CfnCondition,
  statements: iam.PolicyStatement[],
): void {
  const policy = new iam.Policy(scope, id, { roles: [role], statements });
  (policy.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = condition;
}

function functionLogs(scope: Construct, id: string, role: iam.Role): logs.LogGroup {
  const group = new logs.LogGroup(scope, id, { retention: logs.RetentionDays.ONE_MONTH });
  group.grantWrite(role);
  return group;
}
