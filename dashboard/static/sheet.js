// Keyboard shortcuts for the sheet; the page works the same without them.
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.sheet tbody tr'));
  var at = -1;
  function go(i) {
    if (!rows.length) return;
    if (at >= 0) rows[at].classList.remove('current');
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows[at].classList.add('current');
    rows[at].scrollIntoView({block: 'nearest'});
  }
  function inRow(sel) { return at >= 0 ? rows[at].querySelector(sel) : null; }
  document.addEventListener('keydown', function (e) {
    var t = e.target.tagName;
    if (t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA') {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var el;
    switch (e.key) {
    case 'j': go(at + 1); break;
    case 'k': go(at - 1); break;
    case 't': el = inRow('select[name=tag]'); break;
    case 'i': el = inRow('input[name=insight]'); break;
    case 'x': el = inRow('input[name=ids]'); if (el) { el.checked = !el.checked; el = null; } break;
    case 'l': el = inRow('form input[type=hidden][name=request_id]'); if (el) { el.form.submit(); el = null; } break;
    case '/': el = document.querySelector('input[name=q]'); break;
    default: return;
    }
    e.preventDefault();
    if (el) el.focus();
  });
})();
