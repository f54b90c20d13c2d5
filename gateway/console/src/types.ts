// The shapes of the public API's answers the console reads (see /docs): only the members it shows.

export interface Site { code: string; name?: string; }

export interface CaseSummary {
  caseId: string; kind: string; site: string; status: string; severity: string; summary: string;
  valueAtRisk: number; openedAt: string; escalationLevel: number;
}

export interface Commitment { salesOrderId: string; customer: string; promiseDate: string; value: number; currency: string; }

export interface Impact { productionOrders: string[]; lots: string[]; shipments: string[]; commitments: Commitment[]; valueAtRisk: number; }

export interface CaseDetail {
  caseId: string;
  state: {
    kind: string; triggerSubject: string; summary: string; impact: Impact; severity: string;
    routedTo: { function: string; ownerRole: string }[];
    actions: { function: string; actionId: string | null; status: string }[];
    approvals: { subjectType: string; subjectId: string; outcome: string | null }[];
    escalationLevel: number;
  };
}

export interface LotNode { lotId: string; depth: number; item: string | null; producedByOrder: string | null; holdId: string | null; reachedFrom: string | null; }

export interface Genealogy { lotId: string; direction: string; lots: LotNode[]; }

export interface ApprovalSummary {
  approvalId: string; site: string; subjectType: string; subjectId: string; status: string; policyId: string; policyVersion: number;
  requester: string; correlationId: string | null; stage: number | null; stageName: string | null; level: number | null;
  stageOpenedAt: string | null; stageDueAt: string | null; requestedAt: string;
}

export interface PendingApproval { request: ApprovalSummary; onBehalfOf: string | null; }

export interface ActionSummary {
  actionId: string; site: string; department: string | null; owner: string; title: string; priority: string; perspective: string | null;
  kpis: string[]; status: string; sourceKind: string; correlationId: string | null; createdAt: string; due: string;
  verifiedAt: string | null; percentComplete: number; overdueLevel: number;
}

export interface PrioritisedAction { action: ActionSummary; risk: { probability: number; topFactors: { explanation: string }[] }; }

export interface Kpi {
  site: string; kpi: string;
  definition: { name: string; unit: string; direction: string; target: number; green: number; red: number; perspective: string };
  latest: number | null; latestAt: string | null; status: string; trend: { direction: string; from: number; to: number; readings: number } | null;
  readings: { value: number; measuredAt: string }[] | null;
}

export interface DecisionContexts {
  live: boolean; unavailable: string | null; needsConfirming: string[];
  drift: { any: boolean; cleared: boolean; valueAtRiskThen: number; valueAtRiskNow: number; customersAdded: string[]; customersGone: string[] } | null;
}

export interface TimelineEntry {
  sequence: number; source: string; eventType: string; subjects: string[]; correlationId: string | null; actor: string | null;
  onBehalfOf: string | null; site: string | null; occurredAt: string; recordedAt: string; prevHash: string; hash: string; causedBy: number | null;
  payload: { type?: unknown } | null;
}

export interface Timeline { correlationId: string | null; subject: string | null; complete: boolean; entries: TimelineEntry[]; }

export interface Verification { ok: boolean; from: number; to: number; entriesChecked: number; checkpointsChecked: number; headSequence: number; firstProblem: unknown; }

export interface MetricsRow {
  group: string; onTimeClosureRate: number | null; dueInPeriod: number; closedOnTime: number; overdue: number; open: number;
  newInPeriod: number; closedInPeriod: number; repeatIssueRate: number | null; strategicAlignment: number | null;
}

export interface Metrics { groupBy: string; from: string; to: string; rows: MetricsRow[]; }

export interface KpiOnCard { site: string; kpi: string; weight: number; latest: number | null; status: string; trend: string; attainment: number | null; }

export interface ObjectiveOnCard {
  objectiveId: string; name: string; level: string; owner: string; kpis: KpiOnCard[]; score: number | null; rolledScore: number | null; status: string;
  actions: { open: number; overdue: number; dueInPeriod: number; closedOnTime: number; onTimeClosureRate: number | null };
}

export interface Scorecard {
  site: string; period: string; asOf: string;
  perspectives: { perspective: string; status: string; objectives: ObjectiveOnCard[] }[];
  unalignedActions: { actionId: string; title: string; owner: string; due: string }[];
}

export interface SiteRules { site: string; rules: { overdueLadder: { notify: string; after: string }[]; verificationWindowDays: number } }
