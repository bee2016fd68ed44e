// The dashboard's view model: the JSON the page reads, as TypeScript types and nothing else. The
// server builds these values (view.ts, ../hybrid-compute/overview.ts, ../maintenance/admin-routes.ts,
// ../resource-graph/compliance.ts, vocabulary.ts) and the page's scripts (page/*.js) import the
// same types through JSDoc, so that `npm run check:dashboard` sees both sides of each response.
// Imports are types from simulator/ only: it is pure, and compiles for the browser as well.

import type { OsFamily } from '../../simulator/catalogue.js';
import type { FaultRule } from '../../simulator/faults.js';
import type { InstallationState } from '../../simulator/plan.js';
import type { PowerAction, PowerState } from '../../simulator/power.js';
import type { RunActivity } from '../../simulator/run-activity.js';
import type { Scenario } from '../../simulator/scenario.js';

export type { FaultRule, OsFamily, PowerAction, PowerState, Scenario };

/** What a stored operation is; the operations store's own union must stay inside this one. */
export type OperationKind = 'installPatches' | 'assessPatches' | PowerAction | 'createVirtualMachine' | 'deleteVirtualMachine' | 'deleteResourceGroup';
/** The LRO envelope's status. */
export type EnvelopeStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

/** The fields of an installPatches or assessPatches result that a one-line summary shows. */
export interface ResultSummary {
  status: string;
  error: { code: string; message: string };
  rebootStatus?: string;
  maintenanceWindowExceeded?: boolean;
  installedPatchCount?: number;
  failedPatchCount?: number;
  pendingPatchCount?: number;
  excludedPatchCount?: number;
  notSelectedPatchCount?: number;
  criticalAndSecurityPatchCount?: number;
  otherPatchCount?: number;
  rebootPending?: boolean;
}

export interface ClassificationCount {
  classification: string;
  count: number;
}

/** One operation as a line of the dashboard: the envelope, the result's headline, the progress. */
export interface OperationSummary extends Omit<Partial<ResultSummary>, 'status' | 'error' | 'rebootPending'> {
  subscriptionId: string;
  operationId: string;
  kind: OperationKind;
  resourceGroup: string;
  vmName: string;
  /** The LRO envelope's status. */
  status: EnvelopeStatus;
  /** The result's status (installPatches, assessPatches): `InProgress` while running. */
  resultStatus?: string;
  completion: string;
  statusPolls: number;
  /** `Platform` for a run the platform started by itself (automatic assessment or patching). */
  startedBy: 'User' | 'Platform';
  startTime: string;
  endTime?: string;
  /** Share of the plan's simulated run behind it, 0 to 1. */
  progress: number;
  /** While running: the step in progress. */
  activity?: RunActivity & { patchName?: string };
  /** The result's error summary, or an operation-level failure. */
  error?: { code: string; message: string };
}

export interface PatchLine {
  patchId: string;
  name: string;
  kbId?: string;
  version?: string;
  classifications: string[];
  msrcSeverity?: string;
  /** An installation's patch state, or `Available` in an assessment. */
  installationState: InstallationState | 'Available';
}

export interface OperationDetail extends OperationSummary {
  /** When the plan's run ends on the simulated clock. */
  plannedEndTime: string;
  /**
   * installPatches: the selected patches in the order the run takes them, then the excluded ones,
   * then those not selected; assessPatches: what it found.
   */
  patches: PatchLine[];
  /** Errors reported so far, newest first (all of them, where the result shares five). */
  errorDetails: Array<{ code: string; message: string }>;
}

export interface VmOverview {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  osFamily: OsFamily;
  osName: string;
  image: string;
  powerState: string;
  rebootPending: boolean;
  availablePatchCount: number;
  availableByClassification: ClassificationCount[];
  /** Its patch settings with Azure's defaults, and when the platform next runs by itself. */
  patchSettings: {
    patchMode: string;
    assessmentMode: string;
    enableHotpatching?: boolean;
    rebootSetting: string;
    bypassPlatformSafetyChecksOnUserSchedule: boolean;
    nextPlatformAssessment?: string;
    nextPlatformInstallation?: string;
  };
  latestOperation: OperationSummary | null;
}

export interface Overview {
  clock: { now: string; speed: number; frozen: boolean };
  completion: { default: string; rules: number };
  scenarios: number;
  faults: number;
  subscriptions: Array<{
    subscriptionId: string;
    resourceGroups: Array<{ name: string; location: string; virtualMachines: VmOverview[]; arcMachines: ArcMachineOverview[] }>;
  }>;
  /** More VMs (or Arc machines) exist than the overview lists. */
  truncated: boolean;
}

export interface Inventory {
  subscriptionId: string;
  resourceGroup: string;
  vmName: string;
  osFamily: OsFamily;
  asOf: string;
  availablePatchCount: number;
  byClassification: ClassificationCount[];
  patches: Array<Omit<PatchLine, 'installationState'> & { rebootBehavior: string; publishedDate: string }>;
}

export interface ArcOperationSummary {
  operationId: string;
  kind: string;
  /** The envelope's status. */
  status: string;
  /** The result's status (the HybridCompute result's `status`); `InProgress` while running. */
  resultStatus?: string;
  startTime: string;
  endTime?: string;
  /** Share of the planned run behind it, 0 to 1. */
  progress: number;
  installedPatchCount?: number;
  failedPatchCount?: number;
  pendingPatchCount?: number;
  rebootStatus?: string;
  rebootPending?: boolean;
  availablePatchCount?: number;
  patchServiceUsed?: string;
  error?: { code: string; message: string };
}

export interface ArcMachineOverview {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  osFamily: OsFamily;
  osName: string;
  image: string;
  status: string;
  lastStatusChange: string;
  agentVersion: string;
  /** The machine's patch settings for its OS; `given` false when it has none and these are the defaults. */
  patchSettings: { assessmentMode: string; patchMode: string; enableHotpatching?: boolean; given: boolean };
  rebootPending: boolean;
  availablePatchCount: number;
  availableByClassification: Array<{ classification: string; count: number }>;
  /** Newest first. */
  operations: ArcOperationSummary[];
}


/** GET /_emulator/operations: a VM's operations, newest first. */
export interface OperationList {
  value: OperationSummary[];
}

/** GET /_emulator/scenarios and GET /_emulator/faults. */
export interface ScenarioList {
  value: Scenario[];
}
export interface FaultList {
  value: FaultRule[];
}

/** One run of a maintenance configuration, as GET /_emulator/maintenance lists it. */
export interface ScheduleRun {
  id: string;
  resourceId: string;
  configurationId: string;
  correlationId: string;
  trigger: 'Schedule' | 'ApplyUpdates' | 'Emulator';
  status: string;
  start: string;
  end?: string;
  operationId?: string;
  skippedReason?: string;
}

/** A maintenance configuration with what it is assigned to and the machines it covers. */
export interface ScheduleConfiguration {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** These three are the configuration's properties as its PUT gave them. */
  maintenanceScope: unknown;
  maintenanceWindow: { startDateTime?: unknown; expirationDateTime?: unknown; duration?: unknown; timeZone?: unknown; recurEvery?: unknown } | null;
  installPatches: unknown;
  nextWindow: { start: string; end: string } | null;
  /** Configuration assignments as ARM resources: a machine's `resourceId`, or a dynamic scope's `filter`. */
  assignments: Array<{ id: string; name: string; type: string; location?: string; properties: { resourceId?: unknown; filter?: unknown } }>;
  /** Resource ids of the machines covered. */
  machines: string[];
}

/** GET /_emulator/maintenance (../maintenance/admin-routes.ts). */
export interface ScheduleView {
  configurations: ScheduleConfiguration[];
  /** Newest first. */
  runs: ScheduleRun[];
}

/**
 * One row of the compliance query (../resource-graph/compliance.ts): the columns of its last
 * `project`, as Resource Graph serialises them; null where a machine has no such record.
 */
export interface ComplianceMachine {
  machine: string;
  resourceGroup: string;
  subscriptionId: string;
  osType: string | null;
  lastAssessment: string | null;
  assessmentStatus: string | null;
  pendingCritical: number | null;
  pendingSecurity: number | null;
  rebootPending: boolean | null;
  lastInstall: string | null;
  lastInstallStatus: string | null;
  lastInstallRunId: string | null;
  installed: number | null;
  failed: number | null;
}

/** GET /_emulator/compliance. */
export interface ComplianceView {
  query: string;
  machines: ComplianceMachine[];
}

/**
 * GET /_emulator/ui/vocabulary (vocabulary.ts): what the page would otherwise have to copy from the
 * server: the api-version it sends, and the values its forms offer, each list from the schema or
 * simulator constant that validates it.
 */
export interface Vocabulary {
  /** The api-version of the page's ARM requests: installPatches, assessPatches, power actions, status polls. */
  computeApiVersion: string;
  classifications: Record<OsFamily, string[]>;
  rebootSettings: string[];
  powerActions: PowerAction[];
  completion: {
    /** Modes without a number, e.g. `time`, `instant`. */
    modes: string[];
    /** `polls:N` takes N from 1 to this. */
    maxPolls: number;
  };
  scenario: {
    operations: string[];
    statuses: string[];
    rebootStatuses: string[];
  };
  fault: {
    operations: string[];
    kinds: Array<FaultRule['effect']['kind']>;
    statusCodes: number[];
    maxRetryAfterSeconds: number;
    maxDelayMs: number;
  };
}
