/** Any indexable numeric array: the references run on Float32Array in the
 * backend and on Float64Array in the finite-difference gradient checks. */
export interface Arr {
  [i: number]: number;
  readonly length: number;
}
