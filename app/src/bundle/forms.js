// Sends each <form data-enhance> in place. The body is the one a browser without JavaScript
// posts (the form's fields, urlencoded, and the button that sent it) and the server answers as
// it would without JavaScript, except that the request says `cloudmart-form: enhanced`:
// - the form was accepted: a 204 naming the next page in `cloudmart-location`, which is
//   loaded once, by the browser (server/src/enhanced_forms.rs);
// - it was refused: the form's page again, the refusal next to the fields. Its form takes
//   this one's place, with what was sent kept, and the focus moves to the first field
//   to fix (or the form's message);
// - anything else (a refusal page, the shop unreachable): its message in the form's message.
// While a form is on its way its button is disabled and says its `data-busy` text, and a
// second submit is ignored.
// A form with `data-submit-on-change` is submitted as soon as a choice in it changes.
// (Attributes are read with getAttribute: `form.id` would be a field named "id".)
(() => {
  const setBusy = (form, busy) => {
    form.setAttribute('aria-busy', String(busy));
    for (const button of form.querySelectorAll('button[data-busy]')) {
      if (busy) {
        button.dataset.idle ??= button.textContent;
        button.textContent = button.dataset.busy;
      } else if (button.dataset.idle !== undefined) {
        button.textContent = button.dataset.idle;
      }
      button.disabled = busy;
    }
  };

  const say = (form, message) => {
    setBusy(form, false);
    const slot = form.querySelector('[data-form-message]');
    if (slot) {
      slot.textContent = message;
      slot.focus();
    }
  };

  // Puts what was sent back into the form the server rendered again, which starts from the
  // saved values and fresh hidden ones. Hidden fields keep what was sent too: a checkout's
  // idempotency key must stay the same for its retry, and a product's read_at must still say
  // which version the admin edited.
  const keepSent = (form, sent) => {
    for (const field of form.elements) {
      if (!field.name || field.type === 'submit' || field.type === 'file') continue;
      if (field.type === 'checkbox' || field.type === 'radio') {
        field.checked = sent.getAll(field.name).includes(field.value);
      } else if (sent.has(field.name)) {
        field.value = sent.get(field.name);
      }
    }
  };

  const send = async (form, submitter) => {
    const sent = new URLSearchParams(new FormData(form, submitter));
    setBusy(form, true);
    let page;
    let response;
    try {
      response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body: sent,
        headers: { accept: 'text/html', 'cloudmart-form': 'enhanced' },
      });
      const next = response.headers.get('cloudmart-location');
      if (next) {
        window.location.assign(next);
        return;
      }
      page = new DOMParser().parseFromString(await response.text(), 'text/html');
    } catch {
      say(form, form.dataset.unreachable);
      return;
    }
    const answered = page.getElementById(form.getAttribute('id'));
    if (answered?.matches('form[data-enhance]')) {
      keepSent(answered, sent);
      form.replaceWith(answered);
      const first =
        answered.querySelector('[aria-invalid="true"]') ??
        answered.querySelector('[data-form-message]:not(:empty)');
      first?.focus();
    } else if (page.getElementById('refusal')) {
      say(form, page.getElementById('refusal').textContent);
    } else if (response.ok) {
      // A page without the form (signed out meanwhile, say): show it as it is.
      window.location.assign(response.url);
    } else {
      say(form, form.dataset.failed);
    }
  };

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches('form[data-enhance]')) return;
    event.preventDefault();
    if (form.getAttribute('aria-busy') !== 'true') send(form, event.submitter);
  });

  document.addEventListener('change', (event) => {
    event.target.closest?.('form[data-submit-on-change]')?.requestSubmit();
  });

  // A page restored by the back button shows its forms as they were before they were sent.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll('form[aria-busy="true"]')) setBusy(form, false);
  });
})();
