// SPDX-License-Identifier: AGPL-3.0-or-later
// The Plinth console: one ES module, no framework, no build step (docs/decisions.md, "The web
// console"). It speaks API v1 and /v2 with the token the operator signs in with. The token lives
// in this module's memory only: never in the URL, never in storage, gone with the tab. DOM is
// built with textContent only, so nothing the server returns is ever parsed as HTML.

const ROLES = ['viewer', 'operator', 'admin'];
const TERMINAL = new Set(['Succeeded', 'Failed', 'Canceled', 'TimedOut']);
const PAGE = 100;

let token = null;
let me = null; // {name, role}
let leaving = null; // AbortController of the current view's streams

// ---------------------------------------------------------------------------------------------
// DOM helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const main = () => document.getElementById('main');

function show(...children) {
  const m = main();
  m.replaceChildren(...children);
  const h1 = m.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus();
    document.title = h1.textContent + ' · Plinth';
  }
}

function status(text, isError) {
  const s = document.getElementById('status');
  s.textContent = text || '';
  s.className = isError ? 'status error' : 'status';
}

function stateBadge(state) {
  const cls =
    state === 'Succeeded' || state === 'provisioned' || state === 'available'
      ? 'ok'
      : state === 'Failed' || state === 'TimedOut' || state === 'failed'
        ? 'bad'
        : state === 'Canceled' || state === 'maintenance' || state === 'decommissioning'
          ? 'warn'
          : 'run';
  return h('span', { class: 'state ' + cls, 'data-state': state }, state || '-');
}

function when(ts) {
  return ts ? new Date(ts).toLocaleString() : '-';
}

function seconds(ms) {
  if (ms == null || Number.isNaN(ms)) return '-';
  return ms < 60000 ? (ms / 1000).toFixed(1) + ' s' : Math.round(ms / 60000) + ' min';
}

const can = (role) => me && ROLES.indexOf(me.role) >= ROLES.indexOf(role);
const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body, opts) {
  const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
  let payload;
  if (typeof body === 'string') {
    headers['Content-Type'] = (opts && opts.type) || 'application/yaml';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, signal: opts && opts.signal });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/v1/whoami') signOut('Your token was refused; sign in again.');
    throw new ApiError(res.status, json || { detail: text || res.statusText });
  }
  return json === null && opts && opts.raw ? text : json;
}

// /v2 takes an API token as the Basic password (docs/registry.md).
async function registry(method, path) {
  const res = await fetch(path, {
    method,
    headers: {
      Authorization: 'Basic ' + btoa('console:' + token),
      Accept:
        'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json,' +
        ' application/vnd.docker.distribution.manifest.v2+json, application/json',
    },
  });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const e = await res.json();
      detail = (e.errors && e.errors[0] && e.errors[0].message) || detail;
    } catch (e) {
      /* not JSON */
    }
    throw new ApiError(res.status, { detail });
  }
  return res;
}

// Server-sent events over fetch: EventSource cannot send an Authorization header, and the token
// must not go into the URL.
async function streamEvents(jobId, after, onEvent, signal) {
  const res = await fetch(`/api/v1/jobs/${enc(jobId)}/events/stream?after=${after}`, {
    headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
    signal,
  });
  if (!res.ok) throw new ApiError(res.status, { detail: 'event stream: HTTP ' + res.status });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value.replace(/\r\n/g, '\n');
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) onEvent(JSON.parse(data));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sign in

function signInView(message) {
  const input = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const err = h('p', { id: 'signin-error', class: 'error', role: 'alert' }, message || '');
  const form = h(
    'form',
    {
      class: 'signin',
      onsubmit: async (ev) => {
        ev.preventDefault();
        err.textContent = '';
        token = input.value.trim();
        try {
          me = await api('GET', '/api/v1/whoami');
          input.value = '';
          signedIn();
        } catch (e) {
          token = null;
          me = null;
          err.textContent =
            e.status === 401 ? 'That token was not accepted.' : 'Sign-in failed: ' + e.message;
          input.focus();
          input.select();
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h(
      'p',
      { id: 'token-help', class: 'muted' },
      'An admin, operator or viewer token (plinth tokens create, or admin.token in the ' +
        "controller's state directory). It is kept in this tab's memory only.",
    ),
    h('button', { type: 'submit', id: 'signin' }, 'Sign in'),
    err,
  );
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  document.getElementById('signout').hidden = true;
  show(form);
  input.focus();
}

function signedIn() {
  const who = document.getElementById('who');
  who.textContent = `${me.name} (${me.role})`;
  who.hidden = false;
  document.getElementById('signout').hidden = false;
  const nav = document.getElementById('nav');
  nav.hidden = false;
  for (const a of nav.querySelectorAll('[data-role]')) a.hidden = !can(a.dataset.role);
  if (!location.hash || location.hash === '#/') location.hash = '#/machines';
  else route();
}

function signOut(message) {
  token = null;
  me = null;
  if (leaving) leaving.abort();
  status('');
  signInView(message);
}

// ---------------------------------------------------------------------------------------------
// Fleet

const LIVE_MS = 3000;

async function machinesView(params) {
  const state = params.get('state') || '';
  const search = params.get('q') || '';
  const after = params.get('after') || '';
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (after) query.set('after', after);
  if (state) query.set('state', state);
  if (search) query.set('q', search);
  const signal = leaving.signal;
  const load = () =>
    Promise.all([
      api('GET', '/api/v1/machines?' + query, undefined, { signal }),
      api('GET', '/api/v1/fleet', undefined, { signal }).catch(() => null),
    ]);
  const stateSel = h(
    'select',
    { id: 'f-state' },
    h('option', { value: '' }, 'any'),
    [
      'enrolling',
      'available',
      'provisioning',
      'provisioned',
      'failed',
      'decommissioning',
      'maintenance',
    ].map((s) => h('option', { value: s, selected: s === state }, s)),
  );
  const q = h('input', { id: 'f-q', type: 'search', value: search, placeholder: 'name contains' });
  const apply = (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if (stateSel.value) p.set('state', stateSel.value);
    if (q.value) p.set('q', q.value);
    location.hash = '#/machines' + (p.toString() ? '?' + p : '');
  };
  // What changes while the fleet is provisioned: redrawn in place every few seconds, so the
  // toolbar keeps its focus and what the operator typed.
  const live = h('div', { id: 'fleet-live' });
  const render = ([page, fleet]) => {
    // The server filters and pages: the page holds one page of machines, never the fleet.
    const items = page.items;
    const counts = (title, byState, link) =>
      h(
        'p',
        {},
        title + ': ',
        Object.entries(byState)
          .filter(([, n]) => n > 0)
          .flatMap(([st, n], i) => [
            i ? ' · ' : '',
            link ? h('a', { href: link + enc(st) }, `${n} ${st}`) : `${n} ${st}`,
          ]),
      );
    // A redraw must not take the keyboard user's place: the focused link is focused again after.
    const focused = live.contains(document.activeElement) ? document.activeElement.getAttribute('href') : null;
    live.replaceChildren(
      fleet
        ? h(
            'div',
            { id: 'fleet-counts' },
            counts('Machines', fleet.machines, '#/machines?state='),
            counts('Jobs', fleet.jobs, '#/jobs?state='),
          )
        : '',
      items.length
        ? h(
            'table',
            { id: 'machines' },
            h('caption', { class: 'muted' }, `${items.length} machines on this page, updated live`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Name', 'State', 'BMC', 'Hardware', 'Labels'].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              items.map((m) =>
                h(
                  'tr',
                  { 'data-machine': m.name },
                  h('td', {}, h('a', { href: '#/machines/' + enc(m.name) }, m.name)),
                  h('td', {}, stateBadge(m.state)),
                  h('td', { class: 'mono' }, m.bmc ? m.bmc.url : '-'),
                  h('td', {}, summary(m.inventory)),
                  h(
                    'td',
                    {},
                    Object.entries(m.labels || {})
                      .map(([k, v]) => k + '=' + v)
                      .join(', '),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, 'No machines match.'),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pages of machines' },
        after
          ? h('a', { href: '#/machines?' + new URLSearchParams({ ...(state && { state }), ...(search && { q: search }) }) }, 'First page')
          : '',
        page.next
          ? h(
              'a',
              {
                id: 'next-page',
                href:
                  '#/machines?' +
                  new URLSearchParams({ ...(state && { state }), ...(search && { q: search }), after: page.next }),
              },
              'Next page',
            )
          : '',
      ),
    );
    if (focused) {
      const again = [...live.querySelectorAll('a[href]')].find((a) => a.getAttribute('href') === focused);
      if (again) again.focus();
    }
  };
  render(await load());
  show(
    h('h1', {}, 'Fleet'),
    h(
      'form',
      { class: 'toolbar', onsubmit: apply, role: 'search' },
      h('div', {}, h('label', { for: 'f-state' }, 'State'), stateSel),
      h('div', {}, h('label', { for: 'f-q' }, 'Search'), q),
      h('button', { type: 'submit' }, 'Filter'),
    ),
    live,
  );
  const timer = setInterval(() => {
    if (document.hidden) return;
    load()
      .then(render)
      .catch(() => {
        /* the next tick tries again; leaving the page aborts */
      });
  }, LIVE_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}

function summary(inv) {
  if (!inv || typeof inv !== 'object') return '-';
  const parts = [];
  if (inv.manufacturer || inv.model) parts.push([inv.manufacturer, inv.model].filter(Boolean).join(' '));
  const p = inv.processors;
  if (p && (p.logical || p.count)) parts.push(p.logical ? p.logical + ' CPUs' : p.count + ' sockets');
  if (inv.memoryGiB) parts.push(inv.memoryGiB + ' GiB');
  if (Array.isArray(inv.disks)) parts.push(inv.disks.length + (inv.disks.length === 1 ? ' disk' : ' disks'));
  if (Array.isArray(inv.nics) && inv.nics.length) parts.push(inv.nics.length + ' NICs');
  return parts.join(', ') || '-';
}

function bytes(n) {
  if (n == null) return '-';
  const u = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < u.length - 1) {
    n /= 1000;
    i++;
  }
  return (i ? n.toFixed(n < 10 ? 1 : 0) : n) + ' ' + u[i];
}

/** The inventory as an operator reads it: facts, then disks, NICs and media slots as tables. */
function inventoryView(inv) {
  if (!inv) return [h('p', { class: 'muted' }, 'No inventory read yet.')];
  const p = inv.processors || {};
  const table = (id, cols, rows) =>
    rows && rows.length
      ? h(
          'table',
          { id },
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v) => h('td', {}, v == null ? '-' : String(v)))))),
        )
      : null;
  return [
    h(
      'dl',
      { class: 'facts', id: 'inventory' },
      [
        ['Model', [inv.manufacturer, inv.model].filter(Boolean).join(' ') || '-'],
        ['Serial', inv.serialNumber || '-'],
        ['Power', inv.powerState || '-'],
        ['Processors', [p.count && p.count + ' sockets', p.logical && p.logical + ' threads', p.model].filter(Boolean).join(', ') || '-'],
        ['Memory', inv.memoryGiB ? inv.memoryGiB + ' GiB' : '-'],
        ['Boot', [inv.bootMode, inv.bootTarget && inv.bootTarget + ' (' + (inv.bootEnabled || '-') + ')'].filter(Boolean).join(', ') || '-'],
        ['BMC', inv.identity ? [inv.identity.manufacturer, inv.identity.managerModel, inv.identity.firmwareVersion].filter(Boolean).join(' ') || '-' : '-'],
      ].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h('h3', {}, 'Disks'),
    table(
      'disks',
      ['Name', 'Model', 'Size', 'Media', 'Serial'],
      (inv.disks || []).map((d) => [d.name, d.model, bytes(d.capacityBytes), d.mediaType, d.serialNumber]),
    ) || h('p', { class: 'muted' }, 'None reported.'),
    h('h3', {}, 'Network interfaces'),
    table(
      'nics',
      ['Name', 'MAC', 'Link', 'Speed'],
      (inv.nics || []).map((n) => [n.name, n.mac, n.linkStatus, n.speedMbps ? n.speedMbps + ' Mb/s' : null]),
    ) || h('p', { class: 'muted' }, 'None reported.'),
    h('h3', {}, 'Virtual media'),
    table(
      'media',
      ['Slot', 'Inserted', 'Image'],
      (inv.mediaSlots || []).map((m) => [m.id, m.inserted ? 'yes' : 'no', m.image]),
    ) || h('p', { class: 'muted' }, 'None reported.'),
  ];
}

/** A page of the machine's state transitions (newest first), with a link to older ones. */
function historySection(name, page) {
  return [
    h('h2', {}, 'State history'),
    page.items.length
      ? h(
          'table',
          { id: 'history' },
          h('caption', { class: 'muted' }, 'Newest first'),
          h('thead', {}, h('tr', {}, ['When', 'From', 'To', 'By', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            page.items.map((t) =>
              h('tr', {}, h('td', {}, when(t.at)), h('td', {}, stateBadge(t.from)), h('td', {}, stateBadge(t.to)), h('td', {}, t.by || '-'), h('td', {}, t.reason || '')),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No state changes yet.'),
    page.next ? h('a', { id: 'history-older', href: `#/machines/${enc(name)}?` + new URLSearchParams({ before: page.next }) }, 'Older changes') : '',
  ];
}

async function machineView(name, params) {
  const m = await api('GET', '/api/v1/machines/' + enc(name));
  const before = params.get('before');
  const [jobs, hist] = await Promise.all([
    api('GET', '/api/v1/jobs?' + new URLSearchParams({ machine: name, limit: '20' })),
    api('GET', `/api/v1/machines/${enc(name)}/history?` + new URLSearchParams({ limit: '20', ...(before && { before }) })),
  ]);
  const actions = can('operator')
    ? h(
        'div',
        { class: 'toolbar', id: 'power' },
        ['On', 'GracefulShutdown', 'ForceOff', 'GracefulRestart', 'ForceRestart'].map((a) =>
          h(
            'button',
            {
              type: 'button',
              class: a.startsWith('Force') ? 'danger' : 'secondary',
              onclick: async () => {
                if (a.startsWith('Force') && !confirm(`${a} ${name}?`)) return;
                try {
                  const r = await api('POST', `/api/v1/machines/${enc(name)}/power`, { action: a });
                  status(`${name}: ${a} requested` + (r && r.sent ? ` (sent ${r.sent})` : ''));
                } catch (e) {
                  status(`${name}: ${a} failed: ${e.message}`, true);
                }
              },
            },
            a,
          ),
        ),
      )
    : null;
  const lifecycle = can('operator')
    ? h(
        'div',
        { class: 'toolbar', id: 'lifecycle' },
        m.state === 'maintenance'
          ? h('button', { type: 'button', class: 'secondary', onclick: () => machineAction(name, 'maintenance', { enabled: false }) }, 'End maintenance')
          : h('button', { type: 'button', class: 'secondary', onclick: () => machineAction(name, 'maintenance', { enabled: true }) }, 'Enter maintenance'),
        m.state !== 'decommissioning'
          ? h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () => confirm(`Decommission ${name}? It takes no more provisioning jobs.`) && machineAction(name, 'decommission', {}),
              },
              'Decommission',
            )
          : null,
      )
    : null;
  show(
    h('h1', {}, 'Machine ', m.name),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'State'),
      h('dd', { id: 'machine-state' }, stateBadge(m.state), ' ', m.stateReason || '', m.stateSince ? ' (since ' + when(m.stateSince) + ')' : ''),
      h('dt', {}, 'BMC'),
      h('dd', { class: 'mono' }, m.bmc ? `${m.bmc.url} (user ${m.bmc.username})` : '-'),
      h('dt', {}, 'Hardware'),
      h('dd', {}, summary(m.inventory)),
      h('dt', {}, 'Power'),
      h('dd', {}, (m.inventory && m.inventory.powerState) || '-'),
      h('dt', {}, 'Updated'),
      h('dd', {}, when(m.updatedAt)),
    ),
    lifecycle,
    actions && h('h2', {}, 'Power'),
    actions,
    h('h2', {}, 'Jobs'),
    jobsTable(jobs.items),
    ...historySection(name, hist),
    h('h2', {}, 'Inventory'),
    ...inventoryView(m.inventory),
  );
}

async function machineAction(name, verb, body) {
  try {
    const m = await api('POST', `/api/v1/machines/${enc(name)}/${verb}`, body);
    status(`${name}: now ${m.state}`);
    route();
  } catch (e) {
    status(`${name}: ${verb} failed: ${e.message}`, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Jobs

function jobsTable(items) {
  if (!items.length) return h('p', {}, 'No jobs.');
  return h(
    'table',
    { class: 'jobs' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Job', 'Machine', 'State', 'Last step', 'Submitted', 'Reason'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((j) =>
        h(
          'tr',
          {},
          h('td', { class: 'mono' }, h('a', { href: '#/jobs/' + enc(j.id) }, j.id)),
          h('td', {}, h('a', { href: '#/machines/' + enc(j.machine) }, j.machine)),
          h('td', {}, stateBadge(j.state)),
          h('td', {}, j.lastStep || '-'),
          h('td', {}, when(j.createdAt)),
          h('td', {}, j.reason || ''),
        ),
      ),
    ),
  );
}

async function jobsView(params) {
  const state = params.get('state') || '';
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (state) q.set('state', state);
  if (params.get('after')) q.set('after', params.get('after'));
  const page = await api('GET', '/api/v1/jobs?' + q);
  // Applied by the form's button or Enter, not on change: arrowing through the options (keyboard)
  // must not navigate away at each one (WCAG 3.2.2).
  const sel = h(
    'select',
    { id: 'j-state' },
    h('option', { value: '' }, 'any'),
    ['Pending', 'MediaReady', 'Booting', 'Running', 'Finishing', ...TERMINAL].map((s) =>
      h('option', { value: s, selected: s === state }, s),
    ),
  );
  show(
    h('h1', {}, 'Jobs'),
    h(
      'form',
      {
        class: 'toolbar',
        onsubmit: (ev) => {
          ev.preventDefault();
          location.hash = '#/jobs' + (sel.value ? '?state=' + enc(sel.value) : '');
        },
      },
      h('div', {}, h('label', { for: 'j-state' }, 'State'), sel),
      h('button', { type: 'submit', id: 'j-filter' }, 'Filter'),
    ),
    jobsTable(page.items),
    page.next
      ? h('a', { id: 'jobs-next', href: '#/jobs?' + new URLSearchParams({ ...(state && { state }), after: page.next }) }, 'Next page')
      : null,
  );
}

/** Folds one job event into the step table's model. */
function foldStep(steps, e) {
  if (!e.step || !e.type.startsWith('step.')) return;
  const s = steps.get(e.step) || { name: e.step, state: 'running', started: null, ended: null, attempts: 0 };
  if (e.type === 'step.started') {
    s.state = 'running';
    s.started = s.started || e.at;
    s.attempts++;
  } else if (e.type === 'step.succeeded') {
    s.state = 'succeeded';
    s.ended = e.at;
  } else if (e.type === 'step.failed') {
    s.state = 'failed';
    s.ended = e.at;
    s.error = (e.data && (e.data.message || e.data.error || e.data.reason)) || s.error;
  }
  steps.set(e.step, s);
}

async function jobView(id) {
  const signal = leaving.signal;
  let job = await api('GET', '/api/v1/jobs/' + enc(id));
  const steps = new Map();
  const stateCell = h('dd', { id: 'job-state' }, stateBadge(job.state));
  const reasonCell = h('dd', { id: 'job-reason' }, job.reason || '-');
  const finishedCell = h('dd', {}, when(job.finishedAt));
  const stepBody = h('tbody', {});
  const eventsBody = h('tbody', {});
  const logBox = h('section', { id: 'log', 'aria-live': 'polite' });
  const cancel =
    can('operator') && !TERMINAL.has(job.state)
      ? h(
          'button',
          {
            type: 'button',
            id: 'cancel',
            class: 'danger',
            onclick: async () => {
              if (!confirm(`Cancel job ${id}?`)) return;
              try {
                await api('POST', `/api/v1/jobs/${enc(id)}/cancel`);
                status(`Cancel of ${id} requested.`);
              } catch (e) {
                status(`Cancel failed: ${e.message}`, true);
              }
            },
          },
          'Cancel job',
        )
      : null;

  const renderSteps = () => {
    stepBody.replaceChildren(
      ...[...steps.values()].map((s) =>
        h(
          'tr',
          { 'data-step': s.name },
          h('td', {}, s.name),
          h('td', {}, stateBadge(s.state)),
          h('td', {}, when(s.started)),
          h(
            'td',
            { class: 'num' },
            seconds(s.started ? Date.parse(s.ended || new Date().toISOString()) - Date.parse(s.started) : null),
          ),
          h('td', { class: 'num' }, String(s.attempts)),
          h(
            'td',
            {},
            h('button', { type: 'button', class: 'secondary', onclick: () => showLog(id, s.name, logBox) }, 'Log'),
          ),
        ),
      ),
    );
  };
  const onEvent = (e) => {
    foldStep(steps, e);
    eventsBody.append(
      h(
        'tr',
        {},
        h('td', {}, when(e.at)),
        h('td', { class: 'mono' }, e.type),
        h('td', {}, e.step || ''),
        h('td', { class: 'mono' }, e.data ? JSON.stringify(e.data) : ''),
      ),
    );
    renderSteps();
    if (e.type === 'job.state' || e.type === 'finished') refresh();
  };
  const refresh = async () => {
    try {
      job = await api('GET', '/api/v1/jobs/' + enc(id), undefined, { signal });
      stateCell.replaceChildren(stateBadge(job.state));
      reasonCell.textContent = job.reason || '-';
      finishedCell.textContent = when(job.finishedAt);
      if (cancel && TERMINAL.has(job.state)) cancel.disabled = true;
    } catch (e) {
      /* the stream goes on; the next event refreshes again */
    }
  };

  show(
    h('h1', {}, 'Job ', h('span', { class: 'mono' }, id)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Machine'),
      h('dd', {}, h('a', { href: '#/machines/' + enc(job.machine) }, job.machine)),
      h('dt', {}, 'State'),
      stateCell,
      h('dt', {}, 'Reason'),
      reasonCell,
      h('dt', {}, 'Submitted'),
      h('dd', {}, when(job.createdAt)),
      h('dt', {}, 'Deadline'),
      h('dd', {}, when(job.deadline)),
      h('dt', {}, 'Finished'),
      finishedCell,
    ),
    cancel,
    h('h2', {}, 'Steps'),
    h(
      'table',
      { id: 'steps' },
      h(
        'thead',
        {},
        h('tr', {}, ['Step', 'State', 'Started', 'Duration', 'Attempts', ''].map((c) => h('th', { scope: 'col' }, c))),
      ),
      stepBody,
    ),
    logBox,
    h('h2', {}, 'Plan'),
    await planSection(id, job),
    h('h2', {}, 'Events'),
    h(
      'table',
      { id: 'events' },
      h('thead', {}, h('tr', {}, ['At', 'Type', 'Step', 'Data'].map((c) => h('th', { scope: 'col' }, c)))),
      eventsBody,
    ),
  );

  // Live: the stream replays every stored event, then follows until the job has finished.
  streamEvents(id, 0, onEvent, signal)
    .then(refresh)
    .catch((e) => {
      if (!signal.aborted) status('Live updates stopped: ' + e.message, true);
    });
}

async function planSection(id, job) {
  try {
    const plan = await api('GET', `/api/v1/jobs/${enc(id)}/plan`);
    return h('pre', { class: 'mono', id: 'plan' }, JSON.stringify(plan, null, 2));
  } catch (e) {
    if (job.recipe) return h('pre', { class: 'mono', id: 'plan' }, JSON.stringify(job.recipe, null, 2));
    return h('p', { class: 'muted' }, 'No plan: ' + e.message);
  }
}

async function showLog(id, step, box) {
  box.replaceChildren(h('h2', {}, 'Log of ', step), h('p', { class: 'muted' }, 'Loading…'));
  try {
    // The stored chunks in order, page after page (a step keeps at most 1 MiB).
    const chunks = [];
    let after = '0';
    for (let i = 0; i < 40 && after !== null; i++) {
      const page = await api(
        'GET',
        `/api/v1/jobs/${enc(id)}/logs?` + new URLSearchParams({ step, after, limit: '500' }),
      );
      chunks.push(...page.items);
      after = page.items.length ? page.next : null;
    }
    box.replaceChildren(h('h2', {}, 'Log of ', step), h('pre', { class: 'log', id: 'log-text' }, logText(chunks)));
  } catch (e) {
    box.replaceChildren(h('h2', {}, 'Log of ', step), h('p', { class: 'error' }, e.message));
  }
  box.querySelector('h2').setAttribute('tabindex', '-1');
  box.querySelector('h2').focus();
}

/** The chunks as text, with a line where a new attempt of the step begins. */
function logText(chunks) {
  let attempt = null;
  let out = '';
  for (const c of chunks) {
    if (c.attempt !== attempt) {
      attempt = c.attempt;
      out += `── attempt ${attempt} ──\n`;
    }
    out += c.text.endsWith('\n') ? c.text : c.text + '\n';
  }
  return out || '(no output was stored for this step)';
}

// ---------------------------------------------------------------------------------------------
// Submit

function submitView() {
  if (!can('operator')) {
    show(h('h1', {}, 'Submit'), h('p', {}, 'Your role (' + me.role + ') cannot submit jobs.'));
    return;
  }
  const machine = h('input', { id: 's-machine', required: true, autocomplete: 'off' });
  const text = h('textarea', {
    id: 's-recipe',
    spellcheck: 'false',
    'aria-describedby': 's-errors',
    required: true,
  });
  const errors = h('ul', { id: 's-errors', class: 'errors', 'aria-live': 'polite' });
  const verdict = h('p', { id: 's-verdict', class: 'muted' });
  let timer = null;
  let seq = 0;
  const validate = async () => {
    const mine = ++seq;
    if (!text.value.trim()) {
      errors.replaceChildren();
      verdict.textContent = '';
      return;
    }
    try {
      const r = await api('POST', '/api/v1/recipes/validate', text.value);
      if (mine !== seq) return;
      verdict.textContent = r.valid ? 'The recipe is valid.' : '';
      errors.replaceChildren(
        ...r.errors.map((e) =>
          h('li', { 'data-line': e.line, 'data-column': e.column }, `line ${e.line}, column ${e.column}: ${e.pointer} ${e.detail}`),
        ),
      );
    } catch (e) {
      if (mine === seq) verdict.textContent = 'Could not validate: ' + e.message;
    }
  };
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  });
  const form = h(
    'form',
    {
      id: 'submit-form',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const j = await api('POST', '/api/v1/jobs', { machine: machine.value.trim(), recipeText: text.value });
          location.hash = '#/jobs/' + enc(j.id);
        } catch (e) {
          const list = (e.problem && e.problem.errors) || [];
          errors.replaceChildren(
            ...(list.length
              ? list.map((x) =>
                  h('li', {}, x.line ? `line ${x.line}, column ${x.column}: ${x.pointer} ${x.detail}` : `${x.pointer || ''} ${x.detail || ''}`),
                )
              : [h('li', {}, e.message)]),
          );
        }
      },
    },
    h('label', { for: 's-machine' }, 'Machine'),
    machine,
    h('label', { for: 's-recipe' }, 'Recipe (YAML)'),
    text,
    verdict,
    errors,
    h('button', { type: 'submit' }, 'Submit job'),
  );
  show(h('h1', {}, 'Submit a recipe'), form);
}

// ---------------------------------------------------------------------------------------------
// Registry

async function registryView(params) {
  const last = params.get('last');
  const res = await registry('GET', '/v2/_catalog?n=' + PAGE + (last ? '&last=' + enc(last) : ''));
  const body = await res.json();
  const repos = body.repositories || [];
  const more = repos.length === PAGE ? repos[repos.length - 1] : null;
  show(
    h('h1', {}, 'Registry'),
    repos.length
      ? h(
          'ul',
          { id: 'repositories' },
          repos.map((r) => h('li', {}, h('a', { href: '#/registry/' + r }, r))),
        )
      : h('p', {}, 'The registry is empty.'),
    more ? h('a', { href: '#/registry?last=' + enc(more) }, 'Next page') : null,
  );
}

async function repositoryView(name) {
  const tags = (await (await registry('GET', `/v2/${name}/tags/list`)).json()).tags || [];
  const rows = [];
  for (const t of tags.slice(0, 200)) {
    const res = await registry('HEAD', `/v2/${name}/manifests/${enc(t)}`);
    const digest = res.headers.get('Docker-Content-Digest');
    let referrers = [];
    try {
      const r = await (await registry('GET', `/v2/${name}/referrers/${digest}`)).json();
      referrers = (r.manifests || []).map((m) => m.artifactType || m.mediaType);
    } catch (e) {
      referrers = ['(referrers unavailable: ' + e.message + ')'];
    }
    rows.push(
      h(
        'tr',
        {},
        h('td', {}, t),
        h('td', { class: 'mono' }, digest || '-'),
        h('td', {}, res.headers.get('Content-Type') || '-'),
        h('td', {}, referrers.length ? referrers.join(', ') : 'none'),
      ),
    );
  }
  show(
    h('h1', {}, 'Repository ', h('span', { class: 'mono' }, name)),
    h(
      'table',
      { id: 'tags' },
      h(
        'thead',
        {},
        h('tr', {}, ['Tag', 'Digest', 'Media type', 'Referrers (SBOMs, signatures)'].map((c) => h('th', { scope: 'col' }, c))),
      ),
      h('tbody', {}, rows),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Routing

/**
 * A one-time sign-in link ({@code #/sign-in/CODE}, made by plinth demo or plinth tokens link):
 * the code, in the fragment, never reaches a server log; it is exchanged once for a token, and
 * taken out of the address bar and the history at once.
 */
async function redeem(code) {
  history.replaceState(null, '', location.pathname + '#/machines');
  try {
    const res = await fetch('/api/v1/sign-in', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ code }),
    });
    const body = await res.json();
    if (!res.ok) return signInView(body.detail || 'This sign-in link did not work.');
    token = body.token;
    me = { name: body.name, role: body.role };
    signedIn();
  } catch (e) {
    signInView('This sign-in link did not work: ' + e.message);
  }
}

async function route() {
  const link = /^#\/sign-in\/([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (link) return redeem(link[1]);
  if (!token) return signInView();
  if (leaving) leaving.abort();
  leaving = new AbortController();
  const hash = location.hash.replace(/^#/, '') || '/machines';
  const [path, qs] = hash.split('?');
  const params = new URLSearchParams(qs || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === '#/' + parts[0]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  status('');
  try {
    switch (parts[0]) {
      case 'machines':
        return await (parts[1] ? machineView(parts[1], params) : machinesView(params));
      case 'jobs':
        return await (parts[1] ? jobView(parts[1]) : jobsView(params));
      case 'submit':
        return submitView();
      case 'registry':
        return await (parts.length > 1 ? repositoryView(parts.slice(1).join('/')) : registryView(params));
      default:
        show(h('h1', {}, 'Not found'), h('p', {}, 'Nothing at ' + hash + '.'));
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
    show(h('h1', {}, 'Error'), h('p', { class: 'error', role: 'alert' }, e.message));
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('signout').addEventListener('click', () => signOut('Signed out.'));
  if (location.hash.startsWith('#/sign-in/')) route();
  else signInView();
});
