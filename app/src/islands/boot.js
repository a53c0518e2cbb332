// Sunshine: wakes up the islands once the page is idle. Nothing on the site needs this file;
// without it every page still works as plain HTML. The server fills in the hashed file names.
// (Leptos' <HydrationScripts islands=true/> does the same from an inline script, which a strict
// Content-Security-Policy without 'unsafe-inline' or a per-response nonce would block.)
const JS = "__SUNSHINE_JS__";
const WASM = "__SUNSHINE_WASM__";

function idle(run) {
  if ("requestIdleCallback" in window) window.requestIdleCallback(run, { timeout: 2000 });
  else window.setTimeout(run, 1);
}

idle(async () => {
  let mod;
  try {
    mod = await import(JS);
    await mod.default({ module_or_path: WASM });
  } catch (e) {
    // Lost signal, old WebView: the page keeps working as plain HTML.
    console.warn("sunshine: enhancements not loaded", e);
    return;
  }
  mod.hydrate();
  let failed = 0;
  for (const el of document.querySelectorAll("leptos-island")) {
    const wake = mod[el.dataset.component];
    try {
      if (typeof wake !== "function") throw new Error("not in the bundle");
      wake(el);
    } catch (e) {
      // One island failing leaves the others (and the plain HTML under it) working.
      failed += 1;
      console.error(`sunshine: island ${el.dataset.component} did not wake`, e);
    }
  }
  document.documentElement.dataset.islands = failed ? "partly" : "ready";
});
