// Errors of the identity endpoints, in the OAuth 2.0 shape Microsoft Entra ID answers with
// ({"error", "error_description", "error_codes", ...}), not ARM's CloudError: MSAL reads these.

import { randomUUID } from 'node:crypto';

export class OAuthError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    description: string,
    readonly errorCode?: number,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    if (this.errorCode === undefined) return { error: this.error, error_description: this.message };
    return {
      error: this.error,
      error_description: `${this.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [this.errorCode],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    };
  }
}

// Microsoft Entra ID error codes (Learn, "Microsoft Entra authentication and authorization error codes").
export const missingParameter = (name: string) =>
  new OAuthError(400, 'invalid_request', `AADSTS900144: The request body must contain the following parameter: '${name}'.`, 900144);
export const missingClientCredential = () =>
  new OAuthError(401, 'invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218);
export const unsupportedGrantType = (grantType: string) =>
  new OAuthError(400, 'unsupported_grant_type', `AADSTS70003: The app requested an unsupported grant type '${grantType}'. This emulator issues tokens for client_credentials only.`, 70003);

// Managed-identity endpoints (Learn, "How to use managed identities for Azure resources on an Azure
// VM to acquire an access token", error table): IMDS-style bodies without AADSTS codes.
export const metadataHeaderMissing = () => new OAuthError(400, 'bad_request_102', 'Required metadata header not specified');
export const identityRequestInvalid = (detail: string) =>
  new OAuthError(400, 'invalid_request', `The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. ${detail}`);
