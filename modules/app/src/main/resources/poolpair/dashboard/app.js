// Poolpair dashboard: loads the run and its topology, follows the event stream (live) or plays it (replay), draws the
// state of state.js once per animation frame, and sends the page's actions to the control plane's POST endpoints.
(function () {
  'use strict';
  var S = window.PoolpairState;
  var HISTORY = 500;         // live: events before the snapshot fetched for the timeline and the list (~170 KB)
  var LIST_CAP = 200;        // events rendered in the list
  var PENDING_CAP = 50000;   // live: events waiting for a frame before the page gives up and reloads the state
  var POLL_MS = 5000;        // live: /api/status refresh (Backup Service lag, load, users without service)
  var SLOW_MS = 250;         // the grid, the charts and the timeline are redrawn at most this often
  var FE = 'front-end';
  var SVGNS = 'http://www.w3.org/2000/svg';

  var app = {
    run: null, topo: null, state: null, mode: null, es: null, pending: [], scheduled: false, snapshotIndex: 0,
    drawn: -1, fastDrawn: -1, slowAt: 0, tick: null, listSeq: 0, clockBase: { ms: 0, at: 0 }, pollTimer: null, token: null, el: {},
    replay: { buffer: [], pos: 0, playhead: 0, playing: false, ended: false, speed: 40, last: 0 }
  };

  function $(id) { return document.getElementById(id); }

  function h(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function getJson(path) {
    return fetch(path, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      return r.json();
    });
  }

  /** Emulated milliseconds as +m:ss.s (minutes go on past 59). */
  function clock(ms) {
    var neg = ms < 0; ms = Math.abs(ms);
    var s = Math.floor(ms / 1000), m = Math.floor(s / 60), tenth = Math.floor((ms % 1000) / 100);
    return (neg ? '-' : '+') + m + ':' + String(s % 60).padStart(2, '0') + '.' + tenth;
  }

  function num(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }

  /** Sets a badge's text and colour (a class named after the value), keeping the classes it was made with. */
  function setBadge(e, value) {
    var text = value === null || value === undefined ? '–' : String(value);
    if (e.textContent !== text) e.textContent = text;
    if (e.baseClass === undefined) e.baseClass = e.className;
    var cls = e.baseClass + ' ' + text.replace(/[^A-Za-z0-9-]/g, '');
    if (e.className !== cls) e.className = cls;
  }

  function setText(e, text) { if (e.textContent !== text) e.textContent = text; }

  function conn(text) { setBadge($('conn'), text); }

  // ---------------------------------------------------------------------------------------------- boot

  function boot() {
    Promise.all([getJson('/api/run'), getJson('/api/topology')]).then(function (r) {
      app.run = r[0];
      app.topo = r[1];
      app.mode = app.run.mode;
      setBadge($('mode'), app.mode);
      var info = [];
      if (app.run.scenario) info.push('scenario ' + app.run.scenario);
      info.push(app.topo.file + ' (SfB ' + app.topo.version + ')');
      if (app.run.clock === 'virtual') info.push('virtual clock');
      else if (app.run.timeScale) info.push('time-scale ' + app.run.timeScale);
      if (app.run.runFolder) info.push(app.run.runFolder);
      if (app.run.node) info.push('cluster node ' + app.run.node + ' (' + app.run.site + ')');
      $('run-info').textContent = info.join(' · ');
      app.state = S.initial(app.topo);
      build();
      if (app.mode === 'replay') startReplay(); else startLive();
    }).catch(function (err) {
      conn('closed');
      $('run-info').textContent = 'cannot load the dashboard: ' + err.message;
    });
  }

  // ---------------------------------------------------------------------------------------------- live

  function startLive() {
    closeStream();
    $('actions').hidden = false;
    conn('connecting');
    var k;
    getJson('/api/run').then(function (run) {
      k = run.events;
      app.clockBase = { ms: run.emulatedMs, at: performance.now() };
      return getJson('/api/status');
    }).then(function (status) {
      app.state = S.initial(app.topo);
      S.applyStatus(app.state, status, true);
      return refreshGroups(true);
    }).then(function () {
      app.snapshotIndex = k;
      resetList();
      openStream(Math.max(0, k - HISTORY));
      if (!app.pollTimer) app.pollTimer = setInterval(poll, POLL_MS);
      if (!app.tick) app.tick = setInterval(schedule, 1000);
      schedule();
    }).catch(function (err) {
      conn('closed');
      showAnswer('error', 'cannot read the deployment: ' + err.message + ' (reload the page to try again)');
    });
  }

  function frontEnds() {
    return app.topo.pools.filter(function (p) { return p.role === FE; }).map(function (p) { return p.name; });
  }

  function refreshGroups(full) {
    return Promise.all(frontEnds().map(function (p) { return getJson('/api/pools/' + encodeURIComponent(p)); }))
      .then(function (answers) { if (full) answers.forEach(function (a) { S.applyPool(app.state, a); }); });
  }

  /** Refreshes what no event carries; takes the whole answer only when no event arrived meanwhile. */
  function poll() {
    if (document.hidden || app.mode !== 'live') return;
    var before = app.state.events, state = app.state;
    Promise.all([getJson('/api/status'), Promise.all(frontEnds().map(function (p) {
      return getJson('/api/pools/' + encodeURIComponent(p));
    }))]).then(function (r) {
      if (state !== app.state) return;
      var quiet = app.state.events === before && app.pending.length === 0;
      S.applyStatus(app.state, r[0], quiet);
      if (quiet) r[1].forEach(function (a) { S.applyPool(app.state, a); });
      app.clockBase = { ms: r[0].emulatedMs, at: performance.now() };
      schedule();
    }).catch(function () { /* the stream's state says whether the run is still there */ });
  }

  function openStream(from) {
    var es = new EventSource('/api/events?from=' + from);
    app.es = es;
    app.run.eventTypes.forEach(function (t) { es.addEventListener(t, onMessage); });
    es.addEventListener('resync', function () {
      $('conn').setAttribute('data-resyncs', String(Number($('conn').getAttribute('data-resyncs') || 0) + 1));
      conn('resyncing');
      startLive();
    });
    es.addEventListener('end', function () {
      es.close();
      app.replay.ended = true;
      conn(app.mode === 'replay' ? 'loaded' : 'ended');
      schedule();
    });
    es.onopen = function () { conn(app.mode === 'replay' ? 'loading' : 'live'); };
    es.onerror = function () { conn(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'); };
  }

  function closeStream() {
    if (app.es) app.es.close();
    app.es = null;
    app.pending = [];
  }

  function onMessage(m) {
    app.pending.push(m);
    if (app.mode === 'live' && app.pending.length > PENDING_CAP) {
      $('conn').setAttribute('data-resyncs', String(Number($('conn').getAttribute('data-resyncs') || 0) + 1));
      conn('resyncing');
      startLive();
      return;
    }
    schedule();
  }

  function schedule() {
    if (app.scheduled) return;
    app.scheduled = true;
    requestAnimationFrame(frame);
  }

  /** One animation frame: every event that arrived since the last one, then one redraw. */
  function frame(now) {
    app.scheduled = false;
    var batch = app.pending;
    app.pending = [];
    if (app.mode === 'live') {
      for (var i = 0; i < batch.length; i++) {
        var e = JSON.parse(batch[i].data);
        e.id = Number(batch[i].lastEventId);
        if (e.id <= app.state.lastId) continue;
        S.apply(app.state, e, e.id < app.snapshotIndex);
      }
    } else {
      for (var j = 0; j < batch.length; j++) {
        var r = JSON.parse(batch[j].data);
        r.id = Number(batch[j].lastEventId);
        app.replay.buffer.push(r);
      }
      play(now);
    }
    render(now);
  }

  // ---------------------------------------------------------------------------------------------- replay

  function startReplay() {
    $('replay-bar').hidden = false;
    var speeds = [1, 10, 40, 100, 400, 1000, 4000];
    var def = app.run.clock !== 'virtual' && app.run.timeScale >= 2 ? app.run.timeScale : 40;
    if (speeds.indexOf(def) < 0) speeds.push(def);
    speeds.sort(function (a, b) { return a - b; }).forEach(function (v) {
      var o = h('option', { value: String(v) }, v + '× (emulated s per s)');
      if (v === def) o.selected = true;
      $('speed').appendChild(o);
    });
    app.replay.speed = def;
    $('speed').addEventListener('change', function () { app.replay.speed = Number($('speed').value); });
    $('play').addEventListener('click', function () {
      app.replay.playing = !app.replay.playing;
      app.replay.last = 0;
      schedule();
    });
    $('step').addEventListener('click', function () {
      app.replay.playing = false;
      stepOne();
      schedule();
    });
    $('rewind').addEventListener('click', function () {
      app.replay.playing = false;
      app.replay.pos = 0;
      app.replay.playhead = 0;
      app.state = S.initial(app.topo);
      resetList();
      schedule();
    });
    openStream(0);
    schedule();
  }

  function stepOne() {
    var r = app.replay;
    if (r.pos >= r.buffer.length) return false;
    var e = r.buffer[r.pos++];
    S.apply(app.state, e, false);
    if (e.emulatedMs > r.playhead) r.playhead = e.emulatedMs;
    return true;
  }

  function play(now) {
    var r = app.replay;
    if (!r.playing) { r.last = 0; return; }
    if (r.last) r.playhead += (now - r.last) * r.speed;
    r.last = now;
    var applied = 0;
    while (r.pos < r.buffer.length && r.buffer[r.pos].emulatedMs <= r.playhead && applied < 5000) {
      stepOne();
      applied++;
    }
    if (r.pos >= r.buffer.length && r.ended) r.playing = false;
    else schedule();
  }

  // ---------------------------------------------------------------------------------------------- the page's parts

  /** Builds the parts that do not change: sites, pools, servers, grids, pairs, charts. Values are set by render(). */
  function build() {
    var sites = $('sites');
    var live = app.mode === 'live';
    app.topo.sites.forEach(function (site) {
      var sec = h('section', { class: 'site', 'data-site': site.name });
      var head = h('div', { class: 'head' });
      head.appendChild(h('h2', null, site.name));
      var siteFaults = live && app.run.siteFaults !== false;   // a cluster node: kill the site's nodes instead
      head.appendChild(siteButton('kill-site', 'Kill site', site.name, siteFaults));
      head.appendChild(siteButton('heal-site', 'Heal site', site.name, siteFaults));
      sec.appendChild(head);
      site.pools.forEach(function (name) {
        var p = app.topo.pools.filter(function (x) { return x.name === name; })[0];
        if (p) sec.appendChild(buildPool(p, live));
      });
      sites.appendChild(sec);
    });
    sites.addEventListener('click', onSitesClick);
    buildPairs();
    buildUsers();
    buildActions();
    $('filter').addEventListener('input', function () { resetList(); schedule(); });
    window.addEventListener('resize', function () { app.slowAt = 0; app.drawn = -1; schedule(); });
  }

  function siteButton(act, label, site, live) {
    var b = h('button', { type: 'button', 'data-act': act, 'data-site-name': site }, label);
    b.disabled = !live;
    return b;
  }

  function buildPool(p, live) {
    var fe = p.role === FE;
    var box = h('div', { class: 'pool', 'data-pool': p.name });
    var head = h('div', { class: 'head' });
    head.appendChild(h('h3', null, p.name));
    head.appendChild(h('span', { class: 'muted' }, p.role + (p.edition ? ', ' + p.edition : '')));
    var el = { state: h('span', { class: 'badge state' }), detail: h('span', { class: 'muted detail' }), servers: {} };
    head.appendChild(el.state);
    if (fe && p.backupPool) {
      head.appendChild(h('span', { class: 'muted' }, 'PoolState'));
      el.poolState = h('span', { class: 'badge pool-state' });
      head.appendChild(el.poolState);
    }
    head.appendChild(el.detail);
    box.appendChild(head);
    var facts = h('div', { class: 'facts' });
    if (fe) {
      el.quorum = h('span', { class: 'quorum' });
      el.groups = h('span', { class: 'groups' });
      el.backEnd = h('span', { class: 'back-end' });
      el.users = h('span', { class: 'users-line' });
      [el.quorum, el.groups, el.backEnd, el.users].forEach(function (x) { facts.appendChild(x); });
      if (p.backupPool) facts.appendChild(h('span', { class: 'muted' }, 'backup pool ' + p.backupPool));
    } else {
      el.offered = h('span', { class: 'offered' });
      facts.appendChild(el.offered);
      if (p.role === 'edge') { el.nextHop = h('span', { class: 'next-hop' }); facts.appendChild(el.nextHop); }
    }
    box.appendChild(facts);
    var servers = h('div', { class: 'servers' });
    p.servers.forEach(function (v) {
      var card = h('div', { class: 'server', 'data-server': v.name });
      var row = h('div', { class: 'row' });
      row.appendChild(h('span', { class: 'name', title: 'site ' + v.site + (v.standby ? ', standby' : '') },
        v.name + (v.site !== p.site ? ' (' + v.site + ')' : '')));
      row.appendChild(h('span', { class: 'role muted' }, p.role + (v.standby ? ' standby' : '')));
      var sv = { card: card, observed: h('span', { class: 'badge observed', title: 'what its pool observes' }),
        fault: h('span', { class: 'badge fault', title: 'injected fault' }), bar: h('div', { class: 'bar' }),
        load: h('div', { class: 'load' }) };
      sv.fill = h('i');
      sv.bar.appendChild(sv.fill);
      sv.fault.hidden = true;
      row.appendChild(sv.observed);
      row.appendChild(sv.fault);
      card.appendChild(row);
      card.appendChild(sv.bar);
      card.appendChild(sv.load);
      var btns = h('div', { class: 'btns' });
      [['kill', 'Kill'], ['hang', 'Hang'], ['restart', 'Restart'], ['heal', 'Heal']].forEach(function (a) {
        var b = h('button', { type: 'button', 'data-act': a[0], 'data-server-name': v.name }, a[1]);
        b.disabled = !live;
        btns.appendChild(b);
      });
      card.appendChild(btns);
      servers.appendChild(card);
      el.servers[v.name] = sv;
    });
    box.appendChild(servers);
    if (fe) box.appendChild(buildGrid(p, el));
    app.el[p.name] = el;
    return box;
  }

  /** Routing groups: a column per group, a row per server (P primary, S secondary, pink a replica on a server down). */
  function buildGrid(p, el) {
    var wrap = h('div', { class: 'grid-box' });
    wrap.appendChild(h('div', { class: 'muted' }, 'routing groups (' + p.routingGroups + '): a column per group, a row per server'));
    var n = p.placement.length;
    var cell = Math.max(3, Math.min(9, Math.floor(760 / Math.max(1, n)) - 1));
    var grid = h('div', { class: 'rg-grid' });
    grid.style.gridTemplateColumns = 'max-content repeat(' + n + ', ' + cell + 'px)';
    el.head = [];
    el.cells = {};
    grid.appendChild(h('span', { class: 'lbl' }, 'state'));
    p.placement.forEach(function (g) {
      var c = h('span', { class: 'h' });
      el.head.push(c);
      grid.appendChild(c);
    });
    p.servers.forEach(function (v) {
      grid.appendChild(h('span', { class: 'lbl' }, v.name));
      var row = [];
      p.placement.forEach(function () {
        var c = h('span', { class: 'c', 'data-s': v.name });
        row.push(c);
        grid.appendChild(c);
      });
      el.cells[v.name] = row;
    });
    wrap.appendChild(grid);
    var legend = h('div', { class: 'legend' });
    [['#1f4fb8', 'primary'], ['#8fb0ee', 'secondary'], ['#f3b5b5', 'replica on a server down'], ['#b9dfc2', 'healthy'],
      ['#f2d48a', 'degraded'], ['#c62828', 'quorum loss'], ['#000', 'lost'], ['#c9ccd3', 'offline']].forEach(function (x) {
      var s = h('span');
      var i = h('i');
      i.style.background = x[0];
      s.appendChild(i);
      s.appendChild(document.createTextNode(x[1]));
      legend.appendChild(s);
    });
    wrap.appendChild(legend);
    return wrap;
  }

  function buildPairs() {
    var box = $('pairs');
    app.el.pairs = [];
    app.topo.pairs.forEach(function (pr) {
      var card = h('div', { class: 'card pair', 'data-pair': pr.pools.join('|') });
      card.appendChild(h('h3', null, 'Pool pair ' + pr.pools.join(' ⇄ ')));
      var t1 = h('table');
      t1.innerHTML = '<tr><th>home pool</th><th>PoolState</th><th>users</th><th>served by</th></tr>';
      var sides = {};
      pr.pools.forEach(function (p) {
        var tr = h('tr', { 'data-side': p });
        tr.appendChild(h('td', null, p));
        var ps = h('td');
        var b = h('span', { class: 'badge pool-state' });
        ps.appendChild(b);
        var mode = h('span', { class: 'badge mode' });
        var md = h('td');
        md.appendChild(mode);
        var sb = h('td', { class: 'served-by' });
        tr.appendChild(ps);
        tr.appendChild(md);
        tr.appendChild(sb);
        t1.appendChild(tr);
        sides[p] = { poolState: b, mode: mode, servedBy: sb };
      });
      card.appendChild(t1);
      card.appendChild(h('div', { class: 'muted', style: 'margin-top:6px' }, 'Backup Service'));
      var t2 = h('table', { class: 'backup' });
      card.appendChild(t2);
      var lost = h('div', { class: 'lost-writes muted' });
      card.appendChild(lost);
      var cms = h('div', { class: 'pair-cms' });
      card.appendChild(cms);
      box.appendChild(card);
      app.el.pairs.push({ pools: pr.pools, sides: sides, backup: t2, lost: lost, cms: cms, drawnBackup: '' });
    });
    var site = h('div', { class: 'card site-view' });
    site.appendChild(h('h3', null, 'Deployment'));
    var cms = h('div');
    cms.appendChild(document.createTextNode('Central Management Store: '));
    app.el.cms = h('b', { id: 'cms' });
    cms.appendChild(app.el.cms);
    site.appendChild(cms);
    app.el.links = h('div', { class: 'links' });
    site.appendChild(app.el.links);
    app.el.federation = h('div', { class: 'federation muted' });
    site.appendChild(app.el.federation);
    box.appendChild(site);
  }

  function buildUsers() {
    var box = $('users');
    app.el.users = {};
    app.topo.pools.filter(function (p) { return p.role === FE; }).forEach(function (p) {
      var card = h('div', { class: 'card users-chart', 'data-users': p.name });
      var head = h('h3', null, 'Users of ' + p.name + ' by mode ');
      var mode = h('span', { class: 'badge mode' });
      head.appendChild(mode);
      card.appendChild(head);
      var counts = h('div', { class: 'counts' });
      var n = h('span', { class: 'n-normal' }), r = h('span', { class: 'n-resiliency' }), s = h('span', { class: 'n-signedOut' });
      var by = h('span', { class: 'served-by muted' });
      [n, r, s, by].forEach(function (x) { counts.appendChild(x); });
      card.appendChild(counts);
      var chart = svg('svg', { preserveAspectRatio: 'none', 'shape-rendering': 'crispEdges', role: 'img',
        'aria-label': 'users of ' + p.name + ' by mode over time' });
      card.appendChild(chart);
      box.appendChild(card);
      app.el.users[p.name] = { mode: mode, normal: n, resiliency: r, signedOut: s, servedBy: by, chart: chart };
    });
  }

  // ---------------------------------------------------------------------------------------------- actions

  function buildActions() {
    var verbs = $('verb');
    app.run.adminVerbs.forEach(function (v) {
      verbs.appendChild(h('option', { value: v.verb }, v.verb));
    });
    var pools = app.topo.pools;
    fill($('verb-server'), [].concat.apply([], pools.filter(function (p) { return p.role === FE; })
      .map(function (p) { return p.servers.map(function (s) { return s.name; }); })));
    fill($('verb-edge'), pools.filter(function (p) { return p.role === 'edge'; }).map(function (p) { return p.name; }));
    verbs.addEventListener('change', verbChanged);
    verbChanged();
    $('run-verb').addEventListener('click', runVerb);
    $('heal-all').addEventListener('click', function () {
      act('heal everything (every server fault and site link)', '/reset', {});
    });
  }

  function fill(select, names, empty) {
    select.innerHTML = '';
    if (empty) select.appendChild(h('option', { value: '' }, empty));
    names.forEach(function (n) { select.appendChild(h('option', { value: n }, n)); });
  }

  function verbInfo() {
    var name = $('verb').value;
    return app.run.adminVerbs.filter(function (v) { return v.verb === name; })[0];
  }

  function verbChanged() {
    var v = verbInfo();
    if (!v) return;
    var args = v.required.concat(v.options);
    var roles = v.verb.indexOf('persistent-chat') === 0 ? ['persistent-chat']
      : v.verb === 'set-edge-next-hop' ? [FE, 'director'] : [FE];
    var pools = app.topo.pools.filter(function (p) { return roles.indexOf(p.role) >= 0; }).map(function (p) { return p.name; });
    fill($('verb-pool'), pools, v.required.indexOf('pool') < 0 ? '(its partner)' : null);
    $('arg-pool').hidden = args.indexOf('pool') < 0;
    $('arg-server').hidden = args.indexOf('server') < 0;
    $('arg-edge').hidden = args.indexOf('edge') < 0;
    $('opt-force-label').hidden = v.options.indexOf('force') < 0;
    $('opt-disaster-label').hidden = v.options.indexOf('disaster') < 0;
    $('opt-force').checked = false;
    $('opt-disaster').checked = false;
    $('verb-help').textContent = v.summary + ' (' + v.cmdlet + ')';
  }

  function runVerb() {
    var v = verbInfo();
    var body = {}, said = [];
    var args = v.required.concat(v.options);
    [['pool', 'verb-pool'], ['server', 'verb-server'], ['edge', 'verb-edge']].forEach(function (a) {
      if (args.indexOf(a[0]) >= 0 && $(a[1]).value) { body[a[0]] = $(a[1]).value; said.push(a[0] + ' ' + body[a[0]]); }
    });
    ['force', 'disaster'].forEach(function (o) {
      if (v.options.indexOf(o) >= 0 && $('opt-' + o).checked) { body[o] = true; said.push(o); }
    });
    act('admin ' + v.verb + (said.length ? ' ' + said.join(', ') : ''), '/api/admin/' + v.verb, body);
  }

  function onSitesClick(ev) {
    var b = ev.target.closest('button[data-act]');
    if (!b || b.disabled) return;
    var a = b.getAttribute('data-act');
    var server = b.getAttribute('data-server-name'), site = b.getAttribute('data-site-name');
    if (a === 'kill-site') act('kill site ' + site + (app.run.node ? ' (every server of its pools; its nodes keep running)'
      : ' (every server, and its Front End pools\' back ends)'), '/api/faults', { fault: 'kill-site', site: site });
    else if (a === 'heal-site') act('heal site ' + site, '/api/heal', { site: site });
    else if (a === 'heal') act('heal ' + server, '/api/heal', { server: server });
    else act(a + ' ' + server, '/api/faults', { fault: a, server: server });
  }

  function tokenFor() {
    if (!app.run.tokenRequired) return null;
    if (!app.token) app.token = sessionStorage.getItem('poolpair-token');
    if (!app.token) {
      var t = window.prompt('This control plane needs a token for changes (the --token of poolpair run, or the one it printed):');
      if (!t) return undefined;
      app.token = t.trim();
      sessionStorage.setItem('poolpair-token', app.token);
    }
    return app.token;
  }

  /** Asks for confirmation, sends the change and shows the answer (a refusal with SfB's reason). */
  function act(what, path, body) {
    if (app.mode !== 'live') return;
    if (!window.confirm(what.charAt(0).toUpperCase() + what.slice(1) + '?')) return;
    var token = tokenFor();
    if (token === undefined) { showAnswer('error', what + ': not sent (no token given)'); return; }
    var headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    showAnswer('', what + ': sent…');
    fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (r) {
      return r.text().then(function (text) {
        var j = {};
        try { j = JSON.parse(text); } catch (e) { j = { error: text }; }
        if (r.status === 200) showAnswer('ok', what + ': done: ' + j.message);
        else if (r.status === 409) showAnswer('refused', what + ': refused: ' + j.message);
        else {
          if (r.status === 401) { app.token = null; sessionStorage.removeItem('poolpair-token'); }
          showAnswer('error', what + ': ' + (j.error || ('HTTP ' + r.status)));
        }
        setTimeout(poll, 300);
      });
    }).catch(function (err) { showAnswer('error', what + ': ' + err.message); });
  }

  function showAnswer(cls, text) {
    var a = $('answer');
    a.className = cls;
    a.textContent = text;
  }

  // ---------------------------------------------------------------------------------------------- drawing

  function render(now) {
    var s = app.state;
    if (!s) return;
    var shown = app.mode === 'replay' ? app.replay.playhead
      : s.emulatedMs;
    if (app.mode === 'live' && app.clockBase.at && app.run.timeScale) {
      shown = Math.max(shown, app.clockBase.ms + (now - app.clockBase.at) * app.run.timeScale);
    }
    setText($('clock'), clock(shown));
    setText($('event-count'), num(app.mode === 'replay' ? app.replay.pos : s.lastId + 1));
    if (app.mode === 'replay') position();
    renderList();
    var changed = app.drawn !== s.version;
    if (changed && app.fastDrawn !== s.version) {
      app.fastDrawn = s.version;
      renderPools(s);
      renderPairs(s);
    }
    // live, the time axis moves on between events too (a tick a second)
    var due = now - app.slowAt >= (changed ? SLOW_MS : 1000);
    if ((changed || app.mode === 'live') && due) {
      app.slowAt = now;
      app.drawn = s.version;
      renderGrids(s);
      renderUsers(s);
      renderTimeline(s);
    } else if (changed) {
      schedule();
    }
  }

  function position() {
    var r = app.replay;
    var next = r.buffer[r.pos];
    setText($('position'), 'event ' + r.pos + ' of ' + r.buffer.length + (r.ended ? '' : '+') +
      (next ? ' · next: ' + next.type + ' at ' + clock(next.emulatedMs) : r.ended ? ' · end of the run' : ''));
    setText($('play'), r.playing ? 'Pause' : 'Play');
  }

  function renderPools(s) {
    s.poolOrder.forEach(function (name) {
      var p = s.pools[name], el = app.el[name];
      setBadge(el.state, p.state);
      setText(el.detail, p.detail || '');
      if (el.poolState) setBadge(el.poolState, p.poolState);
      if (p.role === FE) {
        var running = p.servers.filter(function (v) { return S.live(v.observed); }).length;
        setText(el.quorum, 'quorum ' + p.quorumRule + ' (start needs ' + p.requiredToStart + '): ' + running + ' of ' +
          p.servers.length + ' up');
        var c = S.groupsByState(p);
        setText(el.groups, 'groups: ' + ['healthy', 'degraded', 'quorum-loss', 'lost', 'offline']
          .filter(function (k) { return c[k] > 0; }).map(function (k) { return k + ' ' + c[k]; }).join(', '));
        var b = p.backEnd;
        setText(el.backEnd, 'back end ' + b.mode + ': ' + b.state + (b.principal ? ', principal ' + b.principal : '') +
          (b.detail ? ' (' + b.detail + ')' : ''));
        setText(el.users, 'users ' + num(p.offered) + (p.unserved ? ' (' + num(p.unserved) + ' not served by ' + name + ')' : ''));
      } else {
        setText(el.offered, p.unit + ' ' + num(p.offered) + (p.unserved ? ', unserved ' + num(p.unserved) : ''));
        if (el.nextHop) setText(el.nextHop, 'next hop ' + (s.edgeNextHops[name] || '–'));
      }
      p.servers.forEach(function (v) {
        var sv = el.servers[v.name];
        setBadge(sv.observed, v.observed);
        sv.fault.hidden = !v.fault;
        if (v.fault) setText(sv.fault, v.fault);
        var cls = 'server ' + v.observed;
        if (sv.card.className !== cls) sv.card.className = cls;
        var g = v.guideline || p.guideline || 1;
        var pct = Math.min(100, Math.round(100 * v.load / g));
        var w = pct + '%';
        if (sv.fill.style.width !== w) sv.fill.style.width = w;
        var over = v.load > g;
        var bc = over ? 'bar over' : 'bar';
        if (sv.bar.className !== bc) sv.bar.className = bc;
        setText(sv.load, num(v.load) + ' / ' + num(g) + ' ' + p.unit + ' (' + Math.round(100 * v.load / g) + '% of the guideline)');
      });
    });
  }

  function renderGrids(s) {
    s.poolOrder.forEach(function (name) {
      var p = s.pools[name], el = app.el[name];
      if (!p.groups) return;
      p.groups.forEach(function (g, i) {
        var st = S.groupState(p, g);
        var hc = 'h ' + st;
        var head = el.head[i];
        if (head.className !== hc) {
          head.className = hc;
        }
        head.title = 'group ' + g.id + ': ' + st + ', primary ' + (g.primary || '–') + ', replicas ' + g.replicas.join(' ') +
          ', ' + g.users + ' users, epoch ' + g.epoch;
        p.servers.forEach(function (v) {
          var c = el.cells[v.name][i];
          var k = 'c';
          if (g.replicas.indexOf(v.name) >= 0) {
            if (!S.live(v.observed)) k = 'c m';
            else k = g.primary === v.name ? 'c p' : 'c s';
          }
          if (c.className !== k) c.className = k;
        });
      });
    });
  }

  function renderPairs(s) {
    app.el.pairs.forEach(function (pe) {
      var pr = null;
      s.pairs.forEach(function (x) { if (x.pools.join('|') === pe.pools.join('|')) pr = x; });
      pe.pools.forEach(function (name) {
        var p = s.pools[name], side = pe.sides[name];
        setBadge(side.poolState, p.poolState);
        setBadge(side.mode, p.users.mode);
        setText(side.servedBy, p.users.servedBy || '–');
      });
      // a cluster node whose site's copy of the CMS did not answer: the line stays empty
      if (s.cmsPool) setText(pe.cms, pe.pools.indexOf(s.cmsPool) >= 0 ? 'Central Management Store: active on ' + s.cmsPool +
        ', standby on ' + pe.pools.filter(function (x) { return x !== s.cmsPool; })[0] : 'Central Management Store: not in this pair (' + s.cmsPool + ')');
      if (!pr) return;
      var rows = Object.keys(pr.backup).sort().map(function (k) {
        var d = pr.backup[k];
        return '<tr><td>' + esc(d.from) + ' → ' + esc(d.to) + '</td><td><span class="badge ' + esc(d.state) + '">' + esc(d.state) +
          '</span></td><td>lag ' + Math.round((d.lagMs || 0) / 1000) + ' s</td><td>' + num(d.pending) + ' pending</td></tr>';
      }).join('');
      var html = rows ? '<tr><th>direction</th><th>state</th><th>lag</th><th>queue</th></tr>' + rows
        : '<tr><td class="muted">no sync reported yet</td></tr>';
      if (pe.drawnBackup !== html) { pe.backup.innerHTML = html; pe.drawnBackup = html; }
      if (pr.lostWrites !== undefined) setText(pe.lost, 'writes lost in failovers: ' + num(pr.lostWrites) +
        (pr.syncIntervalMs ? ' · sync every ' + Math.round(pr.syncIntervalMs / 1000) + ' s' : ''));
    });
    var cms = s.cmsPool, cmsPool = s.pools[cms];
    setText(app.el.cms, cms ? cms + (cmsPool ? ' (' + cmsPool.site + ')' : '') : 'unknown (this site\'s copy did not answer)');
    setText(app.el.links, Object.keys(s.links || {}).map(function (k) {
      var l = s.links[k];
      return 'link ' + l.sites.join(' ⇄ ') + ': ' + l.state + (l.state === 'slow' ? ' (' + Math.round(l.delayMs / 1000) + ' s)' : '');
    }).join('; '));
    setText(app.el.federation, (s.federation ? 'federation via ' + s.federation.edge + (s.federation.up ? '' : ' (DOWN)') + '; ' : '') +
      'Edge next hops: ' + Object.keys(s.edgeNextHops).sort().map(function (k) { return k + ' → ' + s.edgeNextHops[k]; }).join(', '));
  }

  function esc(t) {
    return String(t === null || t === undefined ? '' : t).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  function span(s) {
    var end = app.mode === 'replay' ? Math.max(app.run.emulatedMs || 0, s.emulatedMs) : s.emulatedMs;
    return Math.max(60000, end);
  }

  function renderUsers(s) {
    var T = span(s);
    Object.keys(app.el.users).forEach(function (name) {
      var p = s.pools[name], u = p.users, el = app.el.users[name];
      setBadge(el.mode, u.mode);
      setText(el.normal, 'normal ' + num(u.normal));
      setText(el.resiliency, 'Resiliency ' + num(u.resiliency));
      setText(el.signedOut, 'signed out ' + num(u.signedOut));
      setText(el.servedBy, u.servedBy ? 'served by ' + u.servedBy : '');
      var series = s.series[name] || [];
      var W = 1000, H = 90, total = p.offered || 1;
      el.chart.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      while (el.chart.firstChild) el.chart.removeChild(el.chart.firstChild);
      var x = function (t) { return Math.max(0, Math.min(W, t / T * W)); };
      var y = function (v) { return H - v / total * (H - 4); };
      var layers = [['normal', '#2e8540'], ['resiliency', '#e0a800'], ['signedOut', '#c62828']];
      var end = app.mode === 'replay' ? app.replay.playhead : s.emulatedMs;
      for (var i = 0; i < series.length; i++) {
        var pt = series[i];
        var x0 = x(pt.t), x1 = x(i + 1 < series.length ? series[i + 1].t : Math.max(end, pt.t));
        if (x1 <= x0) continue;
        var below = 0;
        layers.forEach(function (layer) {
          var v = pt[layer[0]];
          if (v > 0) {
            el.chart.appendChild(svg('rect', { x: x0, y: y(below + v), width: x1 - x0, height: y(below) - y(below + v),
              fill: layer[1] }));
          }
          below += v;
        });
      }
      union(s.windows, s.emulatedMs).forEach(function (w) {
        var x0 = x(w[0]), x1 = x(w[1]);
        el.chart.appendChild(svg('rect', { x: x0, y: 0, width: Math.max(1, x1 - x0), height: H, fill: 'rgba(0,0,0,0.07)',
          'class': 'shade' }));
      });
    });
  }

  /** The timeline: fault windows (shaded), admin verbs (▲), key events, scenario notes; marks merged per pixel column. */
  function renderTimeline(s) {
    var root = $('timeline');
    var W = root.clientWidth || 1000, H = 150, L = 70, R = 10;
    var T = span(s);
    var x = function (t) { return L + Math.max(0, Math.min(1, t / T)) * (W - L - R); };
    while (root.firstChild) root.removeChild(root.firstChild);
    var lanes = [['faults', 8, 44], ['admin verbs', 56, 16], ['key events', 78, 20], ['notes', 104, 10]];
    lanes.forEach(function (l) {
      var t = svg('text', { x: 4, y: l[1] + Math.min(12, l[2]), 'font-size': 11, fill: '#6b7280' });
      t.textContent = l[0];
      root.appendChild(t);
    });
    union(s.windows, s.emulatedMs).forEach(function (w) {
      var x0 = x(w[0]), x1 = x(w[1]);
      root.appendChild(svg('rect', { x: x0, y: 4, width: Math.max(1, x1 - x0), height: 112, fill: 'rgba(198,40,40,0.10)', 'class': 'shade' }));
    });
    var windows = s.windows.slice(-300), rows = [];
    windows.forEach(function (w) {
      var x0 = x(w.start), x1 = x(w.end === null ? s.emulatedMs : w.end);
      var row = 0;
      while (row < 4 && rows[row] !== undefined && rows[row] > x0) row++;
      if (row >= 4) row = 3;
      rows[row] = x1 + 2;
      var bar = svg('rect', { x: x0, y: 8 + row * 11, width: Math.max(2, x1 - x0), height: 9, rx: 2,
        fill: w.kind === 'link' ? '#7c3aed' : w.kind === 'restart' ? '#d08a00' : '#c62828', 'class': 'fault-window' });
      var tip = svg('title');
      tip.textContent = w.label + ': ' + clock(w.start) + ' → ' + (w.end === null ? 'still open' : clock(w.end));
      bar.appendChild(tip);
      root.appendChild(bar);
      if (x1 - x0 > 40) {
        var lbl = svg('text', { x: x0 + 3, y: 16 + row * 11, 'font-size': 9, fill: '#fff' });
        lbl.textContent = w.label;
        root.appendChild(lbl);
      }
    });
    columns(s.admin, x, function (a) { return a.kind === 'refused' ? 2 : a.kind === 'started' ? 0 : 1; }).forEach(function (c) {
      var colr = ['#2563eb', '#2e8540', '#d08a00'][c.worst];
      var m = svg('path', { d: 'M' + c.x + ' 58 l5 12 h-10 z', fill: colr, 'class': 'admin-mark' });
      var tip = svg('title');
      tip.textContent = c.first.text + (c.n > 1 ? ' (+' + (c.n - 1) + ' more)' : '');
      m.appendChild(tip);
      root.appendChild(m);
    });
    columns(s.ticks, x, function (k) { return k.level === 'ERROR' ? 2 : k.level === 'WARN' ? 1 : 0; }).forEach(function (c) {
      var m = svg('rect', { x: c.x, y: 80, width: 2, height: 18, fill: ['#2e8540', '#d08a00', '#c62828'][c.worst] });
      var tip = svg('title');
      tip.textContent = c.first.text + (c.n > 1 ? ' (+' + (c.n - 1) + ' more)' : '');
      m.appendChild(tip);
      root.appendChild(m);
    });
    columns(s.notes, x, function () { return 0; }).forEach(function (c) {
      var m = svg('rect', { x: c.x, y: 104, width: 2, height: 10, fill: '#9ca3af' });
      var tip = svg('title');
      tip.textContent = c.first.text;
      m.appendChild(tip);
      root.appendChild(m);
    });
    root.appendChild(svg('line', { x1: L, x2: W - R, y1: 124, y2: 124, stroke: '#9ca3af' }));
    var step = niceStep(T / 8);
    for (var t = 0; t <= T; t += step) {
      root.appendChild(svg('line', { x1: x(t), x2: x(t), y1: 124, y2: 129, stroke: '#9ca3af' }));
      var lbl = svg('text', { x: x(t) - 12, y: 142, 'font-size': 10, fill: '#6b7280' });
      lbl.textContent = clock(t).replace(/\.\d$/, '');
      root.appendChild(lbl);
    }
    var nowX = x(app.mode === 'replay' ? app.replay.playhead : s.emulatedMs);
    root.appendChild(svg('line', { x1: nowX, x2: nowX, y1: 4, y2: 124, stroke: '#111827', 'stroke-dasharray': '2 2' }));
  }

  /** The time covered by at least one fault window, as [start, end] spans (an open window runs to now). */
  function union(windows, now) {
    var spans = windows.map(function (w) { return [w.start, w.end === null ? Math.max(now, w.start) : w.end]; })
      .sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    spans.forEach(function (sp) {
      var last = out[out.length - 1];
      if (last && sp[0] <= last[1]) last[1] = Math.max(last[1], sp[1]);
      else out.push([sp[0], sp[1]]);
    });
    return out;
  }

  /** Marks merged per pixel column: the count, the first mark and the worst severity. */
  function columns(marks, x, severity) {
    var cols = {};
    for (var i = 0; i < marks.length; i++) {
      var k = Math.round(x(marks[i].t));
      var sev = severity(marks[i]);
      var c = cols[k];
      if (!c) cols[k] = { x: k, n: 1, first: marks[i], worst: sev };
      else { c.n++; if (sev > c.worst) c.worst = sev; }
    }
    return Object.keys(cols).map(function (k) { return cols[k]; });
  }

  function niceStep(raw) {
    var steps = [1000, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1800000, 3600000];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= raw) return steps[i];
    return 7200000;
  }

  // ---------------------------------------------------------------------------------------------- the event list

  function resetList() {
    $('events').innerHTML = '';
    app.listSeq = 0;
  }

  function matches(e, f) {
    if (!f) return true;
    return (e.type + ' ' + (e.pool || '') + ' ' + (e.server || '') + ' ' + e.text).toLowerCase().indexOf(f) >= 0;
  }

  /** New events go on top; the list keeps LIST_CAP rows. */
  function renderList() {
    var s = app.state, log = s.log;
    if (!log.length || log[log.length - 1].seq <= app.listSeq) return;
    var f = $('filter').value.trim().toLowerCase();
    var frag = document.createDocumentFragment();
    var added = 0;
    for (var i = log.length - 1; i >= 0 && log[i].seq > app.listSeq && added < LIST_CAP; i--) {
      var e = log[i];
      if (!matches(e, f)) continue;
      var li = h('li', { class: e.level, 'data-type': e.type, 'data-id': e.id === undefined ? '' : String(e.id) });
      li.appendChild(h('span', { class: 't' }, clock(e.t)));
      li.appendChild(h('span', { class: 'ty' }, e.type));
      li.appendChild(h('span', { class: 'tx' }, e.text));
      li.title = e.text;
      frag.appendChild(li);
      added++;
    }
    app.listSeq = log[log.length - 1].seq;
    var list = $('events');
    list.insertBefore(frag, list.firstChild);
    while (list.childNodes.length > LIST_CAP) list.removeChild(list.lastChild);
    setText($('list-note'), '(newest first; the last ' + LIST_CAP + ' shown)');
  }

  boot();
})();
