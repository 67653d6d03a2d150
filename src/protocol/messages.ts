// Placeholder until issue #5's typed protocol lands here.
export type ToWebview = { type: 'placeholder' };
