"""azure-mgmt-resourcegraph (api-version 2021-03-01) from PyPI, unmodified, against a running emulator.

Run by test/clients/python/run.sh after test_patches.py, with the same environment (CPE_ENDPOINT,
REQUESTS_CA_BUNDLE). An assessment started with azure-mgmt-compute is then read back through
Update Manager's sample query "List available updates for all machines grouped by update category"
(https://learn.microsoft.com/azure/update-manager/sample-query-logs), paged with the SDK's
top / skip_token, and an invalid query comes back as ARG's BadRequest. Prints "ok: NAME" or
"FAILED: NAME" per check.
"""


from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from checks import ENDPOINT, GROUP, SUBSCRIPTION, check, expect, finish, secret_credential

WINDOWS_VM = "myVMName"

# Copied exactly from the Learn page (docs/update-manager-wire-format.md, sample 1).
AVAILABLE_UPDATES_BY_CATEGORY = """patchassessmentresources
| where type !has "softwarepatches"
| extend prop = parse_json(properties)
| extend lastTime = properties.lastModifiedDateTime
| extend updateRollupCount = prop.availablePatchCountByClassification.updateRollup, featurePackCount = prop.availablePatchCountByClassification.featurePack, servicePackCount = prop.availablePatchCountByClassification.servicePack, definitionCount = prop.availablePatchCountByClassification.definition, securityCount = prop.availablePatchCountByClassification.security, criticalCount = prop.availablePatchCountByClassification.critical, updatesCount = prop.availablePatchCountByClassification.updates, toolsCount = prop.availablePatchCountByClassification.tools, otherCount = prop.availablePatchCountByClassification.other, OS = prop.osType
| project lastTime, id, OS, updateRollupCount, featurePackCount, servicePackCount, definitionCount, securityCount, criticalCount, updatesCount, toolsCount, otherCount"""



credential = secret_credential()
compute = ComputeManagementClient(credential, SUBSCRIPTION, base_url=ENDPOINT)
graph = ResourceGraphClient(credential, base_url=ENDPOINT)
state = {}


def assess():
    result = compute.virtual_machines.begin_assess_patches(GROUP, WINDOWS_VM, polling_interval=0).result()
    expect(result.status == "Succeeded", f"status {result.status}")
    state["assessment"] = result


def sample_query():
    response = graph.resources(QueryRequest(subscriptions=[SUBSCRIPTION], query=AVAILABLE_UPDATES_BY_CATEGORY))
    expect(response.result_truncated == "false", f"resultTruncated {response.result_truncated}")
    rows = [row for row in response.data if row["id"].endswith(f"/virtualMachines/{WINDOWS_VM}/patchAssessmentResults/latest")]
    expect(len(rows) == 1, f"rows {response.data}")
    row = rows[0]
    assessment = state["assessment"]
    expect(row["OS"] == "Windows", row)
    expect(row["criticalCount"] + row["securityCount"] == assessment.critical_and_security_patch_count, row)
    total = sum(row[k] for k in ("updateRollupCount", "featurePackCount", "servicePackCount", "definitionCount", "securityCount", "criticalCount", "updatesCount", "toolsCount", "otherCount"))
    expect(total == len(assessment.available_patches), f"{total} != {len(assessment.available_patches)}")


def paging():
    query = "patchassessmentresources | where id contains 'myVMName' | project id, name | order by id asc"
    ids, token, pages = [], None, 0
    while True:
        options = QueryRequestOptions(skip_token=token) if token else QueryRequestOptions(top=2)
        page = graph.resources(QueryRequest(subscriptions=[SUBSCRIPTION], query=query, options=options))
        ids += [row["id"] for row in page.data]
        pages += 1
        token = page.skip_token
        if not token or pages > 50:
            break
    expected = len(state["assessment"].available_patches) + 1
    expect(len(ids) == expected and len(set(ids)) == expected, f"{len(ids)} rows, {expected} expected")
    expect(ids == sorted(ids), "pages in order")


def invalid_query():
    try:
        graph.resources(QueryRequest(query="patchassessmentresources | where where"))
    except HttpResponseError as error:
        expect(error.status_code == 400, f"status {error.status_code}")
        expect(error.error.code == "BadRequest", f"code {error.error.code}")
        expect([d.code for d in error.error.details] == ["InvalidQuery", "ParserFailure"], error.error.details)
        return
    raise AssertionError("the query was not refused")


check("resourcegraph: an assessment through azure-mgmt-compute", assess)
check("resourcegraph: Update Manager's 'available updates by category' sample sees it", sample_query)
check("resourcegraph: paging with top and skip_token", paging)
check("resourcegraph: an invalid query is ARG's 400 BadRequest", invalid_query)
finish()
