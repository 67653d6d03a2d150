// Canvas colours come from the VS Code theme variables (light, dark, high contrast), read once per
// theme change; the report page defines the same variables itself.

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  laneAlt: string;
  lifespan: string;
  lifespanDone: string;
  failure: string;
  stdout: string;
  stderr: string;
  queue: string;
  pipe: string;
  /** Manager calls and replies (arrows between a caller and its manager process). */
  manager: string;
  /** Blocked time (hatched) and lock holds (tint and bar). */
  wait: string;
  hold: string;
  selection: string;
  cursor: string;
  taskPalette: string[];
  taskText: string;
  highContrast: boolean;
  font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(el: HTMLElement = document.body): Theme {
  const s = getComputedStyle(el);
  const hc = el.classList.contains('vscode-high-contrast') || el.classList.contains('vscode-high-contrast-light');
  const fg = cssVar(s, '--vscode-foreground', '#cccccc');
  const family = cssVar(s, '--vscode-font-family', 'system-ui, sans-serif');
  return {
    background: cssVar(s, '--vscode-editor-background', '#1e1e1e'),
    foreground: fg,
    muted: cssVar(s, '--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar(s, '--vscode-editorWidget-border', cssVar(s, '--vscode-panel-border', '#454545')),
    laneAlt: cssVar(s, '--vscode-list-hoverBackground', 'rgba(128,128,128,0.08)'),
    lifespan: cssVar(s, '--vscode-charts-blue', '#3794ff'),
    lifespanDone: cssVar(s, '--vscode-disabledForeground', cssVar(s, '--vscode-descriptionForeground', '#8b8b8b')),
    failure: cssVar(s, '--vscode-charts-red', cssVar(s, '--vscode-errorForeground', '#f14c4c')),
    stdout: fg,
    stderr: cssVar(s, '--vscode-charts-red', '#f14c4c'),
    queue: cssVar(s, '--vscode-charts-orange', '#d18616'),
    pipe: cssVar(s, '--vscode-charts-purple', '#b180d7'),
    manager: cssVar(s, '--vscode-terminal-ansiCyan', '#11a8cd'),
    wait: cssVar(s, '--vscode-descriptionForeground', '#9d9d9d'),
    hold: cssVar(s, '--vscode-terminal-ansiMagenta', '#bc3fbc'),
    selection: cssVar(s, '--vscode-focusBorder', '#007fd4'),
    cursor: cssVar(s, '--vscode-editorCursor-foreground', fg),
    taskPalette: [
      cssVar(s, '--vscode-charts-green', '#89d185'),
      cssVar(s, '--vscode-charts-yellow', '#cca700'),
      cssVar(s, '--vscode-charts-blue', '#3794ff'),
      cssVar(s, '--vscode-charts-purple', '#b180d7'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
    ],
    taskText: cssVar(s, '--vscode-editor-background', '#1e1e1e'),
    highContrast: hc,
    font: `11px ${family}`,
  };
}
