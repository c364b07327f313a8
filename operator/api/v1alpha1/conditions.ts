// Status conditions, shaped as Kubernetes' metav1.Condition so kubectl wait, Argo CD and
// other tools read them. The reconcilers set them (DESIGN.md 3.7): lastTransitionTime
// changes only when status flips, observedGeneration says which spec they describe.

/**
 * The condition types the operator sets. Ready: the resource is as its spec asks.
 * Reconciling: the operator is changing something. Degraded: it works, but not as
 * asked (a broker down, a refused spec field).
 */
export type ConditionType = 'Ready' | 'Reconciling' | 'Degraded';

export const CONDITION_TYPES: readonly ConditionType[] = ['Ready', 'Reconciling', 'Degraded'];

/**
 * One aspect of the resource's state, as in Kubernetes' metav1.Condition.
 */
export interface Condition {
  /**
   * Type of the condition: Ready, Reconciling or Degraded.
   * @minLength 1
   * @maxLength 316
   * @pattern ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$
   */
  type: string;
  /** Whether the condition holds: True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /**
   * The metadata.generation of the spec this condition was computed from.
   * @asType integer
   * @format int64
   * @minimum 0
   */
  observedGeneration?: number;
  /**
   * When status last changed (RFC 3339).
   * @format date-time
   */
  lastTransitionTime: string;
  /**
   * A machine-readable CamelCase reason for the last transition.
   * @minLength 1
   * @maxLength 1024
   * @pattern ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$
   */
  reason: string;
  /**
   * A human-readable explanation of the condition.
   * @maxLength 32768
   */
  message: string;
}
