/**
 * Light, dark or the system's choice. <html data-theme> always holds the theme in force, so the
 * CSS defines each theme once; under "system" it follows prefers-color-scheme as it changes.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

const THEME_KEY = 'parley.theme';

export function parseTheme(value: string | null | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function savedTheme(): ThemeChoice {
  try {
    return parseTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return 'system';
  }
}

let current: ThemeChoice = 'system';
let watching = false;

function systemDark(): MediaQueryList | undefined {
  return typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
}

function resolve(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return systemDark()?.matches ? 'dark' : 'light';
}

/** Applies the choice to <html> (call once before the first render, then on every change). */
export function applyTheme(choice: ThemeChoice): void {
  current = choice;
  document.documentElement.dataset['theme'] = resolve(choice);
  const query = systemDark();
  if (!watching && query) {
    watching = true;
    query.addEventListener('change', () => {
      if (current === 'system') document.documentElement.dataset['theme'] = resolve('system');
    });
  }
}

export function setTheme(choice: ThemeChoice): void {
  applyTheme(choice);
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // Best effort: the choice lasts for this page.
  }
}
