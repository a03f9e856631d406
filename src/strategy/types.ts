// Types shared by the strategy engine. The engine's core (risk, optimize, verify, plan) is a pure
// function of a `Snapshot` (what the chain says), an `AvsData` file (what we believe about AVSs)
// and `EngineParams` (how cautious we are). ETH amounts are bigint wei at the edges and float ETH
// inside the LP.

export type Address = `0x${string}`;
export type Hex = `0x${string}`;

/** Magnitudes are WAD fixed point, as in EigenLayer's AllocationManager (1e18 = 100%). */
export const WAD = 10n ** 18n;

/** One EigenLayer strategy Trellis restakes into, with the ETH price of its underlying asset. */
export interface SnapshotStrategy {
  address: Address;
  /** The LST the strategy holds. */
  asset: Address;
  symbol: string;
  /** ETH value of one unit of the asset, WAD (the AssetRegistry adapter's rate). */
  ethPerAssetWad: bigint;
}

/** A queued EigenLayer withdrawal of one delegator: stake "in flight". Slashable until completable. */
export interface SnapshotWithdrawal {
  withdrawalRoot: Hex;
  strategy: Address;
  /** ETH value, wei. */
  ethValue: bigint;
  /** Block from which `completeQueuedWithdrawal` succeeds (start block + withdrawal delay). */
  completableBlock: bigint;
}

/** One Trellis OperatorDelegator: an EigenLayer staker delegated once to `operator`. */
export interface SnapshotDelegator {
  address: Address;
  operator: Address;
  /**
   * ETH value (wei) per strategy. `active` is delegated, withdrawable stake; `queued` is the sum of
   * this delegator's queued withdrawals of that strategy (still slashable until completable).
   */
  stake: { strategy: Address; active: bigint; queued: bigint }[];
  /** The queued withdrawals itemised; per strategy they sum to `stake[].queued`. */
  withdrawals: SnapshotWithdrawal[];
}

/** An allocation of an operator's magnitude in one strategy to one operator set. */
export interface SnapshotAllocation {
  avs: Address;
  operatorSetId: number;
  strategy: Address;
  /** Current allocated magnitude, WAD. Pending increases are not counted; pending decreases are. */
  allocatedMagnitude: bigint;
  /** Magnitude once a pending (committed) increase lands, WAD; absent or <= current: none. */
  pendingMagnitude?: bigint | undefined;
}

/** An operator's reward split (commission, bps) for one of its operator sets, from the
 *  RewardsCoordinator; null when the coordinator has no such getter (the engine's default applies). */
export interface SnapshotOperatorSplit {
  avs: Address;
  operatorSetId: number;
  /** `getOperatorAVSSplit(operator, avs)`: its share of stake-proportional AVS rewards. */
  avsSplitBps: number | null;
  /** `getOperatorSetSplit(operator, set)`: its share of operator-directed rewards to the set. */
  operatorSetSplitBps: number | null;
}

export interface SnapshotOperator {
  address: Address;
  allocations: SnapshotAllocation[];
  /** Reward splits per allocated set (absent: the engine's defaultOperatorSplitBps everywhere). */
  splits?: SnapshotOperatorSplit[] | undefined;
  /**
   * `AllocationManager.getAllocationDelay`: blocks before a new allocation of the operator becomes
   * slashable; null when it has none set (it cannot allocate). Absent: not read (no worst case).
   */
  allocationDelayBlocks?: number | null | undefined;
  /**
   * Why the chain's RiskRegistry refuses this operator new stake (its policy's named error, or its delegator
   * retired or undelegated); absent: it does not. The engine sends such an operator no new stake.
   */
  newStakeRefused?: string | undefined;
  /** Max magnitude per strategy, WAD (starts at 1e18, shrinks when the operator is slashed). */
  maxMagnitudes: { strategy: Address; maxMagnitude: bigint }[];
}

/** An operator set as the AllocationManager sees it. */
export interface SnapshotOperatorSet {
  avs: Address;
  operatorSetId: number;
  /** ETH value (wei) of all stake allocated to the set, by every staker, Trellis included. */
  totalAllocatedStake: bigint;
  /** `AllocationManager.isRedistributingOperatorSet`: slashed stake goes to a recipient. */
  redistributing?: boolean | undefined;
  /** A redistributing set governance allowlisted in the RiskRegistry (`isRedistributionAllowed`). */
  redistributionAllowed?: boolean | undefined;
}

/** The RiskRegistry's limits (all bps of the vault's TVL). */
export interface SnapshotLimits {
  operatorAllowlist: Address[];
  operatorCapBps: number;
  defaultAvsCapBps: number;
  avsCapBps: { avs: Address; capBps: number }[];
  defaultOperatorSetCapBps: number;
  operatorSetCapBps: { avs: Address; operatorSetId: number; capBps: number }[];
  totalSlashableCapBps: number;
  minBufferBps: number;
  /** The RiskRegistry's `policy().minAllocationDelay`, blocks; overrides `EngineParams.minAllocationDelayBlocks`. */
  minAllocationDelayBlocks?: number | undefined;
}

/**
 * What `snapshot(client, config)` reads from the chain. Everything the engine decides comes from
 * here, the AVS data file and the params; there is no other input.
 */
export interface Snapshot {
  chainId: number;
  blockNumber: bigint;
  vault: {
    address: Address;
    /** `Vault.totalAssets()`: ETH value of everything Trellis holds, wei (TVL). */
    totalAssets: bigint;
    /** ETH value of idle assets in the vault, wei (the liquid buffer). */
    liquidBuffer: bigint;
    /** The buffer per strategy's asset, ETH value wei (sums to `liquidBuffer`). */
    idle: { strategy: Address; ethValue: bigint }[];
  };
  /** EigenLayer's withdrawal delay in blocks (DelegationManager.minWithdrawalDelayBlocks). */
  withdrawalDelayBlocks: bigint;
  strategies: SnapshotStrategy[];
  delegators: SnapshotDelegator[];
  operators: SnapshotOperator[];
  operatorSets: SnapshotOperatorSet[];
  limits: SnapshotLimits;
}

export type RobustnessMode = "bootstrap" | "snapshot";

/** Off-chain knobs of the engine (not enforced on chain). */
export interface EngineParams {
  /** Worst-case loss per scenario (AVS, operator, cluster), bps of TVL. */
  maxScenarioLossBps: number;
  /** Robustness margin gamma of Durvasula-Roughgarden. */
  gamma: number;
  /**
   * How the robustness condition (bound B = (1+gamma) PfC / threshold) is stated. In both modes a
   * set at or above B in the snapshot stays there. "snapshot" (a pure LP): a set below B gets no
   * new stake. "bootstrap" (a MIP, one binary per set below B that Trellis could lift): a set
   * below B gets no new stake, or enough that others' stake + Trellis' exposure >= B after the
   * plan; on a set where Trellis has nothing yet this is the exact "no exposure or robust".
   * Stake Trellis already has on a set below B may stay in both modes.
   */
  robustness: RobustnessMode;
  /** Stake moved per plan (increases + decreases), bps of TVL. */
  turnoverBps: number;
  /** Horizon over which a plan's gain must beat its cost, days. */
  horizonDays: number;
  /** Withdrawal delay in days, used for the forgone-yield cost of a move. */
  withdrawalDelayDays: number;
  /** Gas cost of one action, ETH. */
  gasPerActionEth: number;
  /** Typical move size used to spread gas per ETH in the LP, ETH. */
  typicalMoveEth: number;
  /** Moves smaller than this are dropped unless a limit needs them, ETH. */
  minMoveEth: number;
  /**
   * Tangent cuts per operator set for pro-rata reward dilution: at today's net exposure, at the ends
   * of the range one plan can reach, and up to this many minus 2 steps either side of today's
   * (optimize.ts); the refinement adds more at the solution.
   */
  tangentCuts: number;
  /** Model pro-rata dilution of rewards (false: reward = APR x exposure). */
  dilution: boolean;
  /** Slashing prior for an operator set missing from the AVS data file (per year). */
  unknownSetSlashingProbability: number;
  /**
   * An operator set Trellis is (or could be) exposed to that the AVS data file does not list:
   * "error" refuses to plan (`MissingAvsDataError` names the sets); "default" uses the explicit
   * defaults (no reward, `unknownSetSlashingProbability`, full severity, never robust: no new
   * stake, and the glide path shrinks what is there).
   */
  missingSets: MissingSetPolicy;

  // Tail risk: CVaR over a set of correlated slashing scenarios (see scenarios.ts).
  /** Tail level alpha of CVaR (0.99: the mean loss in the worst 1% of years). */
  cvarAlpha: number;
  /** Weight of CVaR_alpha(annual loss) in the objective, per ETH of CVaR per year (0: off). */
  cvarWeight: number;
  /** Hard limit on CVaR_alpha(annual loss), bps of TVL (10000: no limit beyond the TVL). */
  cvarLimitBps: number;
  /** Probability per year of a global event in which every operator set slashes at its severity. */
  globalSlashProbability: number;
  /** Probability per year that all sets sharing a cluster tag slash together at their severity. */
  clusterSlashProbability: number;
  /** Probability per year that one operator is compromised (all its allocated stake slashed). */
  operatorCompromiseProbability: number;
  /**
   * Diversification: cost per ETH per year of an operator's stake above an equal share of the
   * deployable stake. Small: it only decides between near-equal optima, always the same way.
   */
  diversificationPenalty: number;

  // Calm under noise.
  /** Relative uncertainty of AVS reward APRs (0.1: +-10%). */
  aprUncertainty: number;
  /** Relative uncertainty of slashing probabilities. */
  slashingUncertainty: number;
  /** Relative uncertainty of other stakers' stake on a set (moves the diluted reward). */
  othersStakeUncertainty: number;
  /**
   * Multiple of the box uncertainty a move must beat: each ETH moved is charged this multiple of
   * the uncertainty of the value of the stake at both ends, in the LP (a robust objective) and
   * in the plan's gain-vs-cost test. 0: trade on point estimates.
   */
  uncertaintyMultiple: number;

  // Robustness that acts.
  /**
   * Glide path: a plan must shrink Trellis' steady exposure to each set below its robustness
   * bound by this fraction of today's exposure (bps), as far as the other limits allow (a
   * shortfall is charged `glidePenalty` per ETH and reported).
   */
  glideBps: number;
  /** Cost per ETH of glide-path shortfall (large: the glide wins over any yield). */
  glidePenalty: number;

  // Reward model.
  /** Operator commission when the chain gives none, bps (EigenLayer's default split: 1000). */
  defaultOperatorSplitBps: number;
  /** Tangent refinement: re-solve until the LP's value is within this relative gap of the true one. */
  dilutionTolerance: number;
  /** Most LP solves of the tangent refinement. */
  maxDilutionRounds: number;

  // Operator policy (mirrors the RiskRegistry's; applies to new stake only).
  /**
   * Evaluate limits at the worst allocation operators can reach before Trellis could leave (their
   * unallocated magnitude, when their allocation delay is shorter than the withdrawal delay).
   */
  worstCaseAllocations: boolean;
  /** Operators whose allocation delay is below this (blocks) get no new stake. */
  minAllocationDelayBlocks: number;
  /** May redistributing operator sets receive new stake? */
  allowRedistributingSets: boolean;
}

export type MissingSetPolicy = "error" | "default";

export const DEFAULT_ENGINE_PARAMS: EngineParams = {
  maxScenarioLossBps: 1000,
  gamma: 0.1,
  robustness: "snapshot",
  turnoverBps: 1000,
  horizonDays: 90,
  withdrawalDelayDays: 14,
  gasPerActionEth: 0.002,
  typicalMoveEth: 100,
  minMoveEth: 1,
  tangentCuts: 4,
  dilution: true,
  unknownSetSlashingProbability: 0.05,
  missingSets: "default",
  cvarAlpha: 0.99,
  cvarWeight: 0.05,
  cvarLimitBps: 10_000,
  globalSlashProbability: 0.005,
  clusterSlashProbability: 0.01,
  operatorCompromiseProbability: 0.001,
  diversificationPenalty: 1e-4,
  aprUncertainty: 0.1,
  slashingUncertainty: 0.25,
  othersStakeUncertainty: 0.05,
  uncertaintyMultiple: 0.4,
  glideBps: 1000,
  glidePenalty: 1,
  defaultOperatorSplitBps: 1000,
  dilutionTolerance: 5e-4,
  maxDilutionRounds: 6,
  worstCaseAllocations: true,
  minAllocationDelayBlocks: 0,
  allowRedistributingSets: false,
};

/** Per operator set beliefs, from the AVS data file. */
export interface AvsOperatorSetData {
  avs: Address;
  operatorSetId: number;
  name?: string | undefined;
  /** APR paid on stake allocated to the set at its current total stake. */
  rewardApr: number;
  /** Probability per year that the set slashes. */
  slashingProbability: number;
  /** Fraction of allocated stake lost when it slashes. */
  slashingSeverity: number;
  /** Profit an attacker makes by corrupting the set, ETH. */
  profitFromCorruptionEth: number;
  /** Fraction of the set's stake needed to corrupt it (e.g. 1/3 or 1/2). */
  corruptionThreshold: number;
  /** Correlation tags: sets sharing a tag may fail together. */
  clusters: string[];
  /**
   * Token the rewards are paid in. Only rewards in a token the vault restakes (an asset of one of
   * the snapshot's strategies) are depositors' yield; others go to the treasury and count 0.
   * Absent: paid in a restaked asset.
   */
  rewardToken?: Address | undefined;
  /**
   * How the AVS pays: "stake" (stake-proportional rewards submissions; the operator keeps its
   * AVS split) or "operatorSet" (operator-directed rewards; the operator keeps its set split).
   */
  distribution?: "stake" | "operatorSet" | undefined;
}

export interface AvsData {
  version: 1;
  operatorSets: AvsOperatorSetData[];
}

/** Plan actions, in the order the keeper should send them. Amounts are ETH value wei. */
export interface CompleteWithdrawalAction {
  type: "completeWithdrawal";
  delegator: Address;
  operator: Address;
  withdrawalRoot: Hex;
  strategy: Address;
  ethValue: bigint;
}

/** Redeposit tokens of a completed withdrawal (now held by `fromDelegator`) into `delegator`. */
export interface DepositAction {
  type: "deposit";
  fromDelegator: Address;
  withdrawalRoot: Hex;
  delegator: Address;
  operator: Address;
  strategy: Address;
  ethValue: bigint;
  /** Asset units at the snapshot's price (rounded down). */
  assetAmount: bigint;
}

/** Move idle assets from the vault's buffer into `delegator`. */
export interface AllocateAction {
  type: "allocate";
  delegator: Address;
  operator: Address;
  strategy: Address;
  ethValue: bigint;
  assetAmount: bigint;
}

/** Queue a withdrawal of active stake; it stays slashable for the withdrawal delay. */
export interface QueueWithdrawalAction {
  type: "queueWithdrawal";
  delegator: Address;
  operator: Address;
  strategy: Address;
  ethValue: bigint;
  assetAmount: bigint;
}

export type PlanAction = CompleteWithdrawalAction | DepositAction | AllocateAction | QueueWithdrawalAction;
