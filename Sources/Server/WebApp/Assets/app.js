// fathom's web app: a form built from GET /model, live predictions from POST /predict,
// sweeps as one batch request each, CSV batches, and the model swaps /ready reports.
// Plain JavaScript with no build step; it uses only the public API any client uses.
'use strict';
(() => {
  // Errors are kept where a test (or a curious user) can read them back.
  const problems = (window.fathomErrors = []);
  addEventListener('error', (e) => problems.push(String(e.message || e)));
  addEventListener('unhandledrejection', (e) => problems.push('unhandled: ' + String((e.reason && e.reason.message) || e.reason)));

  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  function h(tag, attrs, ...kids) {
    const n = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') n.textContent = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) n.append(k);
    return n;
  }
  const PALETTE = ['#4f6bed', '#f0883e', '#2da66b', '#e5484d', '#9b6cff', '#12a8b8', '#c79a00', '#e05fb0', '#7a8599', '#8f5a3c'];
  const color = (i) => PALETTE[i % PALETTE.length];
  function fmt(v) {
    if (typeof v !== 'number') return String(v);
    if (!isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a >= 1e5 || a < 1e-3 ? v.toPrecision(4) : String(Number(v.toPrecision(4)));
  }
  const pct = (p) => (p * 100).toFixed(1) + '%';
  const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

  // The API is this page's own server; `?_api=URL` points a development copy elsewhere.
  const query = new URLSearchParams(location.search);
  const base = new URL(query.get('_api') || '.', location.href);
  const KEY = 'fathom.apiKey';
  let apiKey = sessionStorage.getItem(KEY) || '';
  let keyPrompt = null;

  const state = {
    schema: null, features: [], controls: new Map(), classes: [],
    seq: 0, shown: 0, timer: 0, sweepTimer: 0, sweepSeq: 0, sweepShown: 0,
    prediction: null, sweep: null, spread: null, batch: null, download: null,
  };

  function banner(text) {
    const b = $('banner');
    b.textContent = text || '';
    b.hidden = !text;
  }
  let toastTimer = 0;
  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (t.hidden = true), 4000);
  }

  /// One request. Answers {status, data, text}, or null after a network error or a 5xx,
  /// which the banner then reports; a 401 on a keyed route asks for the key and retries once.
  async function call(path, { method = 'GET', body, type, accept, keyed = false, retried = false } = {}) {
    const headers = {};
    if (type) headers['Content-Type'] = type;
    if (accept) headers['Accept'] = accept;
    if (keyed && apiKey) headers['X-API-Key'] = apiKey;
    let res, text;
    try {
      res = await fetch(new URL(path, base), { method, body, headers, cache: 'no-store' });
      text = await res.text();
    } catch (e) {
      state.lost = true;
      banner('Cannot reach the server at ' + base.host + '. The page retries on its own and keeps your inputs.');
      return null;
    }
    // /ready's 503 means "draining", which poll() reports in its own words.
    if (res.status >= 500 && !(path === 'ready' && res.status === 503)) {
      state.lost = true;
      banner('The server answered ' + res.status + (res.statusText ? ' ' + res.statusText : '') + ' for ' + path + '. Try again in a moment.');
      return null;
    }
    if (res.status < 500) banner('');
    if (res.status === 401 && keyed && !retried) {
      if (await askKey(!!apiKey)) return call(path, { method, body, type, accept, keyed, retried: true });
    }
    let data = null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    return { status: res.status, data, text };
  }

  function askKey(rejected) {
    if (keyPrompt) return keyPrompt;
    const d = $('key-dialog');
    $('key-msg').textContent = rejected
      ? 'The server did not accept that key. Enter the key it was started with (--api-key).'
      : 'This server asks for an API key before it predicts. The key stays in this browser tab (session storage), never in the URL.';
    $('key-input').value = '';
    keyPrompt = new Promise((resolve) => {
      const done = (ok) => {
        d.close();
        keyPrompt = null;
        resolve(ok);
      };
      $('key-form').onsubmit = (e) => {
        e.preventDefault();
        apiKey = $('key-input').value.trim();
        sessionStorage.setItem(KEY, apiKey);
        done(!!apiKey);
      };
      $('key-cancel').onclick = () => done(false);
      d.oncancel = () => done(false);
      d.showModal();
    });
    return keyPrompt;
  }

  // ---- The model and its form ------------------------------------------------------------

  /// The `GET /model` document the server put in the page, if it did and it reads.
  function inlineModel() {
    const block = document.getElementById('model-document');
    if (!block) return null;
    try { return { status: 200, data: JSON.parse(block.textContent) }; } catch (e) { return null; }
  }

  /// Builds the form for the served model: from the page's own copy of `/model` the first
  /// time, so the first prediction needs one request, and from `/model` when the model changes.
  async function loadModel(announce, inline = null) {
    const r = inline || await call('model');
    if (!r || r.status !== 200 || !r.data) {
      if (r) banner('GET /model answered ' + r.status + '; the page cannot build its form.');
      return false;
    }
    const previous = state.schema ? readRaw() : null;
    state.schema = r.data;
    state.features = r.data.features || [];
    state.classes = (r.data.classes || []).map(String);
    render(previous);
    if (announce) toast('The server now serves ' + r.data.name + ' (version ' + r.data.version + '); the form was rebuilt.');
    predictSoon(0);
    return true;
  }

  const isNumeric = (f) => !f.categories && (f.type === 'number' || f.type === 'integer');
  const hasRange = (f) => typeof f.minimum === 'number' && typeof f.maximum === 'number' && f.maximum > f.minimum;

  function render(previous) {
    const s = state.schema;
    document.title = s.name + ' · fathom';
    $('title').textContent = s.name;
    const k = state.classes.length;
    $('badge').textContent = s.task === 'classification' ? 'classifier' + (k ? ' · ' + k + ' classes' : '') : s.task === 'regression' ? 'regressor' : s.task;
    $('description').textContent = s.description || '';
    $('footer').textContent = 'Model ' + s.name + ' · version ' + s.version + (s.producer ? ' · made with ' + s.producer : '') + (s.sha256 ? ' · sha256 ' + s.sha256.slice(0, 16) + '…' : '') + ' · served by fathom';
    $('csv-header').textContent = state.features.map((f) => f.name).join(',');
    buildForm(previous);
    buildSweepControls();
    state.prediction = null;
    state.spread = null;
    $('result').replaceChildren(h('p', { class: 'muted', text: 'Waiting for the first answer…' }));
    clearBatch();
  }

  function buildForm(previous) {
    const form = $('form');
    form.replaceChildren();
    state.controls = new Map();
    state.features.forEach((f, i) => {
      const id = 'in-' + i;
      const hintId = 'hint-' + i;
      const errId = 'err-' + i;
      const initial = previous && f.name in previous ? previous[f.name] : query.has(f.name) ? query.get(f.name) : f.default;
      const described = hintId + ' ' + errId;
      let control, row;
      if (f.categories) {
        control = h('select', { id, name: f.name, 'aria-describedby': described },
          f.default === undefined ? h('option', { value: '', text: 'Choose…' }) : null,
          f.categories.map((c) => h('option', { value: c, text: c })));
        if (initial !== undefined && initial !== null) control.value = String(initial);
        row = [control];
      } else if (f.type === 'boolean') {
        control = h('input', { id, name: f.name, type: 'checkbox', 'aria-describedby': described });
        control.checked = initial === true || initial === 'true';
        row = [control, h('span', { class: 'unit', text: 'true when checked' })];
      } else {
        control = h('input', {
          id, name: f.name, class: 'text', inputmode: isNumeric(f) ? 'decimal' : 'text', autocomplete: 'off', spellcheck: 'false',
          placeholder: f.default !== undefined ? String(f.default) : isNumeric(f) ? 'a number' : '', 'aria-describedby': described,
        });
        control.value = initial === undefined || initial === null ? '' : String(initial);
        row = [control];
        if (isNumeric(f) && hasRange(f)) {
          const step = f.type === 'integer' ? 1 : niceStep((f.maximum - f.minimum) / 200);
          const slider = h('input', {
            type: 'range', min: f.minimum, max: f.maximum, step, tabindex: '-1', 'aria-hidden': 'true',
            oninput: () => { control.value = slider.value; changed(f, 60); },
          });
          slider.value = NUMBER.test(control.value) ? control.value : String(f.default ?? f.minimum);
          control.slider = slider;
          row = [slider, control];
        }
        if (isNumeric(f)) control.addEventListener('keydown', (e) => stepKey(e, f, control));
        // Typing predicts after a pause; Enter, or leaving the field, predicts at once.
        control.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); changed(f, 0); } });
        control.addEventListener('change', () => changed(f, 0));
      }
      control.addEventListener(control.tagName === 'SELECT' || control.type === 'checkbox' ? 'change' : 'input', () => {
        if (control.slider && NUMBER.test(control.value)) control.slider.value = control.value;
        changed(f, 150);
      });
      const hint = [];
      if (f.description) hint.push(f.description);
      if (isNumeric(f) && (f.minimum !== undefined || f.maximum !== undefined)) {
        hint.push(f.minimum !== undefined && f.maximum !== undefined ? 'from ' + fmt(f.minimum) + ' to ' + fmt(f.maximum) : f.minimum !== undefined ? 'at least ' + fmt(f.minimum) : 'at most ' + fmt(f.maximum));
      }
      if (f.type === 'integer') hint.push('whole number');
      state.controls.set(f.name, control);
      form.append(h('div', { class: 'field', 'data-feature': f.name },
        h('div', { class: 'field-label' },
          h('label', { for: id, text: f.name }),
          f.unit ? h('span', { class: 'unit', text: f.unit }) : null,
          f.default === undefined ? h('span', { class: 'req', text: 'required' }) : null),
        h('div', { class: 'control' }, row),
        h('p', { class: 'hint', id: hintId, text: hint.join(' · ') }),
        h('p', { class: 'err', id: errId, role: 'alert' })));
    });
  }

  function niceStep(x) {
    const m = Math.pow(10, Math.floor(Math.log10(x)));
    const r = x / m;
    return (r >= 5 ? 5 : r >= 2 ? 2 : 1) * m;
  }

  function stepKey(e, f, control) {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    if (!NUMBER.test(control.value || String(f.default ?? ''))) return;
    e.preventDefault();
    const step = (control.slider ? Number(control.slider.step) : f.type === 'integer' ? 1 : 0.1) * (e.shiftKey ? 10 : 1);
    let v = Number(control.value || f.default) + (e.key === 'ArrowUp' ? step : -step);
    v = Number(v.toFixed(10));
    control.value = String(v);
    if (control.slider) control.slider.value = control.value;
    changed(f, 150);
  }

  /// The controls' values as typed, by feature name.
  function readRaw() {
    const raw = {};
    for (const [name, c] of state.controls) raw[name] = c.type === 'checkbox' ? c.checked : c.value;
    return raw;
  }

  /// The request row: numbers as numbers, text as typed (so the server names the problem);
  /// empty fields are left out, so the server applies its defaults or says what is required.
  function readRow() {
    const row = {};
    const raw = readRaw();
    for (const f of state.features) {
      const v = raw[f.name];
      if (typeof v === 'boolean') { row[f.name] = v; continue; }
      if (v === undefined || v.trim() === '') continue;
      row[f.name] = isNumeric(f) && NUMBER.test(v) ? Number(v) : f.categories ? v : isNumeric(f) ? v.trim() : v;
    }
    return row;
  }

  function syncURL() {
    const q = new URLSearchParams();
    if (query.has('_api')) q.set('_api', query.get('_api'));
    const raw = readRaw();
    for (const f of state.features) {
      const v = raw[f.name];
      if (v === '' || v === undefined) continue;
      q.set(f.name, String(v));
    }
    // The sweep's features travel too, so a shared link opens on the same chart.
    if ($('sweep-x').value) q.set('_sweep', $('sweep-x').value);
    if ($('sweep-y').value) q.set('_against', $('sweep-y').value);
    history.replaceState(null, '', location.pathname + '?' + q.toString());
  }

  // Marks for benchmarks (Performance API): the first answer shown, and each edit's answer.
  function changed(f, delay) {
    if (!state.editedAt) state.editedAt = performance.now();
    predictSoon(delay);
  }

  // ---- Live what-if ------------------------------------------------------------------------

  function predictSoon(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(predict, delay);
  }

  async function predict() {
    if (!state.schema) return;
    const my = ++state.seq;
    const row = readRow();
    syncURL();
    // Required inputs the user has not filled yet are asked for here, not flagged as errors.
    const needed = missing(row);
    if (needed.length) {
      state.shown = my;
      showFieldErrors([]);
      state.prediction = null;
      $('result').classList.remove('stale');
      $('result').replaceChildren(h('p', { class: 'muted', text: 'Fill in ' + needed.map((f) => f.name).join(', ') + ' to see a prediction.' }));
      chartMessage('The sweep draws once every required input has a value.');
      return;
    }
    const started = performance.now();
    $('result').classList.add('busy');
    const r = await call('predict', { method: 'POST', body: JSON.stringify(row), type: 'application/json', keyed: true });
    // An answer older than one already shown is dropped: only the latest inputs count.
    if (my < state.shown) return;
    state.shown = my;
    $('result').classList.remove('busy');
    if (!r) { $('result').classList.add('stale'); return; }
    $('latency').textContent = Math.round(performance.now() - started) + ' ms';
    showFieldErrors(r.status === 422 && r.data ? r.data.detail : []);
    if (r.status === 200 && r.data) {
      state.prediction = r.data;
      $('result').classList.remove('stale');
      showPrediction();
      const start = state.editedAt;
      state.editedAt = 0;
      requestAnimationFrame(() => {
        if (!performance.getEntriesByName('fathom-first-answer').length) performance.mark('fathom-first-answer');
        if (start) performance.measure('fathom-update', { start });
        // The sweep (a batch request and an SVG) starts once this frame has painted the answer,
        // so that the answer is never held back by the chart.
        sweepSoon(my === 1 ? 0 : 250);
      });
      document.body.dataset.answered = String(my);
    } else if (r.status === 422) {
      $('result').classList.add('stale');
      if ($('chart').querySelector('svg')) $('chart').classList.add('stale');
      else chartMessage('The sweep draws once the inputs are valid.');
      const loose = looseDetails(r.data && r.data.detail);
      const box = $('result');
      if (!state.prediction) box.replaceChildren();
      box.querySelectorAll('.problems, .fix').forEach((n) => n.remove());
      box.append(h('p', { class: 'fix muted', text: 'Fix the inputs marked in red to update the prediction.' }));
      if (loose.length) box.append(h('ul', { class: 'problems' }, loose.map((m) => h('li', { text: m }))));
    } else if (r.status === 401) {
      $('result').replaceChildren(h('p', { class: 'muted', text: 'Predictions need an API key. ' }, h('button', { type: 'button', text: 'Enter the key', onclick: async () => { if (await askKey(false)) predictSoon(0); } })));
    } else {
      $('result').replaceChildren(h('p', { class: 'err', text: 'POST /predict answered ' + r.status + ': ' + detailText(r) }));
    }
  }

  function missing(row) {
    return state.features.filter((f) => f.default === undefined && f.type !== 'boolean' && !(f.name in row));
  }

  function detailText(r) {
    const d = r.data && r.data.detail;
    if (typeof d === 'string') return d;
    if (Array.isArray(d)) return d.map((x) => x.msg).join('; ');
    return r.text.slice(0, 200);
  }

  /// The feature a 422 entry is about: the last string in its `loc` that names one.
  function featureOf(detail) {
    const loc = Array.isArray(detail.loc) ? detail.loc : [];
    for (let i = loc.length - 1; i >= 0; i--) if (state.controls.has(loc[i])) return loc[i];
    return null;
  }

  function looseDetails(details) {
    return (Array.isArray(details) ? details : []).filter((d) => !featureOf(d)).map((d) => d.msg + (d.loc ? ' (' + d.loc.join('.') + ')' : ''));
  }

  function showFieldErrors(details) {
    const byFeature = new Map();
    for (const d of Array.isArray(details) ? details : []) {
      const name = featureOf(d);
      if (name) byFeature.set(name, (byFeature.has(name) ? byFeature.get(name) + '; ' : '') + d.msg);
    }
    state.features.forEach((f, i) => {
      const msg = byFeature.get(f.name) || '';
      const err = $('err-' + i);
      if (err.textContent !== msg) err.textContent = msg;
      const c = state.controls.get(f.name);
      if (msg) c.setAttribute('aria-invalid', 'true');
      else c.removeAttribute('aria-invalid');
    });
  }

  function showPrediction() {
    const p = state.prediction;
    const box = $('result');
    if (p.probabilities) {
      const entries = Object.entries(p.probabilities);
      const best = entries.reduce((a, b) => (b[1] > a[1] ? b : a), entries[0] || ['', 0]);
      box.replaceChildren(
        h('div', { class: 'answer' }, h('span', { class: 'answer-value', id: 'answer', text: String(p.label) }), h('span', { class: 'answer-sub', text: pct(best[1]) + ' probability' })),
        h('ul', { class: 'bars', 'aria-label': 'class probabilities' }, entries.map(([label, prob], i) =>
          h('li', { class: label === String(p.label) ? 'win' : null },
            h('span', { text: label }),
            h('span', { class: 'track', role: 'presentation' }, h('span', { class: 'fill', style: 'width:' + (prob * 100).toFixed(2) + '%;background:' + classColor(label, i) })),
            h('span', { class: 'pct', text: pct(prob) })))));
    } else {
      const v = p.value;
      const kids = [h('div', { class: 'answer' }, h('span', { class: 'answer-value', id: 'answer', text: fmt(v) }), h('span', { class: 'answer-sub', text: 'predicted value' }))];
      const range = targetRange();
      if (range && typeof v === 'number') {
        const at = Math.max(0, Math.min(1, (v - range.lo) / (range.hi - range.lo || 1)));
        kids.push(h('div', { class: 'gauge' },
          h('div', { class: 'track' }, h('span', { class: 'mark', style: 'left:' + (at * 100).toFixed(2) + '%' })),
          h('div', { class: 'ends' }, h('span', { text: fmt(range.lo) }), h('span', { text: range.what }), h('span', { text: fmt(range.hi) }))));
      }
      box.replaceChildren(...kids);
    }
  }

  /// Where a regression's value sits: the target's range when the schema gives one,
  /// else the spread of the predictions the current sweep drew.
  function targetRange() {
    const t = state.schema.target;
    if (t && typeof t.minimum === 'number' && typeof t.maximum === 'number') return { lo: t.minimum, hi: t.maximum, what: 'range in training' };
    if (state.spread && state.spread.hi > state.spread.lo) return { lo: state.spread.lo, hi: state.spread.hi, what: 'range across the sweep' };
    return null;
  }

  function classColor(label, i) {
    const k = state.classes.indexOf(String(label));
    return color(k >= 0 ? k : i);
  }

  // ---- Sweeps ----------------------------------------------------------------------------

  function sweepable() {
    return state.features.filter((f) => isNumeric(f) || (f.categories && f.categories.length > 1));
  }

  function buildSweepControls() {
    const list = sweepable();
    const x = $('sweep-x'), y = $('sweep-y');
    const keep = x.value || query.get('_sweep');
    x.replaceChildren(...list.map((f) => h('option', { value: f.name, text: f.name })));
    const preferred = list.find((f) => f.name === keep) || list.find(hasRange) || list[0];
    if (preferred) x.value = preferred.name;
    fillY(y.value || query.get('_against'));
    sweepBounds();
  }

  function fillY(wanted) {
    const y = $('sweep-y');
    const keep = wanted || y.value;
    y.replaceChildren(h('option', { value: '', text: 'nothing (curve)' }), ...sweepable().filter((f) => f.name !== $('sweep-x').value).map((f) => h('option', { value: f.name, text: f.name + ' (heatmap)' })));
    if ([...y.options].some((o) => o.value === keep)) y.value = keep;
  }

  function feature(name) { return state.features.find((f) => f.name === name); }

  function currentNumber(f) {
    const v = state.controls.get(f.name).value;
    return NUMBER.test(v) ? Number(v) : typeof f.default === 'number' ? f.default : 0;
  }

  /// Sets the from/to fields from the feature's range, or around its value when it has none.
  function sweepBounds() {
    const f = feature($('sweep-x').value);
    const from = $('sweep-from'), to = $('sweep-to');
    const numeric = f && isNumeric(f);
    from.disabled = to.disabled = !numeric;
    from.parentElement.hidden = to.parentElement.hidden = !numeric;
    if (!numeric) return;
    if (hasRange(f)) { from.value = fmt(f.minimum); to.value = fmt(f.maximum); return; }
    const v = currentNumber(f);
    const span = Math.max(Math.abs(v), 1);
    let lo = typeof f.minimum === 'number' ? f.minimum : v - span;
    let hi = typeof f.maximum === 'number' ? f.maximum : v + span;
    if (f.type === 'integer') { lo = Math.floor(lo); hi = Math.ceil(hi); }
    from.value = fmt(lo);
    to.value = fmt(hi);
  }

  function axisValues(f, lo, hi, count) {
    if (f.categories) return f.categories.slice(0, 60);
    if (!(hi > lo)) return [lo];
    if (f.type === 'integer') {
      const a = Math.ceil(lo), b = Math.floor(hi);
      const n = b - a + 1;
      if (n <= count) return Array.from({ length: n }, (_, i) => a + i);
      return [...new Set(Array.from({ length: count }, (_, i) => Math.round(a + ((b - a) * i) / (count - 1))))];
    }
    return Array.from({ length: count }, (_, i) => Number((lo + ((hi - lo) * i) / (count - 1)).toPrecision(12)));
  }

  function sweepSoon(delay) {
    clearTimeout(state.sweepTimer);
    state.sweepTimer = setTimeout(sweep, delay);
  }

  function chartMessage(text) {
    $('chart').replaceChildren(h('p', { class: 'msg', text }));
    $('legend').replaceChildren();
  }

  async function sweep() {
    const fx = feature($('sweep-x').value);
    if (!fx) return chartMessage('This model has no input to sweep.');
    const fy = feature($('sweep-y').value);
    const lo = Number($('sweep-from').value), hi = Number($('sweep-to').value);
    if (isNumeric(fx) && !(isFinite(lo) && isFinite(hi) && hi > lo)) return chartMessage('Give a range with “from” below “to”.');
    const xs = axisValues(fx, lo, hi, fy ? 28 : 61);
    let ys = [null];
    if (fy) {
      const fb = hasRange(fy) ? [fy.minimum, fy.maximum] : (() => { const v = currentNumber(fy), s = Math.max(Math.abs(v), 1); return [v - s, v + s]; })();
      ys = axisValues(fy, fb[0], fb[1], 24);
    }
    const row = readRow();
    if (missing(row).length) return chartMessage('The sweep draws once every required input has a value.');
    const instances = [];
    for (const yv of ys) for (const xv of xs) {
      const r = Object.assign({}, row, { [fx.name]: xv });
      if (fy) r[fy.name] = yv;
      instances.push(r);
    }
    const my = ++state.sweepSeq;
    $('sweep-note').textContent = 'predicting ' + instances.length + ' points…';
    const r = await call('predict', { method: 'POST', body: JSON.stringify({ instances }), type: 'application/json', keyed: true });
    if (my < state.sweepShown) return;
    state.sweepShown = my;
    $('sweep-note').textContent = '';
    if (!r) return;
    if (r.status !== 200 || !r.data || !Array.isArray(r.data.predictions)) {
      return chartMessage(r.status === 422 ? 'Fix the inputs marked in red to draw the sweep. The server said: ' + detailText(r) : 'The sweep failed: ' + r.status + ' ' + detailText(r));
    }
    $('chart').classList.remove('stale');
    const preds = r.data.predictions;
    state.sweep = { fx, fy, xs, ys, preds };
    $('sweep-note').textContent = instances.length + ' predictions, one request';
    const values = preds.map((p) => p.value).filter((v) => typeof v === 'number');
    state.spread = values.length ? { lo: Math.min(...values), hi: Math.max(...values) } : null;
    if (state.prediction && !state.prediction.probabilities) showPrediction();
    if (fy) drawHeatmap(); else drawCurve();
    document.body.dataset.swept = String(my);
  }

  // The chart is drawn at the width it is shown at, so its text stays legible on a phone.
  let W = 640;
  const H = 300, M = { l: 52, r: 16, t: 14, b: 40 };
  // The left margin makes room for the longest category on the y axis beside the axis title.
  const fitWidth = (yCategories = []) => {
    M.l = Math.min(170, Math.max(52, 30 + 7 * Math.max(0, ...yCategories.map((c) => String(c).length))));
    W = Math.max(300, Math.min(820, $('chart').clientWidth || 640));
  };

  function ticks(lo, hi, n) {
    const span = hi - lo || Math.abs(hi) || 1;
    const step = niceStep(span / n) * (span / n / niceStep(span / n) > 2.2 ? 2.5 : 1);
    const out = [];
    for (let t = Math.ceil(lo / step) * step, i = 0; t <= hi + step * 1e-6 && i < 40; t += step, i++) out.push(Number(t.toPrecision(10)));
    return out;
  }

  function frame(svg, xScale, yScale, xTicks, yTicks, xLabel, yLabel, yFmt) {
    for (const t of yTicks) {
      const y = yScale(t);
      svg.append(h('svg:line', { class: 'grid', x1: M.l, x2: W - M.r, y1: y, y2: y }), h('svg:text', { x: M.l - 6, y: y + 4, 'text-anchor': 'end', text: yFmt(t) }));
    }
    for (const t of xTicks) {
      const x = xScale(t.at !== undefined ? t.at : t);
      svg.append(h('svg:line', { class: 'axis', x1: x, x2: x, y1: H - M.b, y2: H - M.b + 4 }), h('svg:text', { x, y: H - M.b + 16, 'text-anchor': 'middle', text: t.label !== undefined ? t.label : fmt(t) }));
    }
    svg.append(h('svg:line', { class: 'axis', x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }),
      h('svg:text', { x: (M.l + W - M.r) / 2, y: H - 4, 'text-anchor': 'middle', text: xLabel }),
      h('svg:text', { x: 12, y: (M.t + H - M.b) / 2, 'text-anchor': 'middle', transform: 'rotate(-90 12 ' + (M.t + H - M.b) / 2 + ')', text: yLabel }));
  }

  function xAxis(fx, xs) {
    if (fx.categories) {
      const band = (W - M.l - M.r) / xs.length;
      return { scale: (i) => M.l + band * (i + 0.5), at: (v) => xs.indexOf(v), ticks: xs.map((c, i) => ({ at: i, label: c })) };
    }
    const lo = xs[0], hi = xs[xs.length - 1];
    const scale = (v) => M.l + ((v - lo) / (hi - lo || 1)) * (W - M.l - M.r);
    return { scale, at: (v) => v, ticks: ticks(lo, hi, 6).filter((t) => t >= lo && t <= hi) };
  }

  function drawCurve() {
    const { fx, xs, preds } = state.sweep;
    fitWidth();
    const svg = h('svg:svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    const ax = xAxis(fx, xs);
    const series = [];
    const classification = !!(preds[0] && preds[0].probabilities);
    if (classification) {
      Object.keys(preds[0].probabilities).forEach((label, i) => series.push({ label, color: classColor(label, i), ys: preds.map((p) => p.probabilities[label]) }));
    } else {
      series.push({ label: 'predicted value', color: color(0), ys: preds.map((p) => p.value) });
    }
    let lo = 0, hi = 1;
    if (!classification) {
      lo = Math.min(...series[0].ys);
      hi = Math.max(...series[0].ys);
      const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
      lo -= pad;
      hi += pad;
    }
    const yScale = (v) => M.t + (1 - (v - lo) / (hi - lo)) * (H - M.t - M.b);
    frame(svg, ax.scale, yScale, ax.ticks, classification ? [0, 0.25, 0.5, 0.75, 1] : ticks(lo, hi, 5).filter((t) => t >= lo && t <= hi), fx.name + (fx.unit ? ' (' + fx.unit + ')' : ''), classification ? 'probability' : 'prediction', classification ? (t) => Math.round(t * 100) + '%' : fmt);
    const xAt = (i) => ax.scale(ax.at(xs[i]));
    for (const s of series) {
      const d = s.ys.map((v, i) => (i ? 'L' : 'M') + xAt(i).toFixed(1) + ' ' + yScale(v).toFixed(1)).join('');
      svg.append(h('svg:path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2.25, 'stroke-linejoin': 'round', 'data-series': s.label }));
      if (fx.categories) s.ys.forEach((v, i) => svg.append(h('svg:circle', { cx: xAt(i), cy: yScale(v), r: 4, fill: s.color })));
    }
    // The current inputs: a dashed line at the current value and the answer shown above.
    const current = fx.categories ? state.controls.get(fx.name).value : currentNumber(fx);
    const ci = ax.at(current);
    if (fx.categories ? ci >= 0 : current >= xs[0] && current <= xs[xs.length - 1]) {
      const x = ax.scale(ci);
      svg.append(h('svg:line', { class: 'now', x1: x, x2: x, y1: M.t, y2: H - M.b }));
      const p = state.prediction;
      if (p) for (const s of series) {
        const v = classification ? p.probabilities && p.probabilities[s.label] : p.value;
        if (typeof v === 'number' && v >= lo && v <= hi) svg.append(h('svg:circle', { cx: x, cy: yScale(v), r: 4.5, fill: 'var(--card)', stroke: s.color, 'stroke-width': 2.5 }));
      }
    }
    svg.setAttribute('aria-label', (classification ? 'Class probabilities' : 'Prediction') + ' as ' + fx.name + ' varies from ' + fmt(xs[0]) + ' to ' + fmt(xs[xs.length - 1]) + ', other inputs held');
    hover(svg, (px) => {
      let best = 0;
      xs.forEach((_, i) => { if (Math.abs(xAt(i) - px) < Math.abs(xAt(best) - px)) best = i; });
      return { x: xAt(best), text: fx.name + ' = ' + fmt(xs[best]) + '\n' + series.map((s) => s.label + ': ' + (classification ? pct(s.ys[best]) : fmt(s.ys[best]))).join('\n') };
    });
    $('chart').replaceChildren(svg);
    $('legend').replaceChildren(...series.map((s) => h('span', null, h('i', { style: 'background:' + s.color }), s.label)));
  }

  function hover(svg, at) {
    const line = h('svg:line', { class: 'hover', y1: M.t, y2: H - M.b, visibility: 'hidden' });
    svg.append(line);
    const tip = h('div', { class: 'tip', hidden: true });
    svg.addEventListener('pointermove', (e) => {
      const box = svg.getBoundingClientRect();
      const px = ((e.clientX - box.left) / box.width) * W;
      if (px < M.l || px > W - M.r) { tip.hidden = true; line.setAttribute('visibility', 'hidden'); return; }
      const a = at(px);
      line.setAttribute('x1', a.x);
      line.setAttribute('x2', a.x);
      line.setAttribute('visibility', 'visible');
      tip.replaceChildren(...a.text.split('\n').map((t, i) => h('div', { style: i ? null : 'font-weight:600', text: t })));
      tip.hidden = false;
      const left = (a.x / W) * box.width;
      tip.style.left = (left > box.width * 0.6 ? left - tip.offsetWidth - 12 : left + 12) + 'px';
      tip.style.top = '8px';
    });
    svg.addEventListener('pointerleave', () => { tip.hidden = true; line.setAttribute('visibility', 'hidden'); });
    queueMicrotask(() => svg.parentElement && svg.parentElement.append(tip));
  }

  const RAMP = ['#2c3e91', '#2f7bbf', '#35b3a6', '#a6d15a', '#f5d340'];
  function ramp(t) {
    const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
    const i = Math.min(RAMP.length - 2, Math.floor(x));
    const a = RAMP[i], b = RAMP[i + 1], f = x - i;
    const c = (s, k) => parseInt(s.slice(k, k + 2), 16);
    return 'rgb(' + [1, 3, 5].map((k) => Math.round(c(a, k) + (c(b, k) - c(a, k)) * f)).join(',') + ')';
  }

  function drawHeatmap() {
    const { fx, fy, xs, ys, preds } = state.sweep;
    fitWidth(fy.categories ? ys : []);
    const svg = h('svg:svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    const cw = (W - M.l - M.r) / xs.length, ch = (H - M.t - M.b) / ys.length;
    const classification = !!(preds[0] && preds[0].probabilities);
    const labels = classification ? Object.keys(preds[0].probabilities) : [];
    const values = preds.map((p) => p.value);
    const vlo = classification ? 0 : Math.min(...values), vhi = classification ? 1 : Math.max(...values);
    const seen = new Set();
    preds.forEach((p, k) => {
      const i = k % xs.length, j = Math.floor(k / xs.length);
      let fill, opacity = 1;
      if (classification) {
        const li = labels.indexOf(String(p.label));
        seen.add(String(p.label));
        fill = classColor(p.label, li);
        const top = p.probabilities[String(p.label)] || 0;
        opacity = 0.35 + 0.65 * Math.max(0, (top - 1 / labels.length) / (1 - 1 / labels.length));
      } else {
        fill = ramp((p.value - vlo) / (vhi - vlo || 1));
      }
      svg.append(h('svg:rect', { x: (M.l + i * cw).toFixed(2), y: (H - M.b - (j + 1) * ch).toFixed(2), width: (cw + 0.6).toFixed(2), height: (ch + 0.6).toFixed(2), fill, 'fill-opacity': opacity.toFixed(2) }));
    });
    const xScale = fx.categories ? (i) => M.l + cw * (i + 0.5) : (v) => M.l + ((v - xs[0]) / (xs[xs.length - 1] - xs[0] || 1)) * (W - M.l - M.r - cw) + cw / 2;
    const yScale = fy.categories ? (j) => H - M.b - ch * (j + 0.5) : (v) => H - M.b - ch / 2 - ((v - ys[0]) / (ys[ys.length - 1] - ys[0] || 1)) * (H - M.t - M.b - ch);
    const xt = fx.categories ? xs.map((c, i) => ({ at: i, label: c })) : ticks(xs[0], xs[xs.length - 1], 6).filter((t) => t >= xs[0] && t <= xs[xs.length - 1]);
    const yt = fy.categories ? ys.map((_, j) => j) : ticks(ys[0], ys[ys.length - 1], 5).filter((t) => t >= ys[0] && t <= ys[ys.length - 1]);
    frame(svg, xScale, yScale, xt, yt, fx.name + (fx.unit ? ' (' + fx.unit + ')' : ''), fy.name + (fy.unit ? ' (' + fy.unit + ')' : ''), fy.categories ? (j) => ys[j] : fmt);
    const cx = fx.categories ? xs.indexOf(state.controls.get(fx.name).value) : currentNumber(fx);
    const cy = fy.categories ? ys.indexOf(state.controls.get(fy.name).value) : currentNumber(fy);
    const inX = fx.categories ? cx >= 0 : cx >= xs[0] && cx <= xs[xs.length - 1];
    const inY = fy.categories ? cy >= 0 : cy >= ys[0] && cy <= ys[ys.length - 1];
    if (inX && inY) svg.append(h('svg:circle', { cx: xScale(cx), cy: yScale(cy), r: 6, fill: 'none', stroke: '#fff', 'stroke-width': 3 }), h('svg:circle', { cx: xScale(cx), cy: yScale(cy), r: 6, fill: 'none', stroke: '#111', 'stroke-width': 1.5 }));
    svg.setAttribute('aria-label', (classification ? 'Winning class' : 'Prediction') + ' over ' + fx.name + ' and ' + fy.name + ', other inputs held');
    hover(svg, (px) => {
      const i = Math.max(0, Math.min(xs.length - 1, Math.floor((px - M.l) / cw)));
      const lines = [fx.name + ' = ' + fmt(xs[i])];
      return { x: M.l + cw * (i + 0.5), text: lines.concat(ys.map((y, j) => ({ y, p: preds[j * xs.length + i] })).filter((_, j) => j % Math.ceil(ys.length / 6) === 0).map((e) => fy.name + ' ' + fmt(e.y) + ': ' + (classification ? e.p.label + ' ' + pct(e.p.probabilities[String(e.p.label)]) : fmt(e.p.value)))).join('\n') };
    });
    $('chart').replaceChildren(svg);
    if (classification) {
      $('legend').replaceChildren(h('span', { text: 'Winning class (paler: less sure):' }), ...labels.map((l, i) => h('span', { class: seen.has(l) ? null : 'absent' }, h('i', { style: 'background:' + classColor(l, i) }), l)));
    } else {
      $('legend').replaceChildren(h('span', null, fmt(vlo), h('i', { class: 'ramp', style: 'background:linear-gradient(90deg,' + RAMP.join(',') + ')' }), fmt(vhi), ' predicted value'));
    }
  }

  // ---- CSV batches ---------------------------------------------------------------------------

  /// RFC 4180 records, split as the server splits them, so row numbers agree.
  function parseCSV(text) {
    const records = [];
    let record = [], cell = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
        } else cell += c;
      } else if (c === '"' && cell === '') quoted = true;
      else if (c === ',') { record.push(cell); cell = ''; }
      else if (c === '\n') { record.push(cell); records.push(record); record = []; cell = ''; }
      else if (c !== '\r') cell += c;
    }
    if (cell !== '' || record.length) { record.push(cell); records.push(record); }
    return records;
  }
  const csvCell = (s) => (/[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
  const csvLine = (cells) => cells.map((c) => csvCell(String(c))).join(',');

  function clearBatch() {
    $('batch-summary').replaceChildren();
    $('batch-table').replaceChildren();
    $('download').hidden = true;
    if (state.download) URL.revokeObjectURL(state.download);
    state.download = null;
  }

  async function runBatch(file) {
    clearBatch();
    const text = await file.text();
    const records = parseCSV(text.replace(/^\ufeff/, ''));
    if (records.length < 2) return $('batch-summary').replaceChildren(h('p', { class: 'err', text: file.name + ' has no rows under its header.' }));
    const header = records[0].map((c) => c.trim());
    // Data rows by the number the server uses: the record's index, counting the header as 1.
    const rows = records.slice(1).map((cells, i) => ({ number: i + 2, cells })).filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''));
    $('batch-summary').replaceChildren(h('p', { class: 'muted', text: 'Predicting ' + rows.length + ' rows of ' + file.name + '…' }));
    const errors = new Map();
    let good = rows;
    let r = await postCSV(header, good);
    if (r && r.status === 422 && r.data && Array.isArray(r.data.detail)) {
      const general = [];
      for (const d of r.data.detail) {
        const n = Array.isArray(d.loc) ? d.loc.find((x) => typeof x === 'number') : undefined;
        const name = featureOf(d);
        if (n === undefined) general.push(d.msg);
        else errors.set(n, (errors.has(n) ? errors.get(n) + '; ' : '') + (name ? name + ': ' : '') + d.msg);
      }
      if (general.length) return $('batch-summary').replaceChildren(h('p', { class: 'err', text: 'The server rejected the file: ' + general.join('; ') }));
      // The rows without problems are sent again, so each gets its prediction.
      good = rows.filter((row) => !errors.has(row.number));
      r = good.length ? await postCSV(header, good) : { status: 200, data: { predictions: [] } };
    }
    if (!r) return $('batch-summary').replaceChildren(h('p', { class: 'err', text: 'The batch could not be sent; see the message at the top.' }));
    if (r.status !== 200 || !r.data || !Array.isArray(r.data.predictions)) return $('batch-summary').replaceChildren(h('p', { class: 'err', text: 'POST /predict answered ' + r.status + ': ' + detailText(r) }));
    const byNumber = new Map(good.map((row, i) => [row.number, r.data.predictions[i]]));
    showBatch(file.name, header, rows, byNumber, errors);
  }

  function postCSV(header, rows) {
    const body = [csvLine(header), ...rows.map((r) => csvLine(r.cells))].join('\n') + '\n';
    return call('predict', { method: 'POST', body, type: 'text/csv', accept: 'application/json', keyed: true });
  }

  function showBatch(name, header, rows, byNumber, errors) {
    const first = [...byNumber.values()].find(Boolean);
    const labels = first && first.probabilities ? Object.keys(first.probabilities) : [];
    const outCols = first && first.probabilities ? ['label', ...labels.map((l) => 'p_' + l)] : ['value'];
    const outOf = (p) => (p ? (p.probabilities ? [String(p.label), ...labels.map((l) => p.probabilities[l])] : [p.value]) : outCols.map(() => ''));
    const csv = [csvLine(['row', ...header, ...outCols, 'error'])];
    for (const row of rows) csv.push(csvLine([row.number, ...row.cells, ...outOf(byNumber.get(row.number)), errors.get(row.number) || '']));
    state.download = URL.createObjectURL(new Blob([csv.join('\n') + '\n'], { type: 'text/csv' }));
    const link = $('download');
    link.href = state.download;
    link.download = name.replace(/\.csv$/i, '') + '-predictions.csv';
    link.hidden = false;
    const shown = rows.slice(0, 500);
    const bad = rows.filter((row) => errors.has(row.number)).length;
    $('batch-summary').replaceChildren(h('p', null, h('strong', { text: rows.length - bad + ' of ' + rows.length + ' rows predicted' }), bad ? h('span', { class: 'err', text: ' · ' + bad + ' with errors, shown in red' }) : null, rows.length > shown.length ? ' · the table shows the first 500; the download has all' : null));
    $('batch-table').replaceChildren(h('table', null,
      h('thead', null, h('tr', null, ['row', ...header, ...outCols, 'error'].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', null, shown.map((row) => {
        const p = byNumber.get(row.number);
        const err = errors.get(row.number);
        return h('tr', { class: err ? 'bad' : null, 'data-row': row.number },
          h('td', { text: row.number }), row.cells.map((c) => h('td', { text: c })),
          outOf(p).map((v, i) => h('td', { class: i === 0 ? 'pred' : null, text: typeof v === 'number' ? (labels.length ? pct(v) : fmt(v)) : v })),
          h('td', { class: 'error', text: err || '' }));
      }))));
  }

  // ---- Following the server --------------------------------------------------------------------

  async function poll() {
    const lost = state.lost;
    state.lost = false;
    const r = await call('ready');
    // Back in contact: the answer on screen may be for older inputs, so ask again.
    if (r && lost && state.schema) predictSoon(0);
    if (r && r.data && state.schema && (r.data.model !== state.schema.name || r.data.version !== state.schema.version)) {
      await loadModel(true);
    } else if (r && r.status === 503) {
      state.lost = true;
      banner('The server is stopping; it answers requests in flight and takes no new ones.');
    } else if (r && !state.schema) {
      await loadModel(false);
    }
    setTimeout(poll, document.hidden ? 10000 : 2000);
  }

  // ---- Wiring ----------------------------------------------------------------------------------------

  let resizeTimer = 0;
  addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.sweep && $('chart').querySelector('svg') && (state.sweep.fy ? drawHeatmap() : drawCurve()), 150);
  });
  $('reset').addEventListener('click', () => {
    for (const f of state.features) {
      const c = state.controls.get(f.name);
      if (c.type === 'checkbox') c.checked = f.default === true;
      else c.value = f.default === undefined ? '' : String(f.default);
      if (c.slider) c.slider.value = String(f.default ?? f.minimum);
    }
    predictSoon(0);
  });
  $('sweep-x').addEventListener('change', () => { fillY(); sweepBounds(); syncURL(); sweepSoon(0); });
  $('sweep-y').addEventListener('change', () => { syncURL(); sweepSoon(0); });
  for (const id of ['sweep-from', 'sweep-to']) $(id).addEventListener('input', () => sweepSoon(400));
  $('csv').addEventListener('change', (e) => { const f = e.target.files && e.target.files[0]; if (f) runBatch(f); e.target.value = ''; });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) runBatch(f);
  });

  loadModel(false, inlineModel()).then(() => setTimeout(poll, 2000));
})();
