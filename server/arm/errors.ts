// ARM errors: the codes and message shapes ARM and CRP send (each with its public source), never
// invented ones. Every failure
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

// ARM's answer without ?api-version= (quoted in public client code; docs/api.md).
export const missingApiVersion = () =>
  new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');

// A Compute api-version not registered for the type (MicrosoftDocs/azure-docs#62621, Azure/azure-cli#28496).
export const noRegisteredProvider = (location: string, apiVersion: string, type: string, versions: readonly string[], locations: readonly string[]) =>
  new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type}'. ` +
      `The supported api-versions are '${versions.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
  );

// An ARM-native type's unknown api-version (Azure/azure-cli#28038, hashicorp/vault-plugin-secrets-azure#13).
export const invalidApiVersion = (apiVersion: string, versions: readonly string[]) =>
  new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${versions.join(',')}'.`);

// No or a malformed Authorization header (hashicorp/terraform-provider-azurerm#3612,
// Azure/azure-sdk-for-python#4124); ARM adds a WWW-Authenticate challenge to its 401s.
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

// ARM-generated, hence x-ms-failure-cause: gateway (Azure/azure-powershell session records).
export const resourceGroupNotFound = (resourceGroup: string) =>
  new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`, {
    headers: { 'x-ms-failure-cause': 'gateway' },
  });

// Azure/azure-powershell#15117.
export const resourceNotFound = (type: string, name: string, resourceGroup: string) =>
  new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    { headers: { 'x-ms-failure-cause': 'gateway' } },
  );

// The code for an unknown operation id is unrecorded; NotFound is the generic one.
export const operationNotFound = (operationId: string) =>
  new ArmError(404, 'NotFound', `The operation '${operationId}' was not found.`);

// CRP's parameter errors (Azure/azure-powershell#4001; the KB form is in azure-cli's
// test_vm_install_patches recording); ARM's undeserialisable body (Azure/azure-cli#5033).
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

// hashicorp/terraform-provider-azurerm#28218.
export const vmDeallocated = (operation: string, vm: string) =>
  new ArmError(409, 'OperationNotAllowed', `Operation '${operation}' is not allowed on VM '${vm}' since the VM is either deallocated or marked to be deallocated.`);
// CRP's answer for a VM being deleted (sassoftware/viya4-iac-azure#140).
export const vmMarkedForDeletion = (operation: string, vm: string) =>
  new ArmError(
    409,
    'OperationNotAllowed',
    `Operation '${operation}' is not allowed on VM '${vm}' since the VM is marked for deletion. You can only retry the Delete operation (or wait for an ongoing one to complete).`,
  );
// ARM's answer for anything but a read in a group being deleted (Azure/azure-cli#21121, #28679).
export const groupBeingDeleted = (name: string) =>
  new ArmError(409, 'ResourceGroupBeingDeleted', `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`);
// A stopped (not deallocated) VM: CRP's wording is not in any recording; this follows the deallocated one's pattern.
export const vmStopped = (operation: string, vm: string) =>
  new ArmError(409, 'OperationNotAllowed', `Operation '${operation}' is not allowed on VM '${vm}' since the VM is stopped.`);
// The 409 for a second patch operation (--overlapping-operations reject) is not in any recording;
// the code is CRP's for a refused operation, the wording follows the deallocated one's pattern.
export const patchOperationInProgress = (operation: string, vm: string, running: string) =>
  new ArmError(
    409,
    'OperationNotAllowed',
    `Operation '${operation}' is not allowed on VM '${vm}' since a patch operation ('${running}') is already in progress on it.`,
  );

// --- Tokens and subscriptions (--auth strict, server/identity) ---

/** ARM's challenge on a refused token: the WWW-Authenticate header, with this error's description. */
const tokenChallenge = (description: string) => ({
  'WWW-Authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${description}"`,
});

// Azure/azure-powershell#27882, Azure/migAz#249.
export const invalidAuthenticationToken = () =>
  new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { headers: tokenChallenge('The access token is invalid.') });

/** ARM writes the times in .NET's en-US form, e.g. '6/15/2026 8:22:51 AM' ([issue] microsoft/foundry-dev-tools#461). */
function armUtcTime(date: Date): string {
  const hours = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 === 0 ? 12 : hours % 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

// Azure/azure-powershell#27882, Azure/migAz#249.
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
// MaxDepth 64; unverified on the wire), refused like any undeserialisable body.
export const MAX_JSON_DEPTH = 64;
export const jsonTooDeep = () =>
  requestContentInvalid(`The reader's MaxDepth of ${MAX_JSON_DEPTH} has been exceeded.`);

// The admin API's key (--admin-key): ARM's authentication code, naming the emulator's header.
export const adminKeyMissing = () =>
  new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'x-admin-key' header is missing.");
export const adminKeyInvalid = () =>
  new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'x-admin-key' header is invalid.");

// CRP's throttling answer: 429, OperationNotAllowed, a TooManyRequests detail naming the spent
// operation group, Retry-After (hashicorp/terraform-provider-azurerm#19146, Azure/aks-engine#2295).
export const crpThrottled = (group: string, allowed: number, retryAfterSeconds: number, now: Date) =>
  new ArmError(429, 'OperationNotAllowed', 'The server rejected the request because too many requests have been received for this subscription.', {
    details: [
      {
        code: 'TooManyRequests',
        message: JSON.stringify({
          operationGroup: group,
          startTime: now.toISOString(),
          endTime: new Date(now.getTime() + retryAfterSeconds * 1000).toISOString(),
          allowedRequestCount: allowed,
          measuredRequestCount: allowed + 1,
        }),
        target: group,
      },
    ],
    innererror: { internalErrorCode: 'TooManyRequestsReceived' },
    headers: { 'retry-after': String(retryAfterSeconds) },
  });

// An unknown resource type in a namespace the emulator serves (404, Azure/azure-powershell#12059:
// "The resource type could not be found in the namespace 'Microsoft.Compute' for api version '2018-06-01-preview'.").
export const invalidResourceType = (namespace: string, apiVersion: string) =>
  new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`, {
    headers: { 'x-ms-failure-cause': 'gateway' },
  });
