// Sizes shared by the tree (CSS), the timeline renderer and hit testing, so rows line up and a
// click lands on what was drawn. Keep ROW_HEIGHT in sync with --row-height in media/panel.css.

export const ROW_HEIGHT = 22;
export const AXIS_HEIGHT = 24;
/** Task boxes: top offset and height inside a row. */
export const TASK_TOP = 3;
export const TASK_HEIGHT = 16;
/** Lock holds: a bar right under the task band. */
export const HOLD_TOP = TASK_TOP + TASK_HEIGHT;
export const HOLD_HEIGHT = 2;
/** Lifespan bar: top offset and height inside a row. */
export const LIFE_TOP = 9;
export const LIFE_HEIGHT = 4;
/** Output marks at the top of a row. */
export const MARK_HEIGHT = 6;
/** Pixels within which a click picks an arrow or a mark. */
export const PICK_SLOP = 4;
