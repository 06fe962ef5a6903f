import { render } from 'preact';
import { App } from './components/App.tsx';
import { locale } from './i18n/index.ts';
import { applyTheme, savedTheme } from './theme.ts';
import './styles/index.css';

// Before the first paint, so a dark or Chinese page never flashes light or English.
applyTheme(savedTheme());
document.documentElement.lang = locale() === 'zh' ? 'zh-CN' : 'en';

const root = document.getElementById('app');
if (root) render(<App />, root);
