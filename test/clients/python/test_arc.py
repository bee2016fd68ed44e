"""The newest azure-mgmt-hybridcompute from PyPI, unmodified, against a running emulator's Arc machines.

Run by test/clients/python/run.sh after test_patches.py, with the same emulator (--auth strict,
--completion polls:2, --retry-after 0) and environment (CPE_ENDPOINT, REQUESTS_CA_BUNDLE). The
client sends its own default api-version; the patch operations are long-running operations that
azure-core polls through the `Location` the Arc resource provider hands out (no
Azure-AsyncOperation). Prints "ok: NAME" or "FAILED: NAME" per check.
"""

import json
import os
import urllib.request

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.hybridcompute import HybridComputeManagementClient
from azure.mgmt.hybridcompute.models import (
    LinuxParameters,
    MachineInstallPatchesParameters,
    WindowsParameters,
)

from checks import ENDPOINT, GROUP, SUBSCRIPTION, check, expect, finish, secret_credential

ADMIN = os.environ["CPE_ADMIN"]
WINDOWS_MACHINE = "myArcMachine"
LINUX_MACHINE = "myLinuxArcMachine"



credential = secret_credential("python-arc-client")
client = HybridComputeManagementClient(credential, SUBSCRIPTION, base_url=ENDPOINT)


def set_status(machine, status):
    """The emulator's admin API (plain HTTP, no proxy): the machine's agent status."""
    request = urllib.request.Request(
        f"{ADMIN}/_emulator/arcMachines/{SUBSCRIPTION}/{GROUP}/{machine}/status",
        data=json.dumps({"status": status}).encode(),
        headers={"content-type": "application/json"},
        method="PUT",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request) as response:
        expect(response.status == 200, f"status change answered {response.status}")


def get_machines():
    windows = client.machines.get(GROUP, WINDOWS_MACHINE)
    expect(windows.properties.status == "Connected", f"status {windows.properties.status}")
    expect(windows.properties.os_name == "windows", f"osName {windows.properties.os_name}")
    expect(windows.properties.agent_version, "an agent version")
    settings = windows.properties.os_profile.windows_configuration.patch_settings
    expect(settings.patch_mode == "AutomaticByOS", f"patchMode {settings.patch_mode}")
    linux = client.machines.get(GROUP, LINUX_MACHINE)
    expect(linux.properties.os_type == "linux", f"osType {linux.properties.os_type}")


def list_machines():
    in_group = sorted(m.name for m in client.machines.list_by_resource_group(GROUP))
    expect(in_group == [WINDOWS_MACHINE, LINUX_MACHINE], f"listed {in_group}")
    in_subscription = sorted(m.name for m in client.machines.list_by_subscription())
    expect(in_subscription == in_group, f"listed {in_subscription}")


def windows_install():
    parameters = MachineInstallPatchesParameters(
        maximum_duration="PT4H",
        reboot_setting="IfRequired",
        windows_parameters=WindowsParameters(classifications_to_include=["Critical", "Security"]),
    )
    result = client.machines.begin_install_patches(GROUP, WINDOWS_MACHINE, parameters, polling_interval=0).result()
    expect(result.status == "Succeeded", f"status {result.status}")
    expect(result.installed_patch_count > 0, f"installed {result.installed_patch_count}")
    expect(result.started_by == "User", f"startedBy {result.started_by}")
    expect(result.patch_service_used == "WU", f"patchServiceUsed {result.patch_service_used}")
    expect(result.os_type == "Windows", f"osType {result.os_type}")
    expect(result.last_modified_date_time >= result.start_date_time, "lastModifiedDateTime after the start")


def linux_install():
    parameters = MachineInstallPatchesParameters(
        maximum_duration="PT2H",
        reboot_setting="IfRequired",
        linux_parameters=LinuxParameters(classifications_to_include=["Critical", "Security"]),
    )
    result = client.machines.begin_install_patches(GROUP, LINUX_MACHINE, parameters, polling_interval=0).result()
    expect(result.status == "Succeeded", f"status {result.status}")
    expect(result.patch_service_used == "APT", f"patchServiceUsed {result.patch_service_used}")


def assess():
    result = client.machines.begin_assess_patches(GROUP, LINUX_MACHINE, polling_interval=0).result()
    expect(result.status == "Succeeded", f"status {result.status}")
    counts = result.available_patch_count_by_classification
    expect(counts.security == 0 and counts.critical == 0, "Critical and Security were just installed")
    expect(counts.other > 0, f"other {counts.other}")
    expect(result.assessment_activity_id, "an assessment activity id")


def disconnected():
    set_status(WINDOWS_MACHINE, "Disconnected")
    try:
        client.machines.begin_assess_patches(GROUP, WINDOWS_MACHINE, polling_interval=0).result()
        raise AssertionError("a disconnected machine was assessed")
    except HttpResponseError as error:
        expect(error.status_code == 409, f"status {error.status_code}")
        expect(error.error.code == "MachineNotConnected", f"code {error.error.code}")
    finally:
        set_status(WINDOWS_MACHINE, "Connected")


def create_update_delete():
    created = client.machines.create_or_update(
        GROUP, "python-box", {"location": "westus", "properties": {"osType": "linux", "osSku": "Red Hat Enterprise Linux 9.4"}}
    )
    expect(created.properties.os_type == "linux", f"osType {created.properties.os_type}")
    updated = client.machines.update(
        GROUP, "python-box",
        {"properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}}}},
    )
    mode = updated.properties.os_profile.linux_configuration.patch_settings.patch_mode
    expect(mode == "AutomaticByPlatform", f"patchMode {mode}")
    client.machines.begin_delete(GROUP, "python-box", polling_interval=0).result()
    try:
        client.machines.get(GROUP, "python-box")
        raise AssertionError("the machine is still there")
    except ResourceNotFoundError:
        pass


def missing_machine():
    try:
        client.machines.get(GROUP, "no-such-machine")
        raise AssertionError("found a machine that does not exist")
    except ResourceNotFoundError as error:
        expect(error.error.code == "ResourceNotFound", f"code {error.error.code}")


check("machines.get: a Windows and a Linux Arc machine, with their patch settings", get_machines)
check("machines.list_by_resource_group and list_by_subscription", list_machines)
check("begin_install_patches on the Windows machine (MachineInstallPatchesResult)", windows_install)
check("begin_install_patches on the Linux machine", linux_install)
check("begin_assess_patches (MachineAssessPatchesResult)", assess)
check("a Disconnected machine: HttpResponseError 409 MachineNotConnected", disconnected)
check("machines.create_or_update, update (patch settings), begin_delete", create_update_delete)
check("a machine that does not exist: ResourceNotFoundError", missing_machine)
finish()
