// Placeholder until issue #3's tracer bootstrap lands here.
export {};
