// Starts the page's islands, if it has any: loads the shop's module, then hands each
// <leptos-island> element, in document order, to the function of its name, waiting for each
// (a lazily loaded island is fetched first). Nothing here is requested before the page has
// painted, so the first paint's image and styles have the network to themselves, and a page
// without islands downloads no WebAssembly at all (its forms are sent by forms.js).
// An island whose control says data-hydrate-on="press" (the assistant's panel, on every
// storefront page) waits for that control to be pressed: the press is held, the islands
// start, and the press is given again to the now live island. Until then the control is a
// plain link, so a page that only shows such islands downloads no WebAssembly until it is
// used. Otherwise the islands start once the browser is idle.
// When the page's scripts are live, it is marked data-islands="hydrated", and each island
// data-hydrated="true" once started (for styles and tests).
((js, wasm) => {
  const islands = [...document.querySelectorAll('leptos-island')];
  const live = () => {
    document.documentElement.dataset.islands = 'hydrated';
  };
  if (islands.length === 0) {
    live();
    return;
  }
  let starting;
  const start = () => {
    starting ??= (async () => {
      const shop = await import(js);
      await shop.default({ module_or_path: wasm });
      shop.hydrate();
      for (const island of islands) {
        const hydrate = shop[island.dataset.component];
        if (hydrate) {
          await hydrate(island);
          island.dataset.hydrated = 'true';
        } else {
          console.warn(`no island named ${island.dataset.component}`);
        }
      }
    })();
    return starting;
  };
  const controls = islands.map((island) => island.querySelector('[data-hydrate-on="press"]'));
  if (controls.every(Boolean)) {
    for (const control of controls) {
      const press = (event) => {
        event.preventDefault();
        control.setAttribute('aria-busy', 'true');
        start()
          .then(() => {
            control.removeAttribute('aria-busy');
            control.click();
          })
          .catch((error) => {
            console.error('the islands could not start', error);
            window.location.assign(control.href);
          });
      };
      control.addEventListener('click', press, { once: true });
    }
    live();
    return;
  }
  const later = window.requestIdleCallback ?? ((run) => setTimeout(run, 1));
  later(() =>
    start()
      .then(live)
      .catch((error) => console.error('the islands could not start', error)),
  );
})
