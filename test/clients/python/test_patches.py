"""The newest azure-mgmt-compute and azure-identity from PyPI, unmodified, against a running emulator.

Run by test/clients/python/run.sh, which starts the emulator (--auth strict, --completion polls:2,
--retry-after 0) and sets the environment a user's program would have:
  CPE_ENDPOINT           the emulator's HTTPS URL
  REQUESTS_CA_BUNDLE     the emulator's certificate, the only trust (requests, under azure-core)
  IDENTITY_ENDPOINT/IDENTITY_HEADER   the emulator's managed-identity endpoint (App Service style)

Polling: azure-core polls at once after the 202, then sleeps Retry-After or `polling_interval`
between polls; the emulator sends Retry-After: 0 and the operations pass `polling_interval=0`, so
no poll waits on a timer. Prints "ok: NAME" or "FAILED: NAME" per check.
"""

from datetime import datetime, timezone

from azure.core.exceptions import HttpResponseError
from azure.identity import ManagedIdentityCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute.models import (
    LinuxParameters,
    VirtualMachineInstallPatchesParameters,
    WindowsParameters,
)

from checks import ENDPOINT, GROUP, SUBSCRIPTION, check, expect, finish, secret_credential

WINDOWS_VM = "myVMName"
LINUX_VM = "myLinuxVMName"

credential = secret_credential()
compute = ComputeManagementClient(credential, SUBSCRIPTION, base_url=ENDPOINT)
state = {}


def windows_install():
    poller = compute.virtual_machines.begin_install_patches(
        GROUP,
        WINDOWS_VM,
        VirtualMachineInstallPatchesParameters(
            maximum_duration="PT4H",
            reboot_setting="IfRequired",
            # The REST specification's example request, its publish-date cut moved past the image's month.
            windows_parameters=WindowsParameters(
                classifications_to_include=["Critical", "Security"],
                max_patch_publish_date=datetime(2026, 3, 31, tzinfo=timezone.utc),
            ),
        ),
        polling_interval=0,
    )
    result = poller.result()
    expect(result.status == "Succeeded", f"status {result.status}")
    installed = [p for p in result.patches if p.installation_state == "Installed"]
    expect(result.installed_patch_count > 0, "nothing installed")
    expect(result.installed_patch_count == len(installed), "installedPatchCount disagrees with the patch list")
    expect(result.failed_patch_count == 0 and result.error.code == "Success", "a failure reported on success")
    expect(all(p.kb_id for p in result.patches), "a Windows patch without kbId")
    expect(result.start_date_time is not None, "no startDateTime")
    state["install_id"] = result.installation_activity_id


def linux_install():
    result = compute.virtual_machines.begin_install_patches(
        GROUP,
        LINUX_VM,
        VirtualMachineInstallPatchesParameters(
            maximum_duration="PT2H",
            reboot_setting="IfRequired",
            linux_parameters=LinuxParameters(
                classifications_to_include=["Critical", "Security"], package_name_masks_to_exclude=["vim*"]
            ),
        ),
        polling_interval=0,
    ).result()
    expect(result.status == "Succeeded", f"status {result.status}")
    expect(result.patches and all(p.version and not p.kb_id for p in result.patches), "Linux items carry version, not kbId")
    expect(result.excluded_patch_count > 0, "vim* excluded nothing")


def assess():
    result = compute.virtual_machines.begin_assess_patches(GROUP, WINDOWS_VM, polling_interval=0).result()
    expect(result.status == "Succeeded", f"status {result.status}")
    expect(result.assessment_activity_id, "no assessmentActivityId")
    expect(len(result.available_patches) == result.critical_and_security_patch_count + result.other_patch_count, "counts disagree with the list")
    state["assessment_id"] = result.assessment_activity_id


def instance_view():
    view = compute.virtual_machines.instance_view(GROUP, WINDOWS_VM)
    patch_status = view.patch_status
    expect(patch_status.last_patch_installation_summary.installation_activity_id == state["install_id"], "last install is not the one just run")
    expect(patch_status.available_patch_summary.assessment_activity_id == state["assessment_id"], "last assessment is not the one just run")
    expect(any(s.code == "PowerState/running" for s in view.statuses), "no PowerState/running")


def validation_error():
    try:
        compute.virtual_machines.begin_install_patches(
            GROUP,
            WINDOWS_VM,
            VirtualMachineInstallPatchesParameters(
                maximum_duration="PT4H",
                reboot_setting="Never",
                windows_parameters=WindowsParameters(kb_numbers_to_include=["1111"]),
            ),
            polling_interval=0,
        ).result()
    except HttpResponseError as error:
        expect(error.status_code == 400, f"status {error.status_code}")
        expect(error.error.code == "InvalidParameter", f"code {error.error.code}")
        expect("kbNumbersToInclude" in error.error.message, error.error.message)
        expect(error.error.target == "windowsParameters.kbNumbersToInclude", f"target {error.error.target}")
        return
    raise AssertionError("the invalid body was accepted")


def list_in_group():
    names = sorted(vm.name for vm in compute.virtual_machines.list(GROUP))
    expect(names == sorted([WINDOWS_VM, LINUX_VM]), f"listed {names}")


def managed_identity():
    # IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service style) come from the environment.
    credential = ManagedIdentityCredential()
    client = ComputeManagementClient(credential, SUBSCRIPTION, base_url=ENDPOINT)
    result = client.virtual_machines.begin_assess_patches(GROUP, LINUX_VM, polling_interval=0).result()
    expect(result.status == "Succeeded", f"status {result.status}")


check("ClientSecretCredential + begin_install_patches on Windows (classifications)", windows_install)
check("begin_install_patches on Linux (package masks)", linux_install)
check("begin_assess_patches", assess)
check("instance_view shows the install and the assessment just run", instance_view)
check("an invalid KB number is HttpResponseError 400 InvalidParameter with its target", validation_error)
check("virtual_machines.list(resource group)", list_in_group)
check("ManagedIdentityCredential (IDENTITY_ENDPOINT) + begin_assess_patches", managed_identity)
finish()
