// Entry of the viewer bundle (dist/webview/main.js), for the panel's webview and the HTML report.
import { App } from './app';
import { detectHost, embeddedTrace } from './host';
import { setLanguage } from './strings';

function start(): void {
  setLanguage(document.documentElement.lang);
  const mount = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  const host = detectHost();
  const app = new App(mount, host);
  const embedded = embeddedTrace();
  if (embedded) {
    app.load(embedded.title, embedded.header, { kind: 'empty' }, { live: false, canRerun: false }, embedded.events.length);
    app.addEvents(embedded.events);
    performance.mark('cl:model-built');
    return;
  }
  window.addEventListener('message', (ev: MessageEvent<unknown>) => app.receive(ev.data));
  // The handshake: the panel holds everything back until the page can receive it.
  host.post({ type: 'ready' });
}

start();
