// The operations service's own refusals, as domain errors: the service does not speak HTTP. The
// error handler (server/arm/error-handler.ts) answers each with the CloudError ARM sends.

/** A patch operation is still running on the machine, and --overlapping-operations is `reject`. */
export class OperationInProgressError extends Error {
  constructor(
    readonly operation: string,
    readonly machineName: string,
    readonly running: string,
  ) {
    super(`a patch operation ('${running}') is already in progress on '${machineName}'`);
    this.name = 'OperationInProgressError';
  }
}
