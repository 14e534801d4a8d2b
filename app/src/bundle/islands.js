// Starts the page's islands, if it has any, once the browser is idle: loads the shop's
// module, then hands each <leptos-island> element, in document order, to the function of its
// name, waiting for each (a lazily loaded island is fetched first). Nothing here is requested
// before the page has painted, so the first paint's image and styles have the network to
// themselves, and a page without islands downloads no WebAssembly at all (its forms are sent
// by forms.js). When the page's scripts are live, it is marked data-islands="hydrated" (for
// styles and tests).
((js, wasm) => {
  const islands = document.querySelectorAll('leptos-island');
  const live = () => {
    document.documentElement.dataset.islands = 'hydrated';
  };
  if (islands.length === 0) {
    live();
    return;
  }
  const start = async () => {
    const shop = await import(js);
    await shop.default({ module_or_path: wasm });
    shop.hydrate();
    for (const island of islands) {
      const hydrate = shop[island.dataset.component];
      if (hydrate) {
        await hydrate(island);
      } else {
        console.warn(`no island named ${island.dataset.component}`);
      }
    }
    live();
  };
  const later = window.requestIdleCallback ?? ((run) => setTimeout(run, 1));
  later(() => start().catch((error) => console.error('the islands could not start', error)));
})
