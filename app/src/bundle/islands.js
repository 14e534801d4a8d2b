// Starts the page's islands once the browser is idle: loads the shop's module, then hands each
// <leptos-island> element, in document order, to the function of its name, waiting for each (a
// lazily loaded island is fetched first). Nothing here is requested before the page has
// painted, so the first paint's image and styles have the network to themselves. When every
// island is live, the page is marked data-islands="hydrated" (for styles and tests).
((js, wasm) => {
  const start = async () => {
    const shop = await import(js);
    await shop.default({ module_or_path: wasm });
    shop.hydrate();
    for (const island of document.querySelectorAll('leptos-island')) {
      const hydrate = shop[island.dataset.component];
      if (hydrate) {
        await hydrate(island);
      } else {
        console.warn(`no island named ${island.dataset.component}`);
      }
    }
    document.documentElement.dataset.islands = 'hydrated';
  };
  const later = window.requestIdleCallback ?? ((run) => setTimeout(run, 1));
  later(() => start().catch((error) => console.error('the islands could not start', error)));
})
