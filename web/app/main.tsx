/** The SPA entry: create the models once, render the shell. */
import { render } from 'preact';
import { App } from './shell/app.js';
import { createAppModel } from './shell/models/app.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/lab.css';
import './styles/pages.css';
import './styles/admin.css';
import './styles/support.css';

const root = document.getElementById('root');
if (root) render(<App app={createAppModel(window)} />, root);
