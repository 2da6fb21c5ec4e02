// The sheet as a spreadsheet: keys to move and edit, changes saved in place (the same forms,
// posted with fetch), the row redrawn from the server after a link, an unlink or an undo. Without
// this script every form posts and comes back to the page.
(function () {
  var sheet = document.getElementById('sheet');
  if (!sheet) return;
  var msg = sheet.dataset, status = document.getElementById('sheet-status');
  var at = null;
  function rows() { return Array.prototype.slice.call(sheet.querySelectorAll('tbody tr[data-id]')); }
  function mark(tr) {
    if (at === tr) return;
    if (at) at.classList.remove('current');
    at = tr;
    if (at) at.classList.add('current');
  }
  function go(i) {
    var rs = rows();
    if (!rs.length) return;
    mark(rs[Math.max(0, Math.min(rs.length - 1, i))]);
    at.scrollIntoView({block: 'nearest'});
  }
  function inRow(sel) { return at ? at.querySelector(sel) : null; }
  sheet.addEventListener('focusin', function (e) { var tr = e.target.closest('tr[data-id]'); if (tr) mark(tr); });
  document.addEventListener('keydown', function (e) {
    var t = e.target.tagName;
    if (t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA') {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var el, i = at ? rows().indexOf(at) : -1;
    switch (e.key) {
    case 'j': go(i + 1); break;
    case 'k': go(i - 1); break;
    case 't': el = inRow('select[name=tag]'); break;
    case 'i': el = inRow('input[name=insight]'); break;
    case 'w': el = inRow('input[name=who_benefits]'); break;
    case 'r': el = inRow('.pick-request input[name=request_id]'); break;
    case 'o': el = inRow('details'); if (el) { el.open = !el.open; el = null; } break;
    case 'x': el = inRow('input[name=ids]'); if (el) { el.checked = !el.checked; el = null; } break;
    case 'l': el = inRow('form.suggest'); if (el) { el.requestSubmit(); el = null; } break;
    case 'u': el = document.getElementById('undo'); if (el) { el.requestSubmit(); el = null; } break;
    case '/': el = document.querySelector('input[name=q]'); break;
    default: return;
    }
    e.preventDefault();
    if (el) el.focus();
  });
  if (!window.fetch || !window.FormData || !window.URLSearchParams) return;
  document.documentElement.classList.add('js');
  function post(form) {
    return fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form)), headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) throw new Error((j.error && j.error.message) || msg.failed);
          return j;
        });
      });
  }
  function row(id) {
    return fetch('/app/feedback/' + id + '/row?back=' + encodeURIComponent(location.pathname + location.search), {credentials: 'same-origin'})
      .then(function (r) { if (!r.ok) throw new Error(msg.failed); return r.text(); })
      .then(function (html) { var b = document.createElement('tbody'); b.innerHTML = html; return b.querySelector('tr'); });
  }
  // redraw puts the server's rows of ids in place; the current row stays current.
  function redraw(ids) {
    return Promise.all(ids.map(function (id) {
      return row(id).then(function (tr) {
        var old = sheet.querySelector('tr[data-id="' + id + '"]');
        if (!old || !tr) return;
        old.replaceWith(tr);
        if (old === at) { at = null; mark(tr); }
      });
    }));
  }
  function snapshot(form) { return new URLSearchParams(new FormData(form)).toString(); }
  Array.prototype.forEach.call(sheet.querySelectorAll('form.row-edit'), function (f) { f.dataset.was = snapshot(f); });
  // save sends a row's tag, insight and who-benefits when they changed; the row says it is saved.
  function save(form) {
    var now = snapshot(form), out = form.querySelector('.saved'), t0 = performance.now();
    if (form.dataset.was === undefined) form.dataset.was = '';
    if (now === form.dataset.was) return;
    out.textContent = msg.saving; out.className = 'saved';
    post(form).then(function () {
      form.dataset.was = now;
      out.textContent = msg.saved; out.className = 'saved ok';
      window.koeSaveMs = performance.now() - t0;
      var tr = form.closest('tr');
      return row(tr.dataset.id).then(function (fresh) { tr.lastElementChild.innerHTML = fresh.lastElementChild.innerHTML; });
    }).catch(function (err) { out.textContent = err.message; out.className = 'saved bad'; });
  }
  sheet.addEventListener('change', function (e) {
    var f = e.target.form;
    if (f && f.classList.contains('row-edit')) save(f);
  });
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!(f.closest('#sheet') || f.id === 'bulk' || f.id === 'undo')) return;
    e.preventDefault();
    if (f.classList.contains('row-edit')) { save(f); return; }
    var tr = f.closest('tr[data-id]');
    status.textContent = msg.saving;
    post(f).then(function (j) {
      var ids = j.ids || [];
      return redraw(ids).then(function () {
        status.textContent = f.id === 'undo' ? (ids.length ? msg.undone : msg.nothing) : msg.saved;
        if (f.id === 'bulk') Array.prototype.forEach.call(document.querySelectorAll('input[name=ids]:checked'), function (c) { c.checked = false; });
        if (tr) {
          var fresh = sheet.querySelector('tr[data-id="' + tr.dataset.id + '"]');
          var el = fresh && fresh.querySelector('.req input[name=request_id], .req button');
          if (el) el.focus();
        }
      });
    }).catch(function (err) { status.textContent = err.message; });
  });
})();
