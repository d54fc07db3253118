// How Cognito's ID tokens are verified. Apart from cognito.ts so that `api` can verify tokens
// without loading the Cognito client library, which only sign-up and sign-in need.
import type { TokenRules } from './identity-provider.js';

export function cognitoTokenRules(config: {
  userPoolId: string;
  clientId: string;
  region: string;
  endpoint?: string;
}): TokenRules {
  const { userPoolId, clientId, region, endpoint } = config;
  // AWS: https://cognito-idp.<region>.amazonaws.com/<pool id>. An emulator (cognito-local)
  // issues <its own URL>/<pool id> and serves the JWKS under it, as AWS does.
  const issuer = endpoint
    ? `${endpoint}/${userPoolId}`
    : `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return {
    issuer,
    // ID tokens carry the app client as `aud`; access tokens have none (client_id instead),
    // and token_use = id keeps an access token from passing for an ID token.
    audience: clientId,
    requiredClaims: { token_use: 'id' },
    jwks: { uri: `${issuer}/.well-known/jwks.json` },
  };
}
