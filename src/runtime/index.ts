// Placeholder until issue #3's runtime lands here.
export function isMainProcess(): boolean {
  return true;
}
