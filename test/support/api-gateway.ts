// API Gateway REST (v1) proxy events, as the `api` Lambda receives them, and a reader for the
// proxy results it returns.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface GatewayRequest {
  method: string;
  /** Path as the client sent it, query string included, percent-encoding kept. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a Buffer as base64 with isBase64Encoded. */
  body?: unknown;
}

export function gatewayEvent(request: GatewayRequest): APIGatewayProxyEvent {
  const url = new URL(request.path, 'https://api.example.com');
  const headers: Record<string, string> = { Host: 'api.example.com', ...request.headers };
  let body: string | null = null;
  let isBase64Encoded = false;
  if (Buffer.isBuffer(request.body)) {
    body = request.body.toString('base64');
    isBase64Encoded = true;
  } else if (typeof request.body === 'string') {
    body = request.body;
  } else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const multi: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (multi[key] ??= []).push(value);
  return {
    resource: '/{proxy+}',
    // API Gateway passes the path decoded, as it matched it.
    path: decodeURIComponent(url.pathname),
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: url.search ? multi : null,
    pathParameters: { proxy: decodeURIComponent(url.pathname.slice(1)) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        sourceIp: '203.0.113.7',
        userAgent: 'vitest',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${url.pathname}`,
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: '/{proxy+}',
    },
    body,
    isBase64Encoded,
  };
}

export function lambdaContext(name = 'api'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
}

export function readResult(result: unknown): GatewayResponse {
  const r = result as APIGatewayProxyResult;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(r.multiValueHeaders ?? {}))
    headers[k.toLowerCase()] = v.map(String).join(', ');
  const body = r.isBase64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body;
  return { status: r.statusCode, headers, body, json: () => JSON.parse(body) };
}
