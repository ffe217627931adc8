// The LungFL coordinator dashboard. Plain JavaScript, no build step; uPlot draws the chart.
// Reads the documented JSON API (/status, /api/v1/history, /api/v1/clients, /api/v1/events,
// /api/v1/server) every 2 s with the token as a bearer header. Everything from the server is put
// on the page as text (textContent), never as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'lungfl.token';
  const POLL_MS = 2000;          // while the tab is visible
  const HIDDEN_POLL_MS = 15000;  // while it is in the background
  const SLOW_MS = 15000;         // clients and history at least this often, at once when an event says they changed
  const ACTIVE_MS = 10 * 60 * 1000;
  const MAX_EVENTS = 300;

  const $ = (id) => document.getElementById(id);
  const openServer = document.querySelector('meta[name="lungfl-auth"]').content === 'open';

  let token = null; // in sessionStorage and in memory; never in a URL, a cookie or a log
  let running = false;
  let timer = null;
  let polling = false;
  let s = fresh();

  function fresh() {
    return { server: null, serverAt: 0, status: null, clients: null, history: null, events: [], lastEventId: -1, slowAt: 0,
      version: null };
  }

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.detail) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, method) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch(path, { method: method || 'GET', headers, cache: 'no-store', credentials: 'omit', redirect: 'error' });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    if (!r.ok) throw new HttpError(r.status, body);
    return body;
  }

  // ---------- signing in and out ----------

  function boot() {
    $('login-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const t = $('token').value.trim();
      $('token').value = '';
      if (t) signIn(t);
    });
    $('sign-out').addEventListener('click', () => signOut(''));
    $('confirm-cancel').addEventListener('click', () => $('confirm').close('cancel'));
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && running) poll();
    });
    token = sessionStorage.getItem(TOKEN_KEY);
    if (openServer || token) connect(false);
    else showLogin('');
  }

  async function signIn(t) {
    token = t;
    $('sign-in').disabled = true;
    await connect(true);
    $('sign-in').disabled = false;
  }

  async function connect(typed) {
    try {
      s.server = await api('/api/v1/server');
      s.serverAt = Date.now();
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) {
        signOut(typed ? 'The server did not accept this token.' : 'The server no longer accepts your token; sign in again.');
      } else if (typed) {
        token = null;
        showLogin('Cannot reach the server: ' + e.message);
      } else {
        connProblem(e);
        setTimeout(() => connect(false), 3000);
      }
      return;
    }
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    showDashboard();
  }

  function signOut(message) {
    running = false;
    clearTimeout(timer);
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    s = fresh();
    clearData();
    document.title = 'LungFL coordinator';
    showLogin(message);
  }

  function showLogin(message) {
    $('dash').hidden = true;
    $('facts').hidden = true;
    $('who').hidden = true;
    $('open-banner').hidden = true;
    $('role-banner').hidden = true;
    $('conn-banner').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message;
    $('login-error').hidden = !message;
    $('token').focus();
  }

  function showDashboard() {
    $('login').hidden = true;
    $('dash').hidden = false;
    $('facts').hidden = false;
    $('who').hidden = false;
    $('sign-out').hidden = !token;
    renderServer();
    renderActions();
    running = true;
    poll();
  }

  // ---------- polling ----------

  async function poll() {
    if (polling) return;
    polling = true;
    clearTimeout(timer);
    try {
      const [status, events] = await Promise.all([api('/status'), api('/api/v1/events?after=' + s.lastEventId + '&limit=200')]);
      if (!running) return;
      const changed = events.events.length > 0 || status.global_version !== s.version;
      s.status = status;
      s.version = status.global_version;
      addEvents(events);
      if (changed || Date.now() - s.slowAt > SLOW_MS) await slow();
      if (Date.now() - s.serverAt > 60000) {
        s.server = await api('/api/v1/server');
        s.serverAt = Date.now();
      }
      connOk();
      render();
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) {
        polling = false;
        signOut('The server no longer accepts your token; sign in again.');
        return;
      }
      connProblem(e);
    } finally {
      polling = false;
    }
    if (running) timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  /**
   * Clients and history: bigger answers, read when something changed. The history is the coordinator's
   * (a hospital's token gets 403, docs/security.md), so it is not even asked for with one.
   */
  async function slow() {
    const coordinator = !s.server || s.server.viewer.admin;
    const [clients, history] = await Promise.allSettled([api('/api/v1/clients'),
      coordinator ? api('/api/v1/history') : Promise.reject(new HttpError(403, null))]);
    for (const r of [clients, history]) {
      if (r.status === 'rejected' && !(r.reason instanceof HttpError && r.reason.status === 403)) throw r.reason;
    }
    s.clients = clients.status === 'fulfilled' ? clients.value : { forbidden: true };
    s.history = history.status === 'fulfilled' ? history.value : { forbidden: true };
    s.slowAt = Date.now();
  }

  function addEvents(page) {
    s.lastEventId = page.last_id;
    for (const e of page.events) s.events.push(e);
    if (s.events.length > MAX_EVENTS) s.events.splice(0, s.events.length - MAX_EVENTS);
  }

  let downSince = null;
  function connProblem(e) {
    if (!downSince) downSince = new Date();
    const b = $('conn-banner');
    b.textContent = 'Cannot reach the server since ' + clock(downSince) + ' (' + e.message + '). Retrying; the figures below may be out of date.';
    b.hidden = false;
    document.body.classList.add('stale');
  }

  function connOk() {
    downSince = null;
    $('conn-banner').hidden = true;
    document.body.classList.remove('stale');
  }

  // ---------- admin actions ----------

  function renderActions() {
    const box = $('admin-actions');
    box.replaceChildren();
    if (!s.server || !s.server.viewer.admin) return; // a client token gets no buttons (and the API refuses it: 403)
    const exec = button('Execute now', 'primary', 'execute-now');
    exec.addEventListener('click', () => {
      const n = s.status ? s.status.queue_size : 0;
      confirmThen('Aggregate now?', 'The ' + plural(n, 'queued update') + ' become global version ' + (s.version + 1)
        + ' now, without waiting for K = ' + (s.status ? s.status.capacity : '?') + '.', 'Execute now', false, async () => {
        const r = await api('/api/v1/admin/execute', 'POST');
        toast(r.aggregated ? 'Aggregated ' + plural(r.contributors, 'update') + ' into global version ' + r.global_version + '.'
          : 'Nothing was queued; the global version stays ' + r.global_version + '.');
      });
    });
    const clear = button('Clear queue', 'danger', 'clear-queue');
    clear.addEventListener('click', () => {
      const n = s.status ? s.status.queue_size : 0;
      confirmThen('Discard the queue?', 'The ' + plural(n, 'queued update') + ' will be deleted and never aggregated. '
        + 'The clients are not told; their next uploads queue again. This is audited and cannot be undone.', 'Discard '
        + plural(n, 'update'), true, async () => {
        const r = await api('/api/v1/admin/clear', 'POST');
        toast('Cleared ' + plural(r.cleared, 'queued update') + '.');
      });
    });
    box.append(exec, clear);
  }

  function confirmThen(title, text, okLabel, dangerous, action) {
    const d = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    const old = $('confirm-ok');
    const ok = old.cloneNode(false); // drops the previous click handler
    ok.textContent = okLabel;
    ok.className = dangerous ? 'danger primary' : 'primary';
    old.replaceWith(ok);
    ok.addEventListener('click', async () => {
      d.close('ok');
      try {
        await action();
      } catch (e) {
        if (e instanceof HttpError && e.status === 401) return signOut('The server no longer accepts your token; sign in again.');
        toast('Refused: ' + e.message, true);
      }
      poll();
    });
    d.showModal();
  }

  let toastTimer = null;
  function toast(text, bad) {
    const t = $('toast');
    t.textContent = text;
    t.classList.toggle('bad', !!bad);
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 6000);
  }

  // ---------- rendering ----------

  function render() {
    // A tab left open says the essentials in its title.
    if (s.status) document.title = s.status.queue_size + '/' + s.status.capacity + ' · v' + s.status.global_version + ' · LungFL';
    renderServer();
    renderTiles();
    renderQueue();
    renderClients();
    renderVersions();
    renderChart();
    renderEvents();
  }

  function renderServer() {
    const sv = s.server;
    if (!sv) return;
    $('plan-name').textContent = sv.plan.name;
    $('plan-fp').textContent = sv.plan.fingerprint.slice(0, 12);
    $('plan-fp').title = 'plan fingerprint ' + sv.plan.fingerprint;
    const auth = $('auth-pill');
    if (sv.auth === 'open') {
      auth.textContent = 'OPEN · no tokens';
      auth.className = 'pill danger';
    } else {
      auth.textContent = 'tokens · ' + (sv.tls ? 'TLS' : 'plain HTTP');
      auth.className = 'pill ' + (sv.tls ? 'ok' : 'warn');
      auth.title = sv.tls ? '' : 'Tokens travel unencrypted: serve with --tls-cert and --tls-key outside a trusted network.';
    }
    $('open-banner').hidden = sv.auth !== 'open';
    const up = sv.uptime_seconds + Math.floor((Date.now() - s.serverAt) / 1000);
    $('uptime').textContent = duration(up);
    $('uptime').title = 'started ' + new Date(sv.started_at).toLocaleString();
    const v = sv.viewer;
    const who = $('viewer');
    who.replaceChildren();
    if (sv.auth === 'open') who.append('open mode: everyone is admin');
    else who.append(strong(v.name), v.admin ? ' · admin' : ' · client token (own rows only)');
  }

  function renderTiles() {
    const st = s.status;
    if (!st) return;
    // Queue gauge: "7 / 10"
    $('queue-text').textContent = st.queue_size + ' / ' + st.capacity;
    const pct = st.capacity > 0 ? Math.min(100, (100 * st.queue_size) / st.capacity) : 0;
    const fill = $('gauge-fill');
    fill.setAttribute('stroke-dasharray', pct.toFixed(1) + ' 100');
    fill.classList.toggle('paused', !st.accepting_uploads);
    fill.classList.toggle('none', st.queue_size === 0); // a zero-length arc would still draw its round cap
    $('queue-caption').textContent = st.accepting_uploads
      ? 'updates waiting · aggregates at K = ' + st.capacity
      : 'not taking uploads (' + st.state.replace('_', ' ') + ')';
    for (const id of ['execute-now', 'clear-queue']) {
      const b = $(id);
      if (b) b.disabled = st.queue_size === 0;
    }

    $('global-version').textContent = 'v' + st.global_version;
    $('global-caption').replaceChildren(st.last_aggregation_at
      ? ago(st.last_aggregation_at, 'last aggregation ') : 'plan initialisation, no aggregation yet',
    ' · ' + plural(st.rounds_completed, 'round'));

    const rows = s.clients && s.clients.clients;
    $('client-count').textContent = rows ? String(rows.length) : '–';
    $('client-caption').textContent = (rows ? (s.clients.scope === 'own' ? 'your site · ' : 'seen · ') : '')
      + st.connected_clients + ' connected in the last 10 min';

    const val = st.validation;
    const auc = val && val.metrics && Number.isFinite(val.metrics.val_auc) ? val.metrics.val_auc : null;
    $('auc').textContent = auc === null ? '–' : auc.toFixed(3);
    $('auc-caption').textContent = val
      ? 'version ' + val.version + ' · ' + plural(val.reporting, 'site') + ' reporting, ' + plural(val.samples, 'sample')
      : 'not reported yet';

    const pill = $('role-pill');
    const state = st.state || 'active';
    pill.textContent = (st.role || 'primary') + ' · ' + state.replace('_', ' ');
    pill.className = 'pill ' + ({ active: 'ok', standby: 'info', catching_up: 'warn', split_brain: 'danger' }[state] || 'info');
    const rb = $('role-banner');
    const peer = st.peer && st.peer.url;
    let text = '';
    if (state === 'split_brain') {
      text = 'Split brain with ' + peer + ': ' + (st.peer.split_brain || '') + '. Nothing is merged; see docs/backup.md.';
    } else if (state === 'standby') {
      text = 'This is the backup of ' + peer + ': it mirrors the primary and takes uploads only while the primary is down.';
    } else if (state === 'catching_up') {
      text = 'Catching up from the backup ' + peer + ' before taking uploads.';
    } else if (st.peer && st.peer.problem) {
      text = 'Peer ' + peer + ': ' + st.peer.problem;
    }
    rb.textContent = text;
    rb.hidden = !text;
  }

  function renderQueue() {
    const st = s.status;
    if (!st) return;
    const body = $('queue-table').tBodies[0];
    body.replaceChildren(...st.queued_clients.map((q) => row({ 'data-client': q.client_id }, [
      cell(q.client_id, 'id'),
      cell(ago(q.received_at)),
      cell(num(q.num_samples), 'num'),
      cell('v' + q.base_version, 'num'),
      cell(String(st.global_version - q.base_version), 'num' + (st.global_version - q.base_version > 0 ? '' : ' zero')),
      cell(q.address || '', 'addr'),
    ])));
    // A client token may see only its own entry: say how many others wait without naming them.
    const others = st.queue_size - st.queued_clients.length;
    $('queue-table').hidden = st.queued_clients.length === 0;
    const note = $('queue-empty');
    if (st.queue_size === 0) note.textContent = 'Nothing queued.';
    else if (others > 0) note.textContent = (st.queued_clients.length ? 'and ' : '') + plural(others, 'update')
      + ' from other sites (not shown to this token)';
    note.hidden = st.queue_size > 0 && others <= 0;
  }

  function renderClients() {
    const c = s.clients;
    const table = $('clients-table');
    const empty = $('clients-empty');
    if (!c) return;
    if (c.forbidden) {
      table.hidden = true;
      empty.textContent = 'This token may not see the client list.';
      empty.hidden = false;
      return;
    }
    $('clients-scope').textContent = c.scope === 'own' ? 'your site only' : 'every client that has sent an update';
    const now = Date.now();
    table.tBodies[0].replaceChildren(...c.clients.map((x) => {
      const active = x.last_seen && now - Date.parse(x.last_seen) < ACTIVE_MS;
      const id = cell('', 'id');
      id.append(dot(x.queued ? 'queued' : active ? 'active' : ''), x.client_id);
      id.title = x.queued ? 'has an update in the queue' : active ? 'seen in the last 10 minutes' : 'not seen in the last 10 minutes';
      const refusal = x.last_rejection;
      const note = cell('', 'note');
      if (refusal) note.append(refusal.status + ' ' + refusal.error + ' · ', ago(refusal.at));
      return row({ 'data-client': x.client_id }, [
        id,
        cell(x.last_seen ? ago(x.last_seen) : '–'),
        cell(x.address || '', 'addr'),
        cell(num(x.accepted), 'num' + (x.accepted ? '' : ' zero'), 'accepted'),
        cell(num(x.rejected), 'num' + (x.rejected ? ' bad' : ' zero'), 'rejected'),
        cell(num(x.duplicate), 'num' + (x.duplicate ? '' : ' zero'), 'duplicate'),
        metricsCell(x.last_metrics),
        note,
      ]);
    }));
    table.hidden = c.clients.length === 0;
    empty.textContent = 'No client has sent an update yet.';
    empty.hidden = c.clients.length > 0;
  }

  const METRIC_ORDER = ['val_auc', 'val_log_loss', 'val_accuracy', 'train_loss', 'val_samples', 'train_samples'];
  const METRIC_LABEL = { val_auc: 'AUC', val_log_loss: 'log loss', val_accuracy: 'accuracy', train_loss: 'train loss',
    val_samples: 'val n', train_samples: 'train n' };

  function metricsCell(m) {
    const td = cell('');
    if (!m) {
      td.textContent = '–';
      td.className = 'zero';
      return td;
    }
    const keys = Object.keys(m).filter((k) => typeof m[k] === 'number');
    keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const k of keys.slice(0, 4)) {
      const span = document.createElement('span');
      span.className = 'metric';
      span.append((METRIC_LABEL[k] || k) + ' ', strong(fmt(m[k])));
      td.append(span);
    }
    td.title = JSON.stringify(m);
    return td;
  }

  function rank(k) {
    const i = METRIC_ORDER.indexOf(k);
    return i < 0 ? 99 : i;
  }

  function renderVersions() {
    const h = s.history;
    const list = $('versions');
    const empty = $('versions-empty');
    if (!h) return;
    if (h.forbidden) {
      list.replaceChildren();
      empty.textContent = 'This token may not see the version history.';
      empty.hidden = false;
      return;
    }
    const rounds = h.rounds.slice().reverse();
    const items = rounds.map((r, i) => {
      const li = document.createElement('li');
      li.dataset.version = r.version;
      if (i === 0) li.className = 'newest';
      const head = div('head', [span('v', 'v' + r.version), span('when', '')]);
      head.lastChild.append(ago(r.at));
      const auc = r.validation && r.validation.metrics && Number.isFinite(r.validation.metrics.val_auc) ? r.validation.metrics.val_auc : null;
      if (auc !== null) head.append(span('auc', 'AUC ' + auc.toFixed(3)));
      li.append(head, div('detail', [plural(r.contributors, 'contributor') + ' · ' + plural(r.samples, 'sample')
        + ' · staleness ' + r.mean_staleness.toFixed(2) + (r.max_staleness > 0 ? ' (max ' + r.max_staleness + ')' : '')]));
      return li;
    });
    if (!h.rounds.length || h.rounds[0].version === 1) {
      const li = document.createElement('li');
      li.dataset.version = 0;
      if (!h.rounds.length) li.className = 'newest';
      li.append(div('head', [span('v', 'v0')]), div('detail', ["the plan's initialisation, the same on every server"]));
      items.push(li);
    }
    list.replaceChildren(...items);
    empty.hidden = true;
  }

  let chart = null;
  let chartKey = '';
  const PALETTE = ['#60a5fa', '#f472b6', '#fbbf24', '#a78bfa', '#fb923c', '#34d399', '#f87171', '#22d3ee', '#c084fc', '#facc15'];

  function renderChart() {
    const h = s.history;
    const box = $('chart');
    if (!h || h.forbidden || typeof uPlot === 'undefined') {
      $('chart-empty').hidden = !(h && h.forbidden);
      $('chart-empty').textContent = 'This token may not see the version history.';
      return;
    }
    const pts = h.rounds.filter((r) => r.validation && r.validation.metrics && Number.isFinite(r.validation.metrics.val_auc));
    $('chart-empty').textContent = 'No validation AUC reported yet: clients send it when they keep a validation split.';
    $('chart-empty').hidden = pts.length > 0;
    box.hidden = pts.length === 0;
    if (!pts.length) return;
    // A hospital compares its own line with the mean; the coordinator sees every site's.
    const viewer = s.server && s.server.viewer;
    const mine = (id) => !viewer || viewer.admin || id === viewer.name;
    const clients = [...new Set(pts.flatMap((r) => (r.validation.clients || [])
      .filter((c) => c.metrics && Number.isFinite(c.metrics.val_auc) && mine(c.client_id)).map((c) => c.client_id)))].sort();
    const xs = pts.map((r) => r.version);
    const per = clients.map((id) => pts.map((r) => {
      const c = (r.validation.clients || []).find((x) => x.client_id === id);
      return c && c.metrics && Number.isFinite(c.metrics.val_auc) ? c.metrics.val_auc : null;
    }));
    const data = [xs, pts.map((r) => r.validation.metrics.val_auc), ...per, xs.map(() => 0.5)];
    const key = clients.join(',');
    const width = Math.max(300, box.clientWidth);
    if (!chart || key !== chartKey) {
      if (chart) chart.destroy();
      chart = new uPlot(chartOptions(clients, width), data, box);
      chartKey = key;
    } else {
      chart.setData(data);
    }
  }

  function chartOptions(clients, width) {
    const axis = { stroke: '#8d9abb', grid: { stroke: '#1e2a44', width: 1 }, ticks: { stroke: '#23304b', width: 1 } };
    return {
      width,
      height: 250,
      // Zoomed to the data, but always showing chance (0.5) for scale.
      scales: { x: { time: false }, y: { range: (u, min, max) => [Math.max(0, Math.floor((min - 0.05) * 10) / 10),
        Math.min(1, Math.ceil((max + 0.05) * 10) / 10)] } },
      axes: [
        { ...axis, label: 'global version', labelSize: 22, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
          values: (u, vals) => vals.map((v) => 'v' + v) },
        { ...axis, values: (u, vals) => vals.map((v) => v.toFixed(2)), size: 44 },
      ],
      series: [
        { label: 'version', value: (u, v) => (v == null ? '–' : 'v' + v) },
        { label: 'mean (sample-weighted)', stroke: '#2dd4bf', width: 2.5, points: { size: 7, fill: '#2dd4bf' },
          value: (u, v) => (v == null ? '–' : v.toFixed(3)) },
        ...clients.map((id, i) => ({ label: id, stroke: PALETTE[i % PALETTE.length], width: 1.25, spanGaps: true,
          points: { size: 4 }, value: (u, v) => (v == null ? '–' : v.toFixed(3)) })),
        { label: 'chance', stroke: '#5d6a89', width: 1, dash: [4, 4], points: { show: false }, value: () => '0.5' },
      ],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    };
  }

  const resize = new ResizeObserver(() => {
    if (chart) chart.setSize({ width: Math.max(300, $('chart').clientWidth), height: 250 });
  });

  function renderEvents() {
    const list = $('events');
    const shown = s.events.slice().reverse();
    list.replaceChildren(...shown.map((e) => {
      const li = document.createElement('li');
      li.dataset.id = e.id;
      const t = span('time', stamp(new Date(e.time)));
      t.title = new Date(e.time).toLocaleString();
      li.append(t, span('tag ' + e.event, e.event.replace('_', ' ')), describe(e));
      return li;
    }));
    $('events-empty').hidden = shown.length > 0;
  }

  /** One audit event in words. Only fields the server sent for this token are shown. */
  function describe(e) {
    const d = span('text', '');
    const muted = (text) => span('muted', text);
    const count = (list, n) => (Number.isFinite(n) ? n : (list || []).length);
    switch (e.event) {
      case 'received':
        d.append(strong(e.client_id), ' sent ' + plural(e.num_samples, 'sample') + ' from base v' + e.base_version,
          muted(' · ' + (e.address === 'peer' ? 'mirrored from the peer' : e.address)));
        d.title = 'update ' + e.update_id;
        break;
      case 'duplicate':
        d.append(strong(e.client_id), ' re-sent update ' + e.update_id + ', already accepted');
        break;
      case 'replaced':
        d.append(strong(e.client_id), "'s queued update " + e.update_id + ' was replaced by its newer ' + (e.by_update_id || 'one'));
        break;
      case 'rejected':
        d.append(e.client ? strong(e.client) : 'an unidentified client', ': upload refused, ' + e.status + ' ' + e.error,
          muted(' · ' + (e.address || '')));
        break;
      case 'aggregated':
      case 'synced': {
        const samples = (e.contributors || []).reduce((a, c) => a + (c.num_samples || 0), 0);
        const n = count(e.contributors, e.contributor_count);
        d.append(strong('version ' + e.version), (e.event === 'synced' ? ' copied from ' + e.from + ', ' : ' from ')
          + plural(n, 'update') + (samples && (e.contributors || []).length === n ? ' (' + plural(samples, 'sample') + ')' : ''));
        if (e.recovered) d.append(muted(' · recorded at restart'));
        break;
      }
      case 'cleared':
        d.append('queue cleared: ' + plural(count(e.updates, e.update_count), 'update') + ' discarded');
        break;
      case 'started':
        d.append('server started at global version ' + e.global_version + ', ' + e.queue_size + ' of ' + e.capacity + ' queued',
          muted(' · plan ' + e.plan));
        break;
      case 'stopped':
        d.append('server stopped at global version ' + e.global_version + ', ' + e.queue_size + ' queued');
        break;
      case 'takeover':
        d.append('took over from the unreachable primary ' + e.peer + ' at global version ' + e.global_version);
        break;
      case 'started_alone':
        d.append('serving without the unreachable backup ' + e.peer);
        break;
      case 'handover':
        d.append('caught up from ' + e.from + ': ' + plural(e.versions, 'version') + ', ' + plural(e.updates, 'queued update'));
        break;
      case 'handed_over':
        d.append('handed over to the primary ' + e.to + ' at global version ' + e.global_version);
        break;
      case 'split_brain':
        d.append(strong('split brain'), ' with ' + e.peer + ': ' + e.detail);
        break;
      case 'unmirrored':
        d.append(strong(e.client_id), "'s mirrored update " + e.update_id + ' left the queue on the primary');
        break;
      default: {
        const rest = Object.assign({}, e);
        for (const k of ['id', 'time', 'event']) delete rest[k];
        d.append(JSON.stringify(rest));
      }
    }
    return d;
  }

  function clearData() {
    for (const id of ['queue-table', 'clients-table']) $(id).tBodies[0].replaceChildren();
    for (const id of ['versions', 'events', 'admin-actions', 'viewer']) $(id).replaceChildren();
    for (const id of ['queue-text', 'global-version', 'client-count', 'auc']) $(id).textContent = '–';
    for (const id of ['queue-caption', 'global-caption', 'client-caption', 'auc-caption', 'plan-name', 'plan-fp', 'uptime']) {
      $(id).textContent = '';
    }
    if (chart) chart.destroy();
    chart = null;
    chartKey = '';
  }

  // ---------- small helpers ----------

  function button(text, cls, id) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.id = id;
    b.textContent = text;
    return b;
  }

  function row(attrs, cells) {
    const tr = document.createElement('tr');
    for (const [k, v] of Object.entries(attrs)) tr.setAttribute(k, v);
    tr.append(...cells);
    return tr;
  }

  function cell(content, cls, col) {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    if (col) td.dataset.col = col;
    td.append(content);
    return td;
  }

  function span(cls, text) {
    const e = document.createElement('span');
    e.className = cls;
    e.textContent = text;
    return e;
  }

  function div(cls, children) {
    const e = document.createElement('div');
    e.className = cls;
    e.append(...children);
    return e;
  }

  function strong(text) {
    const b = document.createElement('b');
    b.textContent = text;
    return b;
  }

  function dot(cls) {
    return span('dot ' + cls, '');
  }

  /** "3 min ago", with the exact local time on hover. */
  function ago(iso, prefix) {
    const t = Date.parse(iso);
    const e = span('ago', (prefix || '') + relative(Date.now() - t));
    e.title = new Date(t).toLocaleString();
    return e;
  }

  function relative(ms) {
    const sec = Math.max(0, Math.round(ms / 1000));
    if (sec < 5) return 'just now';
    if (sec < 60) return sec + ' s ago';
    if (sec < 3600) return Math.floor(sec / 60) + ' min ago';
    if (sec < 86400) return Math.floor(sec / 3600) + ' h ago';
    return Math.floor(sec / 86400) + ' d ago';
  }

  function duration(sec) {
    const d = Math.floor(sec / 86400);
    const h = Math.floor((sec % 86400) / 3600);
    const m = Math.floor((sec % 3600) / 60);
    if (d) return d + ' d ' + h + ' h';
    if (h) return h + ' h ' + m + ' min';
    if (m) return m + ' min ' + (sec % 60) + ' s';
    return sec + ' s';
  }

  function clock(d) {
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }

  /** The clock time for today's events, the date too for older ones. */
  function stamp(d) {
    if (d.toDateString() === new Date().toDateString()) return clock(d);
    return d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  }

  function num(n) {
    return Number(n).toLocaleString('en-US');
  }

  function fmt(x) {
    return Number.isInteger(x) ? num(x) : x.toFixed(3);
  }

  function plural(n, word) {
    return num(n) + ' ' + word + (n === 1 ? '' : 's');
  }

  resize.observe($('chart'));
  boot();
})();
