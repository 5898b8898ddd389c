import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const page = await b.newPage();
page.on('console', m => console.log('console', m.type(), m.text()));
const cdp = await page.context().newCDPSession(page);
await cdp.send('Storage.overrideQuotaForOrigin', { origin: 'http://localhost:4180', quotaSize: 50_000 });
await page.goto('http://localhost:4180/e2e/pages/harness.html');
console.log(await page.evaluate(async () => {
  const rt = window.harness.edgeserve.createRuntime({ backend: 'wasm' });
  try { const m = await rt.load('ocr-cls'); return JSON.stringify(m.info()); } catch (e) { return 'ERR ' + e.name + ' | ' + e.constructor.name + ' | ' + e.message + ' | ' + e.stack; }
}));
console.log(await page.evaluate(async () => { try { const e = await navigator.storage.estimate(); return JSON.stringify(e); } catch (e) { return String(e); } }));
await b.close();
