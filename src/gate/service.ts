import type { Dictionary } from '../domain/dictionary/index.ts';
import type { HavenError } from '../domain/errors.ts';
import type { Notices } from '../domain/notices/index.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import { composeAccessAnswer, reviewAccessAnswer, viewAccessAnswer } from './access-answer.ts';
import { explainAccesses } from './access-explanation.ts';
import { viewAccessHistory } from './access-history.ts';
import { caseloadHolders, endCaseload } from './access-reviews.ts';
import {
  breachLetters,
  issueBreachNotices,
  markLettersPrinted,
  portalBreachNotices,
  portalReadBreachNotice,
} from './breach-notices.ts';
import {
  breakGlassOverview,
  endBreakGlass,
  listBreakGlass,
  requestBreakGlass,
  reviewBreakGlass,
} from './break-glass.ts';
import { caseStateHistory, changeCaseState } from './case-states.ts';
import { setCaseload } from './caseload.ts';
import { basisHistory, giveBasis, withdrawConsent } from './consent.ts';
import type { GateContext, GateRequest } from './context.ts';
import { listCorrections, proposeCorrection, reviewCorrection } from './corrections.ts';
import { erasePerson } from './erasure.ts';
import { erasureReceipt, previewErasure } from './erasure-account.ts';
import { affectedSummary, breachSteps, breachWork, recordAffected } from './incident-affected.ts';
import { advanceLegalHold, listLegalHolds, placeLegalHold } from './legal-holds.ts';
import {
  acknowledgeNotice,
  noticeToDeliver,
  partnerNoticeList,
  partnerPushes,
  recordDelivery,
  settleNotice,
  sweepNotices,
  unacknowledgedPartners,
} from './partner-notices.ts';
import { issueCard, portalSession, portalSignIn, portalSignOut } from './person-cards.ts';
import {
  portalAccessHistory,
  portalAnswer,
  portalHistoryEntry,
  portalOverview,
  portalRequest,
  portalWithdrawConsent,
} from './portal.ts';
import type { PurposeRegister } from './purposes.ts';
import { readPerson } from './read.ts';
import { registerPerson } from './register.ts';
import { fetchRelease, listAgreementReleases, releaseRecords } from './releases.ts';
import { liftRestriction } from './restriction.ts';
import { retentionPreview } from './retention-preview.ts';
import { requestRetentionSweep, retentionSweeps, runRetentionSweep } from './retention-sweep.ts';
import { rightsFigures } from './rights-figures.ts';
import {
  advanceRightsRequest,
  listRightsRequests,
  receiveRightsRequest,
  showRightsRequest,
} from './rights-requests.ts';
import { searchPersons } from './search.ts';
import { isLedgered } from './transaction.ts';
import { updatePerson } from './update.ts';
import { verifyPerson } from './verification.ts';

/** A gate operation with its context already bound: the caller passes the request and its arguments only. */
type Bound<F> = F extends (ctx: GateContext, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<F extends (ctx: GateContext, ...args: never[]) => unknown>(
  ctx: GateContext,
  operation: F,
): Bound<F> {
  return ((request: GateRequest, ...args: never[]) =>
    // One policy version per request, named in each ledger event it leads to (ACC-2).
    operation(
      ctx,
      ...([{ ...request, policyVersion: ctx.policies().version }, ...args] as never[]),
    )) as Bound<F>;
}

/**
 * The gate as routes, commands and workflows see it: its operations, and the read-only facts they show (the
 * dictionary, the notices, the active policies, the purpose register). Not the database, the key vault or the
 * context behind them — those stay with the composition root (src/haven.ts), so there is no other path to
 * personal data to take (architecture.md, "The one gate").
 */
export interface Gate {
  registerPerson: Bound<typeof registerPerson>;
  readPerson: Bound<typeof readPerson>;
  searchPersons: Bound<typeof searchPersons>;
  updatePerson: Bound<typeof updatePerson>;
  basisHistory: Bound<typeof basisHistory>;
  giveBasis: Bound<typeof giveBasis>;
  withdrawConsent: Bound<typeof withdrawConsent>;
  setCaseload: Bound<typeof setCaseload>;
  viewAccessHistory: Bound<typeof viewAccessHistory>;
  proposeCorrection: Bound<typeof proposeCorrection>;
  listCorrections: Bound<typeof listCorrections>;
  reviewCorrection: Bound<typeof reviewCorrection>;
  requestBreakGlass: Bound<typeof requestBreakGlass>;
  listBreakGlass: Bound<typeof listBreakGlass>;
  endBreakGlass: Bound<typeof endBreakGlass>;
  reviewBreakGlass: Bound<typeof reviewBreakGlass>;
  breakGlassOverview: Bound<typeof breakGlassOverview>;
  erasePerson: Bound<typeof erasePerson>;
  previewErasure: Bound<typeof previewErasure>;
  erasureReceipt: Bound<typeof erasureReceipt>;
  placeLegalHold: Bound<typeof placeLegalHold>;
  advanceLegalHold: Bound<typeof advanceLegalHold>;
  listLegalHolds: Bound<typeof listLegalHolds>;
  changeCaseState: Bound<typeof changeCaseState>;
  caseStateHistory: Bound<typeof caseStateHistory>;
  retentionPreview: Bound<typeof retentionPreview>;
  /** RET-2: the sweep itself (the job and `haven retention sweep`), its list, and the DPO's "sweep now". */
  runRetentionSweep: Bound<typeof runRetentionSweep>;
  retentionSweeps: Bound<typeof retentionSweeps>;
  requestRetentionSweep: Bound<typeof requestRetentionSweep>;
  receiveRightsRequest: Bound<typeof receiveRightsRequest>;
  advanceRightsRequest: Bound<typeof advanceRightsRequest>;
  listRightsRequests: Bound<typeof listRightsRequests>;
  liftRestriction: Bound<typeof liftRestriction>;
  composeAccessAnswer: Bound<typeof composeAccessAnswer>;
  viewAccessAnswer: Bound<typeof viewAccessAnswer>;
  reviewAccessAnswer: Bound<typeof reviewAccessAnswer>;
  issueCard: Bound<typeof issueCard>;
  releaseRecords: Bound<typeof releaseRecords>;
  fetchRelease: Bound<typeof fetchRelease>;
  verifyPerson: Bound<typeof verifyPerson>;
  listAgreementReleases: Bound<typeof listAgreementReleases>;
  /** BRE-3, BRE-2: the people a breach affected, kept per incident, and the notices to them (DPO). */
  recordAffected: Bound<typeof recordAffected>;
  affectedSummary: Bound<typeof affectedSummary>;
  breachSteps: Bound<typeof breachSteps>;
  issueBreachNotices: Bound<typeof issueBreachNotices>;
  breachLetters: Bound<typeof breachLetters>;
  breachWork: Bound<typeof breachWork>;
  markLettersPrinted: Bound<typeof markLettersPrinted>;
  /** The person's own portal: signed in with card and PIN, about that person only. */
  readonly portal: PortalGate;
  /** Notices to partners of changes they must act on, and their delivery (PUR-4, RIG-4, RET-2). */
  readonly partnerNotices: PartnerNoticeGate;
  /** Caseload sizes and ending a caseload, for access recertification (ACC-7, src/reviews/). */
  readonly accessReviews: {
    caseloadHolders: WithContext<typeof caseloadHolders>;
    endCaseload: WithContext<typeof endCaseload>;
  };
  showRightsRequest: Bound<typeof showRightsRequest>;
  rightsFigures: Bound<typeof rightsFigures>;
  /** AUD-6: which accesses the data explains (caseload, request, correction, break-glass, registration); codes only. */
  explainAccesses: WithContext<typeof explainAccesses>;
  /** Whether the gate has already written this refusal to the ledger (the HTTP layer must not write it twice). */
  alreadyLedgered(error: HavenError): boolean;
  readonly dictionary: Dictionary;
  readonly notices: Notices;
  policies(): PolicyEngine;
  readonly purposes: PurposeRegister;
}

/** A portal operation with its context bound: the caller passes the person's session and its arguments. */
type WithContext<F> = F extends (ctx: GateContext, ...args: infer A) => infer R ? (...args: A) => R : never;
const withContext = <F extends (ctx: GateContext, ...args: never[]) => unknown>(
  ctx: GateContext,
  f: F,
): WithContext<F> => ((...args: never[]) => f(ctx, ...args)) as WithContext<F>;

export interface PortalGate {
  signIn: WithContext<typeof portalSignIn>;
  session: WithContext<typeof portalSession>;
  signOut: WithContext<typeof portalSignOut>;
  overview: WithContext<typeof portalOverview>;
  withdrawConsent: WithContext<typeof portalWithdrawConsent>;
  accessHistory: WithContext<typeof portalAccessHistory>;
  historyEntry: WithContext<typeof portalHistoryEntry>;
  request: WithContext<typeof portalRequest>;
  answer: WithContext<typeof portalAnswer>;
  breachNotices: WithContext<typeof portalBreachNotices>;
  readBreachNotice: WithContext<typeof portalReadBreachNotice>;
}

/**
 * Notices to partners: system work (delivery, the sweep) and the partner's and staff's views of them. They name a
 * person only by the partner's pseudonym, and staff see kinds and times, so no per-person decision is made here;
 * who may call each is the route's access rule (src/http/routes/pushes.ts).
 */
export interface PartnerNoticeGate {
  toDeliver: WithContext<typeof noticeToDeliver>;
  recordDelivery: WithContext<typeof recordDelivery>;
  sweep: WithContext<typeof sweepNotices>;
  acknowledge: WithContext<typeof acknowledgeNotice>;
  list: WithContext<typeof partnerNoticeList>;
  pushes: WithContext<typeof partnerPushes>;
  unacknowledged: WithContext<typeof unacknowledgedPartners>;
  settle: WithContext<typeof settleNotice>;
}

export function gateService(ctx: GateContext): Gate {
  return {
    registerPerson: bind(ctx, registerPerson),
    readPerson: bind(ctx, readPerson),
    searchPersons: bind(ctx, searchPersons),
    updatePerson: bind(ctx, updatePerson),
    basisHistory: bind(ctx, basisHistory),
    giveBasis: bind(ctx, giveBasis),
    withdrawConsent: bind(ctx, withdrawConsent),
    setCaseload: bind(ctx, setCaseload),
    viewAccessHistory: bind(ctx, viewAccessHistory),
    proposeCorrection: bind(ctx, proposeCorrection),
    listCorrections: bind(ctx, listCorrections),
    reviewCorrection: bind(ctx, reviewCorrection),
    requestBreakGlass: bind(ctx, requestBreakGlass),
    listBreakGlass: bind(ctx, listBreakGlass),
    endBreakGlass: bind(ctx, endBreakGlass),
    reviewBreakGlass: bind(ctx, reviewBreakGlass),
    breakGlassOverview: bind(ctx, breakGlassOverview),
    erasePerson: bind(ctx, erasePerson),
    previewErasure: bind(ctx, previewErasure),
    erasureReceipt: bind(ctx, erasureReceipt),
    placeLegalHold: bind(ctx, placeLegalHold),
    advanceLegalHold: bind(ctx, advanceLegalHold),
    listLegalHolds: bind(ctx, listLegalHolds),
    changeCaseState: bind(ctx, changeCaseState),
    caseStateHistory: bind(ctx, caseStateHistory),
    retentionPreview: bind(ctx, retentionPreview),
    runRetentionSweep: bind(ctx, runRetentionSweep),
    retentionSweeps: bind(ctx, retentionSweeps),
    requestRetentionSweep: bind(ctx, requestRetentionSweep),
    receiveRightsRequest: bind(ctx, receiveRightsRequest),
    advanceRightsRequest: bind(ctx, advanceRightsRequest),
    listRightsRequests: bind(ctx, listRightsRequests),
    liftRestriction: bind(ctx, liftRestriction),
    composeAccessAnswer: bind(ctx, composeAccessAnswer),
    viewAccessAnswer: bind(ctx, viewAccessAnswer),
    reviewAccessAnswer: bind(ctx, reviewAccessAnswer),
    issueCard: bind(ctx, issueCard),
    releaseRecords: bind(ctx, releaseRecords),
    fetchRelease: bind(ctx, fetchRelease),
    verifyPerson: bind(ctx, verifyPerson),
    listAgreementReleases: bind(ctx, listAgreementReleases),
    recordAffected: bind(ctx, recordAffected),
    affectedSummary: bind(ctx, affectedSummary),
    breachSteps: bind(ctx, breachSteps),
    issueBreachNotices: bind(ctx, issueBreachNotices),
    breachLetters: bind(ctx, breachLetters),
    breachWork: bind(ctx, breachWork),
    markLettersPrinted: bind(ctx, markLettersPrinted),

    portal: {
      signIn: withContext(ctx, portalSignIn),
      session: withContext(ctx, portalSession),
      signOut: withContext(ctx, portalSignOut),
      overview: withContext(ctx, portalOverview),
      withdrawConsent: withContext(ctx, portalWithdrawConsent),
      accessHistory: withContext(ctx, portalAccessHistory),
      historyEntry: withContext(ctx, portalHistoryEntry),
      request: withContext(ctx, portalRequest),
      answer: withContext(ctx, portalAnswer),
      breachNotices: withContext(ctx, portalBreachNotices),
      readBreachNotice: withContext(ctx, portalReadBreachNotice),
    },

    partnerNotices: {
      toDeliver: withContext(ctx, noticeToDeliver),
      recordDelivery: withContext(ctx, recordDelivery),
      sweep: withContext(ctx, sweepNotices),
      acknowledge: withContext(ctx, acknowledgeNotice),
      list: withContext(ctx, partnerNoticeList),
      pushes: withContext(ctx, partnerPushes),
      unacknowledged: withContext(ctx, unacknowledgedPartners),
      settle: withContext(ctx, settleNotice),
    },

    accessReviews: {
      caseloadHolders: withContext(ctx, caseloadHolders),
      endCaseload: withContext(ctx, endCaseload),
    },
    showRightsRequest: bind(ctx, showRightsRequest),
    rightsFigures: bind(ctx, rightsFigures),
    explainAccesses: withContext(ctx, explainAccesses),

    alreadyLedgered: isLedgered,
    dictionary: ctx.dictionary,
    notices: ctx.notices,
    policies: () => ctx.policies(),
    purposes: ctx.purposes,
  };
}
