// ARM errors: the codes and message shapes of wire contract §3, never invented ones. Every failure
// the emulator reports is an ArmError; the error handler turns it into a CloudError body.

export interface CloudErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface CloudErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: CloudErrorDetail[];
  innererror?: Record<string, unknown>;
}

export class ArmError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: CloudErrorDetail[]; innererror?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }

  toBody(): { error: CloudErrorBody } {
    const { target, details, innererror } = this.extra;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(target !== undefined ? { target } : {}),
        ...(details !== undefined ? { details } : {}),
        ...(innererror !== undefined ? { innererror } : {}),
      },
    };
  }
}

// §3.1
export const missingApiVersion = () =>
  new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');

// §3.2
export const noRegisteredProvider = (location: string, apiVersion: string, type: string, versions: readonly string[], locations: readonly string[]) =>
  new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type}'. ` +
      `The supported api-versions are '${versions.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
  );

// §3.3
export const invalidApiVersion = (apiVersion: string, versions: readonly string[]) =>
  new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${versions.join(',')}'.`);

// §3.12, §3.13: ARM adds a WWW-Authenticate challenge to its 401s.
const challenge = {
  'WWW-Authenticate':
    'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
};
export const authorizationMissing = () =>
  new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", { headers: challenge });
export const authorizationMalformed = () =>
  new ArmError(401, 'AuthenticationFailedInvalidHeader', "Authentication failed. The 'Authorization' header is provided in an invalid format.", {
    headers: challenge,
  });

// ARM's answer for a subscription id that is not a GUID.
export const invalidSubscriptionId = (subscriptionId: string) =>
  new ArmError(400, 'InvalidSubscriptionId', `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`);

// §3.4: ARM-generated, hence x-ms-failure-cause: gateway.
export const resourceGroupNotFound = (resourceGroup: string) =>
  new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`, {
    headers: { 'x-ms-failure-cause': 'gateway' },
  });

// §3.5
export const resourceNotFound = (type: string, name: string, resourceGroup: string) =>
  new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    { headers: { 'x-ms-failure-cause': 'gateway' } },
  );

// §5.8: the code for an unknown operation id is unverified; NotFound is the contract's proposal.
export const operationNotFound = (operationId: string) =>
  new ArmError(404, 'NotFound', `The operation '${operationId}' was not found.`);

// §3.6
export const requiredParameterMissing = (target: string) =>
  new ArmError(400, 'InvalidParameter', `Required parameter '${target}' is missing (null).`, { target });
export const parameterInvalid = (target: string) =>
  new ArmError(400, 'InvalidParameter', `The value of parameter ${target} is invalid.`, { target });
export const kbNumberInvalid = (listName: string, value: string, target: string) =>
  new ArmError(400, 'InvalidParameter', `The entry in '${listName}' with value '${value}' is not valid. It must be a KBID such as KB4512508.`, {
    target,
  });
export const requestContentInvalid = (reason: string) =>
  new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${reason}'.`);
export const locationRequired = () =>
  new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
export const unsupportedMediaType = (contentType: string) =>
  new ArmError(415, 'UnsupportedMediaType', `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`);

// §3.7, §3.8
export const vmDeallocated = (operation: string, vm: string) =>
  new ArmError(409, 'OperationNotAllowed', `Operation '${operation}' is not allowed on VM '${vm}' since the VM is either deallocated or marked to be deallocated.`);
// A stopped (not deallocated) VM: CRP's wording is not in any recording; this follows the §3.7 pattern.
export const vmStopped = (operation: string, vm: string) =>
  new ArmError(409, 'OperationNotAllowed', `Operation '${operation}' is not allowed on VM '${vm}' since the VM is stopped.`);
// §3.9, §5.14: the 409 for a second patch operation is a proposal (no recording shows one); the
// code is CRP's for a refused operation, the wording follows the §3.7 pattern.
export const patchOperationInProgress = (operation: string, vm: string, running: string) =>
  new ArmError(
    409,
    'OperationNotAllowed',
    `Operation '${operation}' is not allowed on VM '${vm}' since a patch operation ('${running}') is already in progress on it.`,
  );

// --- Tokens and subscriptions (--auth strict, server/identity) ---

/** ARM's challenge on a refused token: the §3.12 header, with this error's description. */
const tokenChallenge = (description: string) => ({
  'WWW-Authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${description}"`,
});

// §3.14
export const invalidAuthenticationToken = () =>
  new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { headers: tokenChallenge('The access token is invalid.') });

/** ARM writes the times in .NET's en-US form, e.g. '6/15/2026 8:22:51 AM' ([issue] microsoft/foundry-dev-tools#461). */
function armUtcTime(date: Date): string {
  const hours = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

// §3.14
export const expiredAuthenticationToken = (expiry: Date, now: Date) => {
  const message = `The access token expiry UTC time '${armUtcTime(expiry)}' is earlier than current UTC time '${armUtcTime(now)}'.`;
  return new ArmError(401, 'ExpiredAuthenticationToken', message, { headers: tokenChallenge('The access token has expired.') });
};

// [issue] Azure-Samples/active-directory-dotnetcore-daemon-v2#145, JetBrains/azure-tools-for-intellij#16
export const invalidAuthenticationTokenAudience = (audience: string, allowed: readonly string[]) =>
  new ArmError(
    401,
    'InvalidAuthenticationTokenAudience',
    `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
    { headers: tokenChallenge('The access token has been obtained for wrong audience or resource.') },
  );

// [issue] Azure/azure-cli#33657, microsoft/AzureStorageExplorer#5298
export const subscriptionNotFound = (subscriptionId: string) =>
  new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
// Reliability: the answers at the HTTP edge (docs/reliability.md) -----------------------------------

// ARM's answer to a body over its 4 MB limit (Azure/Azure-Landing-Zones#2644, Azure/avdaccelerator#632:
// "Code=RequestContentTooLarge; Message=The request content size exceeds the maximum size of 4 MB.").
export const requestContentTooLarge = () =>
  new ArmError(413, 'RequestContentTooLarge', 'The request content size exceeds the maximum size of 4 MB.');

// A method the addressed route does not have. ARM's CloudError for it (Azure/azure-powershell#9709):
// 405, code MethodNotAllowed, "The HTTP method 'POST' is not supported on the resource '<url>'.".
// Some resource providers answer {"Message":"The requested resource does not support http method
// 'GET'."} instead (Azure/terraform-provider-azapi#936); the emulator keeps the CloudError.
export const methodNotAllowed = (method: string, url: string, allowed: readonly string[]) =>
  new ArmError(405, 'MethodNotAllowed', `The HTTP method '${method}' is not supported on the resource '${url}'.`, {
    headers: { allow: allowed.join(', ') },
  });

// HTTP.sys (the Microsoft-HTTPAPI/2.0 server in front of ARM) refuses a malformed request itself,
// with an HTML page and no code: "HTTP Error 400. The request URL is invalid." (a bad
// percent-encoding, a path segment over its limit), "HTTP Error 400. The size of the request headers
// is too long." (microsoftgraph/microsoft-graph-docs#21903), "HTTP Error 400. The request is badly
// formed.". The emulator keeps the status and the words, in a CloudError with the generic code
// BadRequest, so that every client sees ARM's error shape.
export const invalidRequestUrl = () => new ArmError(400, 'BadRequest', 'The request URL is invalid.');
export const requestHeadersTooLong = () => new ArmError(400, 'BadRequest', 'The size of the request headers is too long.');
export const badlyFormedRequest = () => new ArmError(400, 'BadRequest', 'The request is badly formed.');

// JSON nested deeper than the .NET serializer behind ARM reads by default (Newtonsoft.Json 13:
// MaxDepth 64; unverified on the wire), refused like any undeserialisable body (§3.6).
export const MAX_JSON_DEPTH = 64;
export const jsonTooDeep = () =>
  requestContentInvalid(`The reader's MaxDepth of ${MAX_JSON_DEPTH} has been exceeded.`);

// The admin API's key (--admin-key): ARM's authentication code (§3.12), naming the emulator's header.
export const adminKeyMissing = () =>
  new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'x-admin-key' header is missing.");
export const adminKeyInvalid = () =>
  new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'x-admin-key' header is invalid.");
