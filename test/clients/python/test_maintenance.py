"""azure-mgmt-maintenance 2.1.0 and azure-mgmt-compute from PyPI, unmodified: scheduled patching.

Run by test/clients/python/run.sh after test_patches.py, with the same environment, plus
  CPE_ADMIN   the emulator's plain-HTTP URL, for its admin API (/_emulator/clock)

Creates an InGuestPatch maintenance configuration and assigns it to the Windows VM (after setting
the VM's patch settings as schedules need them), advances the simulated clock into the window
through the admin API, and sees the run through the compute SDK's instance view, the
maintenance SDK's applyUpdates and Resource Graph (azure-mgmt-resourcegraph). The same configuration is assigned to the seeded Windows Arc-enabled
server (Microsoft.HybridCompute/machines, no patch-mode prerequisite), whose run is read back
through applyUpdates too. Prints "ok: NAME" or "FAILED: NAME" per check.
"""

import json
import os
import urllib.request
from datetime import datetime, timedelta, timezone

from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute.models import (
    OSProfile,
    PatchSettings,
    VirtualMachineUpdate,
    WindowsConfiguration,
    WindowsVMGuestPatchAutomaticByPlatformSettings,
)
from azure.mgmt.maintenance import MaintenanceManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest
from azure.mgmt.maintenance.models import (
    ConfigurationAssignment,
    InputPatchConfiguration,
    InputWindowsParameters,
    MaintenanceConfiguration,
)

from checks import ENDPOINT, GROUP, SUBSCRIPTION, check, expect, finish, secret_credential

ADMIN = os.environ["CPE_ADMIN"]
VM = "myVMName"
ARC_MACHINE = "myArcMachine"
CONFIGURATION = "nightly-patching"



def admin(path, body):
    """A plain HTTP call to the emulator's admin API (not ARM: no SDK for it)."""
    request = urllib.request.Request(
        ADMIN + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


credential = secret_credential()
compute = ComputeManagementClient(credential, SUBSCRIPTION, base_url=ENDPOINT)
maintenance = MaintenanceManagementClient(credential, SUBSCRIPTION, base_url=ENDPOINT)
graph = ResourceGraphClient(credential, base_url=ENDPOINT)
state = {}


def freeze_clock():
    now = admin("/_emulator/clock", {"frozen": True})["now"]
    state["now"] = datetime.fromisoformat(now.replace("Z", "+00:00"))
    # The first window: 02:00 UTC on the next day.
    state["window"] = (state["now"] + timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)


def create_configuration():
    configuration = maintenance.maintenance_configurations.create_or_update(
        GROUP,
        CONFIGURATION,
        MaintenanceConfiguration(
            location="westus",
            maintenance_scope="InGuestPatch",
            extension_properties={"InGuestPatchMode": "User"},
            start_date_time=state["window"].strftime("%Y-%m-%d %H:%M"),
            duration="03:00",
            time_zone="UTC",
            recur_every="1Day",
            install_patches=InputPatchConfiguration(
                reboot_setting="IfRequired",
                windows_parameters=InputWindowsParameters(classifications_to_include=["Critical", "Security"]),
            ),
        ),
    )
    expect(configuration.maintenance_scope == "InGuestPatch", f"scope {configuration.maintenance_scope}")
    expect(configuration.recur_every == "1Day", f"recurEvery {configuration.recur_every}")
    state["configuration_id"] = configuration.id
    fetched = maintenance.maintenance_configurations.get(GROUP, CONFIGURATION)
    expect(fetched.duration == "03:00", f"duration {fetched.duration}")
    names = [c.name for c in maintenance.maintenance_configurations.list()]
    expect(CONFIGURATION in names, f"listed {names}")


def invalid_window():
    try:
        maintenance.maintenance_configurations.create_or_update(
            GROUP,
            "too-short",
            MaintenanceConfiguration(
                location="westus",
                maintenance_scope="InGuestPatch",
                extension_properties={"InGuestPatchMode": "User"},
                start_date_time=state["window"].strftime("%Y-%m-%d %H:%M"),
                duration="01:00",
                time_zone="UTC",
                recur_every="1Day",
            ),
        )
    except HttpResponseError as error:
        expect(error.status_code == 400, f"status {error.status_code}")
        body = json.loads(error.response.text())
        expect(body["Error"]["Code"] == "InvalidMaintenanceWindow", f"body {body}")
        return
    raise AssertionError("a 1-hour InGuestPatch window was accepted")


def assign():
    # Schedules need AutomaticByPlatform with bypassPlatformSafetyChecksOnUserSchedule.
    compute.virtual_machines.begin_update(
        GROUP,
        VM,
        VirtualMachineUpdate(
            os_profile=OSProfile(
                windows_configuration=WindowsConfiguration(
                    patch_settings=PatchSettings(
                        patch_mode="AutomaticByPlatform",
                        automatic_by_platform_settings=WindowsVMGuestPatchAutomaticByPlatformSettings(bypass_platform_safety_checks_on_user_schedule=True),
                    )
                )
            )
        ),
        polling_interval=0,
    ).result()
    assignment = maintenance.configuration_assignments.create_or_update(
        GROUP,
        "Microsoft.Compute",
        "virtualMachines",
        VM,
        CONFIGURATION,
        ConfigurationAssignment(location="westus", maintenance_configuration_id=state["configuration_id"]),
    )
    expect(assignment.maintenance_configuration_id.lower() == state["configuration_id"].lower(), f"assigned {assignment.maintenance_configuration_id}")
    listed = list(maintenance.configuration_assignments.list(GROUP, "Microsoft.Compute", "virtualMachines", VM))
    expect(len(listed) == 1, f"listed {len(listed)}")


def assign_arc():
    assignment = maintenance.configuration_assignments.create_or_update(
        GROUP,
        "Microsoft.HybridCompute",
        "machines",
        ARC_MACHINE,
        CONFIGURATION,
        ConfigurationAssignment(location="westus", maintenance_configuration_id=state["configuration_id"]),
    )
    expect(assignment.resource_id.lower().endswith(f"/microsoft.hybridcompute/machines/{ARC_MACHINE.lower()}"), f"resource {assignment.resource_id}")
    fetched = maintenance.configuration_assignments.get(GROUP, "Microsoft.HybridCompute", "machines", ARC_MACHINE, CONFIGURATION)
    expect(fetched.maintenance_configuration_id.lower() == state["configuration_id"].lower(), f"assigned {fetched.maintenance_configuration_id}")
    listed = list(maintenance.configuration_assignments.list(GROUP, "Microsoft.HybridCompute", "machines", ARC_MACHINE))
    expect(len(listed) == 1, f"listed {len(listed)}")


def window_runs():
    # One second into the window: its installation has started (and, a run that finds little to
    # install taking a minute or two, not yet ended).
    seconds = int((state["window"] - state["now"]).total_seconds()) + 1
    admin("/_emulator/clock", {"advance": f"PT{seconds}S"})
    view = compute.virtual_machines.instance_view(GROUP, VM)
    summary = view.patch_status.last_patch_installation_summary
    expect(summary is not None and summary.status == "InProgress", f"installation {summary and summary.status}")
    expect(summary.start_time == state["window"], f"started {summary.start_time}, window {state['window']}")
    run = maintenance.apply_updates.get(GROUP, "Microsoft.Compute", "virtualMachines", VM, "default")
    expect(run.status == "InProgress", f"applyUpdates status {run.status}")
    state["run"] = run.name
    arc_run = maintenance.apply_updates.get(GROUP, "Microsoft.HybridCompute", "machines", ARC_MACHINE, "default")
    expect(arc_run.status == "InProgress", f"Arc applyUpdates status {arc_run.status}")
    state["arc_run"] = arc_run.name


def window_completes():
    admin("/_emulator/clock", {"advance": "PT3H"})
    summary = compute.virtual_machines.instance_view(GROUP, VM).patch_status.last_patch_installation_summary
    expect(summary.status in ("Succeeded", "CompletedWithWarnings"), f"installation {summary.status}")
    runs = {r.name: r for r in maintenance.apply_updates.list()}
    expect(sorted(runs) == sorted([state["run"], state["arc_run"]]), f"runs {sorted(runs)}")
    expect(runs[state["run"]].status == "Completed", f"status {runs[state['run']].status}")
    expect(runs[state["run"]].resource_id.lower().endswith(f"/virtualmachines/{VM.lower()}"), f"resource {runs[state['run']].resource_id}")
    arc_run = maintenance.apply_updates.get(GROUP, "Microsoft.HybridCompute", "machines", ARC_MACHINE, state["arc_run"])
    expect(arc_run.status == "Completed", f"Arc status {arc_run.status}")
    expect(arc_run.resource_id.lower().endswith(f"/machines/{ARC_MACHINE.lower()}"), f"Arc resource {arc_run.resource_id}")


def resource_graph_sees_runs():
    # Update Manager's "List of maintenance run records at VM level", with the VM's id filled in
    # (https://learn.microsoft.com/azure/update-manager/sample-query-logs).
    vm_id = f"/subscriptions/{SUBSCRIPTION}/resourcegroups/{GROUP}/providers/microsoft.compute/virtualmachines/{VM}".lower()
    query = (
        "maintenanceresources \n"
        f"| where ['id'] contains \"{vm_id}\" //VM Id here\n"
        "| where ['type'] == \"microsoft.maintenance/applyupdates\" \n"
        "| where properties.maintenanceScope == \"InGuestPatch\""
    )
    records = graph.resources(QueryRequest(subscriptions=[SUBSCRIPTION], query=query)).data
    expect([r["name"] for r in records] == [state["run"]], f"run records {records}")
    expect(records[0]["properties"]["maintenanceConfigurationId"].lower() == state["configuration_id"].lower(), f"record {records[0]}")
    # The run's installation in patchinstallationresources, started by the platform.
    installations = graph.resources(
        QueryRequest(
            subscriptions=[SUBSCRIPTION],
            query="patchinstallationresources | where type !has 'softwarepatches' and properties.startedBy == 'Platform' | project id, status = tostring(properties.status)",
        )
    ).data
    ids = [row["id"].lower() for row in installations]
    expect(any(f"/virtualmachines/{VM.lower()}/patchinstallationresults/" in i for i in ids), f"VM installations {ids}")
    expect(any(f"/machines/{ARC_MACHINE.lower()}/patchinstallationresults/" in i for i in ids), f"Arc installations {ids}")


check("admin API: freeze the simulated clock", freeze_clock)
check("maintenance_configurations.create_or_update / get / list (InGuestPatch)", create_configuration)
check("a 1-hour InGuestPatch window is HttpResponseError 400 InvalidMaintenanceWindow", invalid_window)
check("virtual_machines.begin_update (patch settings) + configuration_assignments.create_or_update / list", assign)
check("configuration_assignments.create_or_update / get / list on an Arc machine (Microsoft.HybridCompute/machines)", assign_arc)
check("the clock advanced into the window: instance_view and apply_updates.get show the run", window_runs)
check("after the window: the installation succeeded; apply_updates.list and get show the VM's and the Arc machine's runs Completed", window_completes)
check("resourcegraph: the runs in maintenanceresources (Update Manager's sample) and patchinstallationresources", resource_graph_sees_runs)
finish()
