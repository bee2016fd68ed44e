// The dashboard's compliance view: per machine, its last assessment, the critical and security
// patches pending, and its last installation. Built by running a Resource Graph query through the
// same evaluator as POST /providers/Microsoft.ResourceGraph/resources, so what the page shows is
// what a client querying ARG would see. The query is sent along, for the page to show.

import type { FastifyInstance } from 'fastify';
import { toJson } from '../../simulator/kql/index.js';
import type { EmulatorServices } from '../services.js';
import type { ComplianceMachine, ComplianceView } from '../dashboard/view-model.js';

/** Every machine (Compute VMs, and whatever other sources add), joined to its patch records. */
export const COMPLIANCE_QUERY = `resources
| where type =~ "microsoft.compute/virtualmachines" or type =~ "microsoft.hybridcompute/machines"
| project machineId = tolower(id), machine = name, resourceGroup, subscriptionId, osType = tostring(coalesce(properties.storageProfile.osDisk.osType, properties.osType))
| join kind=leftouter (
    patchassessmentresources
    | where type !has "softwarepatches"
    | extend prop = parse_json(properties)
    | project machineId = tolower(substring(id, 0, indexof(id, "/patchAssessmentResults"))),
        lastAssessment = todatetime(prop.lastModifiedDateTime),
        assessmentStatus = tostring(prop.status),
        pendingCritical = toint(prop.availablePatchCountByClassification.critical),
        pendingSecurity = toint(prop.availablePatchCountByClassification.security),
        rebootPending = tobool(prop.rebootPending)
  ) on machineId
| join kind=leftouter (
    patchinstallationresources
    | where type !has "softwarepatches"
    | extend prop = parse_json(properties)
    | extend machineId = tolower(substring(id, 0, indexof(id, "/patchInstallationResults")))
    | summarize arg_max(lastInstall = todatetime(prop.lastModifiedDateTime), lastInstallStatus = tostring(prop.status), lastInstallRunId = name, installed = toint(prop.installedPatchCount), failed = toint(prop.failedPatchCount)) by machineId
  ) on machineId
| project machine, resourceGroup, subscriptionId, osType, lastAssessment, assessmentStatus, pendingCritical, pendingSecurity, rebootPending, lastInstall, lastInstallStatus, lastInstallRunId, installed, failed
| order by subscriptionId asc, resourceGroup asc, machine asc`;

export function complianceRows(services: Pick<EmulatorServices, 'resourceGraph'>): Array<Record<string, unknown>> {
  const graph = services.resourceGraph;
  const table = graph.run(COMPLIANCE_QUERY, graph.scopeOf({}));
  return table.rows.map((row) => Object.fromEntries(table.columns.map((name, i) => [name, toJson(row[i] ?? null)])));
}

export async function complianceRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  app.get(
    '/_emulator/compliance',
    {
      logLevel: 'warn',
      schema: { tags: ['emulator'], summary: "Each machine's last assessment, pending critical and security patches and last installation, from a Resource Graph query" },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      // The rows have the columns of the query's last `project`, which ComplianceMachine names
      // (test/admin/dashboard-page.test.ts compares them).
      const view: ComplianceView = { query: COMPLIANCE_QUERY, machines: complianceRows(options.services) as unknown as ComplianceMachine[] };
      return view;
    },
  );
}
