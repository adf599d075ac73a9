import { monotonicFactory } from 'ulidx';

/** Time-sortable ids (ULIDs) for every row; monotonic so ids made in the same millisecond still sort. */
export const newId: () => string = monotonicFactory();
