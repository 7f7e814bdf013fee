import type { ActionContext, GridService } from '../../../core/grid/types.js';
import type { GridRecord } from '../envelope.js';
import type { ParamReader } from '../params.js';

/** One core call with its parameters already read, mapping the result to the spec's `return`. */
export type GridCall = (grid: GridService, ctx: ActionContext) => Promise<GridRecord>;

/**
 * A `grid_*` action: reads its parameters, then (when the reader collected no error) makes one
 * GridService call and maps the result to the spec's return fields. No rules live here.
 */
export interface GridAction {
  /** The `action` parameter value. */
  readonly name: string;
  /** Audit event recorded when the call fails before reaching the core (bad parameters). */
  readonly event: string;
  read(p: ParamReader): GridCall;
}
