// The errors API Gateway answers by itself (throttling, a payload too large, a function that
// failed or timed out) never reach Express, so they would miss the contract's CORS headers and
// problem+json body; a browser would then see an opaque CORS failure instead of the status.
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';

interface GatewayProblem {
  type: ResponseType;
  /** What the client sees as `title`: the reason phrase of the status. */
  title: string;
  /** undefined where one response type covers several statuses. */
  status?: number;
  headers?: Record<string, string>;
}

// Header values are mapping expressions: a literal must be in single quotes.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': "'*'",
  'Access-Control-Expose-Headers': "'WWW-Authenticate'",
};

export const WWW_AUTHENTICATE = 'Bearer realm="pixtag"';

// Each type keeps API Gateway's own status; only the shape of the answer changes.
const PROBLEMS: GatewayProblem[] = [
  {
    type: ResponseType.UNAUTHORIZED,
    title: 'Unauthorized',
    status: 401,
    headers: { 'WWW-Authenticate': `'${WWW_AUTHENTICATE}'` },
  },
  { type: ResponseType.ACCESS_DENIED, title: 'Forbidden', status: 403 },
  // API Gateway's answer to a method or path it has no route for.
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, title: 'Forbidden', status: 403 },
  { type: ResponseType.REQUEST_TOO_LARGE, title: 'Content Too Large', status: 413 },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, title: 'Unsupported Media Type', status: 415 },
  { type: ResponseType.THROTTLED, title: 'Too Many Requests', status: 429 },
  { type: ResponseType.INTEGRATION_FAILURE, title: 'Gateway Timeout', status: 504 },
  { type: ResponseType.INTEGRATION_TIMEOUT, title: 'Gateway Timeout', status: 504 },
  // Gateway templates do plain substitution, no logic: the exact status of a default response is
  // not available to its body, so these carry the class name RFC 9110 gives the status range.
  { type: ResponseType.DEFAULT_4XX, title: 'Client Error' },
  { type: ResponseType.DEFAULT_5XX, title: 'Server Error' },
];

/** The body template: $context.error.messageString is already a quoted JSON string. */
export function problemTemplate(title: string, status?: number): string {
  const statusField = status === undefined ? '' : `"status":${status},`;
  return `{"type":"about:blank","title":"${title}",${statusField}"detail":$context.error.messageString}`;
}

export function addProblemGatewayResponses(api: RestApi): void {
  for (const problem of PROBLEMS) {
    api.addGatewayResponse(problem.type.responseType, {
      type: problem.type,
      responseHeaders: {
        ...CORS_HEADERS,
        'Content-Type': "'application/problem+json'",
        ...problem.headers,
      },
      // API Gateway picks the template by the request's Accept header and falls back to
      // application/json; the Content-Type header above is what the client reads.
      templates: { 'application/json': problemTemplate(problem.title, problem.status) },
    });
  }
}
