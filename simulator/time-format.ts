// Date-times as Azure writes them: .NET's round-trip form with the fraction's trailing zeros left
// out ("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz"), so up to seven fractional digits and none on a whole second.
// Recorded: "startTime": "2024-11-23T01:32:33.651686+00:00", "startDateTime": "2024-11-23T01:32:34+00:00"
// (azure-cli src/azure-cli/azure/cli/command_modules/vm/tests/latest/recordings/test_vm_install_patches.yaml);
// "publishedDate": "2014-02-24T19:00:00-05:00", "lastModifiedDateTime": "2020-08-07T12:19:11.360375-04:00"
// (azure-powershell src/Compute/Compute.Test/SessionRecords/.../TestInvokeAzVmAssessPatch.json);
// "timeCreated": "2021-06-27T01:02:38.3138469+00:00" (azure-rest-api-specs
// .../ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Get.json).
// The emulator writes UTC, as CRP does today.

function formatted(ms: number, suffix: string): string {
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString(); // 2024-11-23T01:32:33.651Z
  const ticks = `${iso.slice(20, 23)}${Math.round((ms - whole) * 10_000).toString().padStart(4, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${ticks === '' ? '' : `.${ticks}`}${suffix}`;
}

/** "2024-11-23T01:32:33.651686+00:00": envelopes, results, VM bodies, instance-view statuses. */
export function armTimestamp(ms: number): string {
  return formatted(ms, '+00:00');
}

/**
 * The instance view's patch summaries write UTC with a "Z" ("2020-04-24T21:02:04.2556154Z",
 * .../ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Get_InstanceView.json).
 */
export function armTimestampUtc(ms: number): string {
  return formatted(ms, 'Z');
}
