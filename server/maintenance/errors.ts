// The Maintenance resource provider's own errors. It answers with capitalised keys,
// `{"Error":{"Code","Message"}}` (hashicorp/terraform-provider-azurerm#29738, #29348); ARM's own
// answers (api-version, token, subscription) keep ARM's CloudError. Codes and messages no public
// source shows are the emulator's choice (docs/maintenance.md#errors).

import { ArmError } from '../arm/errors.js';

export class MaintenanceError extends ArmError {
  body(): { Error: { Code: string; Message: string } } {
    return { Error: { Code: this.code, Message: this.message } };
  }
}

/** InvalidMaintenanceWindow: "Invalid maintenance window. Error: <reason>." (terraform-provider-azurerm#29348). */
export const invalidMaintenanceWindow = (reason: string) =>
  new MaintenanceError(400, 'InvalidMaintenanceWindow', `Invalid maintenance window. Error: ${reason}.`);

/** "Extension properties must contain Patch mode" (Azure/bicep#8959); the code is the emulator's choice. */
export const patchModeMissing = () => new MaintenanceError(400, 'InvalidParameter', 'Extension properties must contain Patch mode.');

export const invalidParameter = (message: string) => new MaintenanceError(400, 'InvalidParameter', message);

export const scopeNotSupported = (scope: string, apiVersion: string) =>
  new MaintenanceError(400, 'InvalidParameter', `Maintenance scope '${scope}' is not supported in api-version '${apiVersion}'.`);

export const maintenanceNotFound = (what: string, name: string) =>
  new MaintenanceError(404, 'ResourceNotFound', `The ${what} '${name}' was not found.`);

export const configurationNotFound = (id: string) =>
  new MaintenanceError(404, 'ResourceNotFound', `Maintenance configuration '${id}' was not found.`);

export const prerequisitesNotMet = (resourceId: string) =>
  new MaintenanceError(
    400,
    'InvalidParameter',
    `The virtual machine '${resourceId}' does not meet the prerequisites for schedule patching: its patchMode must be 'AutomaticByPlatform' and bypassPlatformSafetyChecksOnUserSchedule must be true.`,
  );

export const tooMany = (message: string) => new MaintenanceError(409, 'Conflict', message);
