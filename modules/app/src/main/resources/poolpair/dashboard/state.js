// Poolpair dashboard: the deployment's state on the page, and the reducer that moves it event by event.
// No DOM here: the same code drives a live run (snapshot from /api/status, then the event stream) and a replay
// (the topology, then every event of events.jsonl). docs/dashboard.md says where each field comes from.
(function (root) {
  'use strict';

  var LOG_CAP = 400;          // events kept for the list (the page renders fewer)
  var KEY_TYPES = {            // events drawn as ticks on the timeline's event lane
    'server-down': 1, 'pool-quorum-lost': 1, 'pool-quorum-regained': 1, 'pool-start-blocked': 1,
    'pool-failover-state': 1, 'data-lost': 1, 'users-moved': 1, 'cms-moved': 1, 'routing-group-lost': 1,
    'back-end-state': 1, 'site-link-cut': 1, 'site-link-slowed': 1, 'site-link-healed': 1
  };
  var FE = 'front-end';

  function initial(topology) {
    var s = {
      topology: topology, emulatedMs: 0, cmsPool: topology.cmsPool, pools: {}, poolOrder: [], serverPool: {},
      pairs: [], links: {}, edgeNextHops: {}, federation: null,
      series: {}, windows: [], openWindows: {}, admin: [], notes: [], ticks: [],
      log: [], events: 0, lastId: -1, version: 0
    };
    topology.pools.forEach(function (p) {
      var fe = p.role === FE;
      var pool = {
        name: p.name, role: p.role, site: p.site, unit: p.unit, offered: p.offered, guideline: p.guideline,
        quorumRule: p.quorumRule || null, replicaTarget: p.replicasPerGroup || 3, quorumLossAt: p.quorumLossAtLiveReplicas || 1, requiredToStart: p.requiredToStart || 0, backupPool: p.backupPool || null,
        state: fe ? 'starting' : 'down', detail: null, unserved: fe ? p.offered : 0,
        servers: p.servers.map(function (v) {
          return { name: v.name, site: v.site, standby: !!v.standby, observed: 'starting', fault: null, load: 0 };
        }),
        groups: fe ? p.placement.map(function (g) {
          return { id: g.id, users: g.users, primary: g.primary, replicas: g.replicas.slice(), epoch: 1 };
        }) : null,
        users: fe ? { normal: 0, resiliency: 0, signedOut: p.offered, servedBy: null, mode: 'signed-out' } : null,
        backEnd: fe ? { mode: p.backendMode, state: 'available', principal: 'primary', detail: null } : null,
        poolState: fe && p.backupPool ? 'Active' : null, nextHop: p.nextHop || null
      };
      s.pools[p.name] = pool;
      s.poolOrder.push(p.name);
      pool.servers.forEach(function (v) { s.serverPool[v.name] = pool; });
      if (fe) s.series[p.name] = [{ t: 0, normal: 0, resiliency: 0, signedOut: p.offered }];
      if (p.nextHop) s.edgeNextHops[p.name] = p.nextHop;
    });
    topology.pairs.forEach(function (pr) {
      s.pairs.push({ pools: pr.pools.slice(), backup: {}, syncIntervalMs: null, lostWrites: 0 });
    });
    topology.siteLinks.forEach(function (l) {
      s.links[l.sites.join('|')] = { sites: l.sites.slice(), state: 'up', delayMs: 0 };
    });
    return s;
  }

  function server(s, name) {
    var p = s.serverPool[name];
    if (!p) return null;
    for (var i = 0; i < p.servers.length; i++) if (p.servers[i].name === name) return p.servers[i];
    return null;
  }

  function pairOf(s, pool) {
    for (var i = 0; i < s.pairs.length; i++) if (s.pairs[i].pools.indexOf(pool) >= 0) return s.pairs[i];
    return null;
  }

  function live(observed) { return observed === 'up' || observed === 'suspect'; }

  /**
   * The state a routing group shows, classified as the model does from its live replicas: offline (the pool is not
   * running), lost (none live), quorum-loss (down to the quorum-loss count), degraded (fewer than the target), healthy.
   */
  function groupState(pool, g) {
    if (pool.state !== 'running') return 'offline';
    var lv = 0;
    for (var i = 0; i < g.replicas.length; i++) {
      var v = serverIn(pool, g.replicas[i]);
      if (v && live(v.observed)) lv++;
    }
    if (lv === 0) return 'lost';
    var quorum = pool.replicaTarget >= 3 ? lv > pool.quorumLossAt : lv >= 1;
    if (!quorum) return 'quorum-loss';
    return lv < pool.replicaTarget ? 'degraded' : 'healthy';
  }

  function serverIn(pool, name) {
    for (var i = 0; i < pool.servers.length; i++) if (pool.servers[i].name === name) return pool.servers[i];
    return null;
  }

  function groupsByState(pool) {
    var c = { healthy: 0, degraded: 0, 'quorum-loss': 0, lost: 0, offline: 0 };
    if (!pool.groups) return c;
    pool.groups.forEach(function (g) { c[groupState(pool, g)]++; });
    return c;
  }

  /** Edge, Director, Mediation, Persistent Chat: serving, degraded (a server down) or down. */
  function spreadState(pool) {
    var up = 0, all = 0;
    pool.servers.forEach(function (v) {
      if (v.standby) return;
      all++;
      if (live(v.observed)) up++;
    });
    return up === 0 ? 'down' : up < all ? 'degraded' : 'serving';
  }

  function usersPoint(s, pool, t) {
    var series = s.series[pool.name];
    if (!series) return;
    var u = pool.users;
    var last = series[series.length - 1];
    if (last && last.normal === u.normal && last.resiliency === u.resiliency && last.signedOut === u.signedOut) return;
    var point = { t: t, normal: u.normal, resiliency: u.resiliency, signedOut: u.signedOut };
    series.push(point);
    if (last && last.t > t) series.sort(function (a, b) { return a.t - b.t; });
  }

  function setMode(pool, mode, servedBy) {
    var u = pool.users, n = pool.offered;
    u.mode = mode;
    u.servedBy = servedBy;
    u.normal = mode === 'normal' ? n : 0;
    u.resiliency = mode === 'resiliency' ? n : 0;
    u.signedOut = mode === 'signed-out' ? n : 0;
  }

  function openWindow(s, key, label, t, kind) {
    if (s.openWindows[key]) return;
    var w = { key: key, label: label, start: t, end: null, kind: kind };
    s.openWindows[key] = w;
    s.windows.push(w);
  }

  function closeWindow(s, key, t) {
    var w = s.openWindows[key];
    if (!w) return;
    w.end = Math.max(t, w.start);
    delete s.openWindows[key];
  }

  /**
   * Applies one event (an events.jsonl object with its stream index in id). With timelineOnly, the event is older than
   * the snapshot the state came from: it goes to the timeline, the list and the users chart, not into the state.
   */
  function apply(s, e, timelineOnly) {
    var t = e.emulatedMs || 0;
    s.version++;
    s.events++;
    if (e.id !== undefined && e.id > s.lastId) s.lastId = e.id;
    if (t > s.emulatedMs) s.emulatedMs = t;
    s.log.push({ seq: s.events, id: e.id, type: e.type, level: e.level, t: t, text: e.text, pool: e.pool, server: e.server });
    if (s.log.length > LOG_CAP) s.log.splice(0, s.log.length - LOG_CAP);
    if (KEY_TYPES[e.type]) s.ticks.push({ t: t, level: e.level, text: e.text });
    timeline(s, e, t);
    if (e.type === 'users-moved' && s.pools[e.pool] && s.pools[e.pool].users) {
      var home = s.pools[e.pool];
      if (timelineOnly) {
        var series = s.series[home.name];
        series.push({ t: t, normal: e.toMode === 'normal' ? e.users : 0, resiliency: e.toMode === 'resiliency' ? e.users : 0,
          signedOut: e.toMode === 'signed-out' ? e.users : 0 });
        series.sort(function (a, b) { return a.t - b.t; });
      } else {
        setMode(home, e.toMode, e.servedBy);
        usersPoint(s, home, t);
      }
    }
    if (timelineOnly) return;
    reduce(s, e, t);
  }

  function timeline(s, e, t) {
    switch (e.type) {
      case 'fault-injected':
        if (e.fault === 'restart') openWindow(s, 'restart ' + e.server, 'restart ' + e.server, t, 'restart');
        else openWindow(s, e.fault + ' ' + (e.server || e.pool), e.fault + ' ' + (e.server || e.pool), t, 'fault');
        break;
      case 'fault-healed':
        closeWindow(s, e.fault + ' ' + (e.server || e.pool), t);
        break;
      case 'server-up':
        closeWindow(s, 'restart ' + e.server, t);
        break;
      case 'site-link-cut':
      case 'site-link-slowed':
        openWindow(s, 'link ' + e.siteA + '|' + e.siteB, (e.type === 'site-link-cut' ? 'cut ' : 'slow ') + e.siteA + ' <-> ' + e.siteB, t, 'link');
        break;
      case 'site-link-healed':
        closeWindow(s, 'link ' + e.siteA + '|' + e.siteB, t);
        break;
      case 'admin-verb-started':
      case 'admin-verb-finished':
      case 'admin-verb-refused':
        s.admin.push({ t: t, kind: e.type.substring('admin-verb-'.length), verb: e.verb, text: e.text });
        break;
      case 'run-marker':
        s.notes.push({ t: t, text: e.text });
        break;
      default:
    }
  }

  function reduce(s, e, t) {
    var pool = e.pool ? s.pools[e.pool] : null;
    var v = e.server ? server(s, e.server) : null;
    var g = pool && pool.groups && e.routingGroup !== null && e.routingGroup !== undefined ? pool.groups[e.routingGroup] : null;
    switch (e.type) {
      case 'server-suspected':
        if (v) v.observed = 'suspect';
        break;
      case 'server-down':
        if (v) v.observed = e.detectedBy === 'drain' ? 'drained' : 'down';
        break;
      case 'server-up':
        if (v) v.observed = pool && pool.role === FE && pool.state !== 'running' ? 'starting' : 'up';
        break;
      case 'fault-injected':
        if (v && e.fault === 'kill') v.fault = 'killed';
        else if (v && e.fault === 'hang') v.fault = 'hung';
        break;
      case 'fault-healed':
        if (v) v.fault = null;
        break;
      case 'pool-quorum-lost':
        if (pool) {
          pool.state = 'quorum-lost';
          pool.detail = 'rule ' + e.rule + ': ' + e.running + ' running';
          pool.servers.forEach(function (x) { if (live(x.observed) || x.observed === 'starting') x.observed = 'stopped'; });
          pool.unserved = pool.offered;
        }
        break;
      case 'pool-quorum-regained':
        if (pool) {
          pool.state = 'running';
          pool.detail = null;
          pool.servers.forEach(function (x) { if (x.observed === 'starting' || x.observed === 'stopped') x.observed = 'up'; });
          pool.unserved = 0;
        }
        break;
      case 'pool-start-blocked':
        if (pool) {
          pool.state = 'starting';
          pool.detail = e.reason;
          pool.servers.forEach(function (x) { if (live(x.observed) || x.observed === 'stopped') x.observed = 'starting'; });
        }
        break;
      case 'primary-moved':
        if (g) {
          g.primary = e.toServer;
          g.epoch = e.epoch;
          if (g.replicas.indexOf(e.toServer) < 0) g.replicas.push(e.toServer);
        }
        break;
      case 'replica-rebuilt':
        if (g) rebuilt(pool, g, e.onServer, e.replicas);
        break;
      case 'routing-group-lost':
        if (g) g.primary = null;
        break;
      case 'load-redistributed':
        if (pool && e.unit === pool.unit && e.load) {
          pool.servers.forEach(function (x) { x.load = e.load[x.name] || 0; });
        }
        break;
      case 'pool-failover-state':
        if (pool) pool.poolState = e.to;
        break;
      case 'backup-state':
        backup(s, e);
        break;
      case 'cms-moved':
        s.cmsPool = e.toPool;
        break;
      case 'back-end-state':
        if (pool && pool.backEnd) pool.backEnd = { mode: e.mode, state: e.state, principal: e.principal, detail: e.detail };
        break;
      case 'site-link-cut':
      case 'site-link-slowed':
      case 'site-link-healed':
        link(s, e);
        break;
      case 'edge-route-changed':
        if (e.route === 'next hop') s.edgeNextHops[e.pool] = e.to;
        else if (s.federation) s.federation.edge = e.to;
        break;
      case 'data-lost':
        var pr = pool ? pairOf(s, pool.name) : null;
        if (pr && e.writes) pr.lostWrites += e.writes;
        break;
      default:
    }
    if (pool && pool.role !== FE && (v || e.type === 'load-redistributed')) pool.state = spreadState(pool);
  }

  /**
   * A replica placed on onServer; the set is trimmed to its new size as the model does: a rebuild drops the replicas on
   * servers that are down, a rebalance moves one away from the running server that holds the most replicas (ties: the
   * first in the pool's order).
   */
  function rebuilt(pool, g, onServer, size) {
    var counts = {};
    pool.groups.forEach(function (x) { x.replicas.forEach(function (r) { counts[r] = (counts[r] || 0) + 1; }); });
    if (g.replicas.indexOf(onServer) < 0) g.replicas.push(onServer);
    while (size && g.replicas.length > size) {
      var drop = -1;
      for (var i = 0; i < g.replicas.length && drop < 0; i++) {
        var x = serverIn(pool, g.replicas[i]);
        if (g.replicas[i] !== onServer && (!x || !live(x.observed))) drop = i;
      }
      if (drop < 0) {
        var most = -1;
        pool.servers.forEach(function (v) {
          var k = g.replicas.indexOf(v.name);
          if (k < 0 || v.name === onServer || v.name === g.primary) return;
          if (most < 0 || (counts[v.name] || 0) > (counts[g.replicas[most]] || 0)) most = k;
        });
        drop = most;
      }
      if (drop < 0) break;
      g.replicas.splice(drop, 1);
    }
  }

  function backup(s, e) {
    var pr = pairOf(s, e.fromPool);
    if (!pr) return;
    var cms = e.module === 'CentralMgmt.CMSMaster';
    var from = cms ? e.fromPool + ' (CMS)' : e.fromPool;
    var to = cms ? e.toPool + ' (CMS)' : e.toPool;
    var d = pr.backup[from + '>' + to] || (pr.backup[from + '>' + to] = { from: from, to: to });
    d.state = e.state;
    d.lagMs = e.lagMs;
    d.pending = e.pending;
  }

  function link(s, e) {
    var l = s.links[e.siteA + '|' + e.siteB] || s.links[e.siteB + '|' + e.siteA];
    if (!l) return;
    l.state = e.type === 'site-link-cut' ? 'cut' : e.type === 'site-link-slowed' ? 'slow' : 'up';
    l.delayMs = e.type === 'site-link-slowed' ? e.delayMs : 0;
  }

  /** A /api/status answer taken whole (full) or, while events came in meanwhile, only for what no event carries. */
  function applyStatus(s, st, full) {
    s.version++;
    if (full && st.emulatedMs > s.emulatedMs) s.emulatedMs = st.emulatedMs;
    st.pools.forEach(function (p) {
      var pool = s.pools[p.name];
      if (!pool) return;
      pool.offered = p.offered;
      pool.unserved = p.unserved;
      if (!full) return;
      pool.state = p.state;
      pool.detail = p.detail;
      p.servers.forEach(function (x) {
        var v = serverIn(pool, x.name);
        if (!v) return;
        v.observed = x.observed;
        v.fault = x.fault;
        v.load = x.load;
        v.guideline = x.guideline;
      });
      if (p.usersByMode && pool.users) {
        pool.users.normal = p.usersByMode.normal;
        pool.users.resiliency = p.usersByMode.resiliency;
        pool.users.signedOut = p.usersByMode.signedOut;
        pool.users.servedBy = p.usersByMode.servedBy;
        usersPoint(s, pool, st.emulatedMs);
      }
    });
    st.pairs.forEach(function (p) {
      var pr = pairOf(s, p.pools[0]);
      if (!pr) return;
      pr.syncIntervalMs = p.syncIntervalMs;
      pr.lostWrites = p.lostWrites;
      p.backupService.forEach(function (d) {
        pr.backup[d.from + '>' + d.to] = { from: d.from, to: d.to, state: d.state, lagMs: d.lagMs, pending: d.pending, shipped: d.shipped };
      });
      if (!full) return;
      p.sides.forEach(function (side) {
        var pool = s.pools[side.pool];
        if (!pool) return;
        pool.poolState = side.poolState;
        if (pool.users) { pool.users.mode = side.mode; pool.users.servedBy = side.servedBy; }
      });
    });
    // one JVM: the site view; a cluster node: its own site's copy of the CMS and the Edge routes
    var site = st.site && typeof st.site === 'object' ? st.site : (st.siteServices && st.siteServices[st.site]);
    if (!full || !site || !site.cmsPool) return;
    s.cmsPool = site.cmsPool;
    s.edgeNextHops = site.edgeNextHops || {};
    s.federation = site.federationRoute || null;
    (site.siteLinks || []).forEach(function (l) {
      var k = l.sites.join('|');
      s.links[k] = { sites: l.sites.slice(), state: l.state, delayMs: l.delayMs };
    });
  }

  /** A /api/pools/{pool} answer: the routing groups where they are now. */
  function applyPool(s, answer) {
    var p = answer.pool, pool = s.pools[p.name];
    if (!pool || !pool.groups || !p.routingGroups) return;
    s.version++;
    p.routingGroups.forEach(function (x) {
      var g = pool.groups[x.id];
      if (!g) return;
      g.primary = x.primary;
      g.replicas = x.replicas.slice();
      g.epoch = x.epoch;
    });
  }

  root.PoolpairState = {
    initial: initial, apply: apply, applyStatus: applyStatus, applyPool: applyPool, groupState: groupState,
    groupsByState: groupsByState, live: live, LOG_CAP: LOG_CAP
  };
})(typeof window !== 'undefined' ? window : globalThis);
