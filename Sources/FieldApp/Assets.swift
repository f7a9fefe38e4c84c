import JourneyViews

/// The app's static files, compiled into the binary: a stylesheet, a little plain JavaScript for live
/// updates, and the icon. No fonts or scripts from the network, no build step.
enum Assets {
    /// A file by its path under `/assets/`, with its media type.
    static func file(named name: String) -> (body: String, contentType: String)? {
        switch name {
        case "app.css": (css, "text/css; charset=utf-8")
        case "app.js": (javascript, "text/javascript; charset=utf-8")
        case "icon.svg": (icon, "image/svg+xml")
        default: nil
        }
    }

    /// Three overlapping circles, one per discipline, on a blue tile.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b5cad"/>\
        <g fill="none" stroke="#fff" stroke-width="4"><circle cx="24" cy="26" r="12"/><circle cx="40" cy="26" r="12"/>\
        <circle cx="32" cy="40" r="12"/></g></svg>
        """

    /// Live updates: the replica announces every change over server-sent events; the page fetches itself
    /// and swaps the regions marked `data-live`, except one the professional is typing in.
    static let javascript = """
        (function () {
          "use strict";
          var timer = null;
          var events = null;
          // A region the professional is working in is left alone: focus inside it, or a field changed.
          function busy(region) {
            var active = document.activeElement;
            if (active && active !== document.body && region.contains(active)) return true;
            var fields = region.querySelectorAll("input, textarea, select");
            for (var i = 0; i < fields.length; i++) {
              var field = fields[i];
              if (field.type === "checkbox" || field.type === "radio") {
                if (field.checked !== field.defaultChecked) return true;
              } else if (field.tagName === "SELECT") {
                for (var j = 0; j < field.options.length; j++) {
                  if (field.options[j].selected !== field.options[j].defaultSelected) return true;
                }
              } else if (field.type !== "hidden" && field.value !== field.defaultValue) {
                return true;
              }
            }
            return false;
          }
          function refresh() {
            // Marked as the page's own refresh: it does not count as use, so the idle lock still comes.
            fetch(location.href, { credentials: "same-origin", cache: "no-store", headers: { "X-Samenspel-Refresh": "1" } })
              .then(function (response) {
                // Locked or wiped elsewhere: show what the server says instead of the case data.
                if (response.status === 401 || response.status === 403 || response.status === 410) { location.reload(); return null; }
                return response.ok ? response.text() : null;
              })
              .then(function (html) {
                if (!html) return;
                var fresh = new DOMParser().parseFromString(html, "text/html");
                document.querySelectorAll("[data-live]").forEach(function (region) {
                  var next = region.id ? fresh.getElementById(region.id) : null;
                  if (!next || busy(region)) return;
                  if (region.className !== next.className) region.className = next.className;
                  // The status line is a live region of its own: it changes, and is read out, only when
                  // the connection does.
                  var status = region.querySelector("[role=status]");
                  var nextStatus = status && status.id ? fresh.getElementById(status.id) : null;
                  if (status && nextStatus) {
                    if (status.innerHTML !== nextStatus.innerHTML) status.innerHTML = nextStatus.innerHTML;
                    region.querySelectorAll(":scope > :not([role=status])").forEach(function (part, index) {
                      var parts = next.querySelectorAll(":scope > :not([role=status])");
                      if (parts[index] && part.outerHTML !== parts[index].outerHTML) part.outerHTML = parts[index].outerHTML;
                    });
                  } else if (region.innerHTML !== next.innerHTML) {
                    region.innerHTML = next.innerHTML;
                  }
                });
                document.documentElement.setAttribute("data-updated", String(Date.now()));
              })
              .catch(function () {});
          }
          function schedule() {
            if (timer) return;
            timer = setTimeout(function () { timer = null; refresh(); }, 150);
          }
          // One event stream per visible tab: browsers allow only a few connections per site.
          function connect() {
            if (events || !window.EventSource || !document.querySelector("[data-live]")) return;
            events = new EventSource("/events");
            events.addEventListener("replica", schedule);
            events.addEventListener("sync", schedule);
          }
          function disconnect() {
            if (events) { events.close(); events = null; }
          }
          document.addEventListener("visibilitychange", function () {
            if (document.visibilityState === "hidden") { disconnect(); } else { connect(); schedule(); }
          });
          window.addEventListener("pagehide", disconnect);
          window.addEventListener("pageshow", function () { if (document.visibilityState !== "hidden") connect(); });
          connect();
          // Typing is use: the idle lock must not come while a note is being written (at most one
          // request every 30 s; the page's own refreshes do not count).
          var lastUse = 0;
          document.addEventListener("input", function () {
            var now = Date.now();
            if (now - lastUse < 30000) return;
            lastUse = now;
            fetch("/activity", { credentials: "same-origin", cache: "no-store" }).catch(function () {});
          });
          var summary = document.getElementById("error-summary");
          if (summary) summary.focus();
        })();

        """

    /// Colours meet WCAG 2.1 AA contrast (4.5:1 for text) on their backgrounds; state is never shown by
    /// colour alone (every badge has words); focus is always visible.
    static let css = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #4f5964; --line: #c9d1d9; --bg: #f5f7fa;
          --primary: #0b5cad; --plus: #17663a; --minus: #a4161a; --warn: #7a4a00; --box-line: #6e7781; }
        * { box-sizing: border-box; }
        html { font-size: 100%; }
        body { margin: 0; font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #fff; }
        a { color: var(--primary); text-underline-offset: 2px; }
        a:hover { text-decoration-thickness: 2px; }
        :focus-visible { outline: 3px solid #1b1f24; outline-offset: 2px; }
        header.top :focus-visible, .skip:focus-visible { outline-color: #ffd24d; }
        .skip:focus-visible { outline-color: #1b1f24; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 8px 12px; z-index: 10; }
        .skip:focus { left: 8px; }
        .visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 28px; padding: 10px 24px; background: #10294a; color: #fff; }
        header.top a, header.top .link { color: #fff; }
        .brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 1.15rem; }
        header nav ul { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; margin: 0; padding: 0; }
        header nav a { text-decoration: none; padding: 6px 2px; border-bottom: 3px solid transparent; }
        header nav a[aria-current="page"] { border-bottom-color: #fff; font-weight: 700; }
        .who { margin-left: auto; display: flex; gap: 14px; align-items: center; font-size: .95rem; }
        .count { display: inline-block; min-width: 1.5em; padding: 0 6px; border-radius: 10px; background: #fff; color: #10294a; font-size: .85em; text-align: center; font-weight: 700; }
        main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; }
        h1 { font-size: 1.8rem; margin: 12px 0 6px; } h2 { font-size: 1.3rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
        h3 { font-size: 1.05rem; margin: 18px 0 6px; }
        .small, .hint { font-size: .9rem; color: var(--muted); } .muted { color: var(--muted); }
        .banner { padding: 8px 24px; border-bottom: 1px solid var(--line); background: var(--bg); }
        .banner p { margin: 2px 0; max-width: 1180px; margin-left: auto; margin-right: auto; }
        .banner.offline { background: #fff3d6; border-color: #e0b252; } .banner.failing, .banner.wiped { background: #fde8e8; border-color: #e6a0a0; }
        .banner.online { background: #e6f4ea; border-color: #9ccfad; } .banner.syncing { background: #e7f0fb; border-color: #9fbfe6; }
        .flash { position: fixed; z-index: 20; right: 24px; bottom: 24px; max-width: min(32rem, calc(100vw - 48px)); padding: 12px 16px; border-left: 6px solid var(--plus); background: #e6f4ea; box-shadow: 0 4px 16px rgba(0,0,0,.18); border-radius: 6px; margin: 0; font-weight: 600; }
        .client-head { position: sticky; top: 0; z-index: 10; background: #fff; border-bottom: 2px solid var(--line); margin: 0 -24px; padding: 6px 24px 6px; }
        .client-title { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 24px; }
        .client-head h1 { font-size: 2rem; margin: 4px 0; color: #10294a; }
        .client-head .actions { margin: 4px 0; }
        .filter { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; margin: 2px 0; }
        .filter a { text-decoration: none; padding: 2px 2px; border-bottom: 3px solid transparent; }
        .filter a[aria-current="true"] { border-bottom-color: var(--primary); font-weight: 700; }
        h2[id], section[id], .note[id], [id^="more-"] { scroll-margin-top: 9rem; }
        .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 0 32px; }
        .goal { font-weight: 600; margin-top: 0; }
        .contact { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 4px 0; } .contact dt { font-weight: 600; display: inline; } .contact dd { display: inline; margin: 0 0 0 6px; }
        .actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 14px 0 4px; }
        .button, button { display: inline-block; font: inherit; font-weight: 600; padding: 8px 14px; border-radius: 6px; border: 2px solid var(--primary); background: #fff; color: var(--primary); cursor: pointer; text-decoration: none; line-height: 1.3; }
        button.primary, .button.primary { background: var(--primary); color: #fff; }
        button.link { border: none; background: none; padding: 0; text-decoration: underline; font-weight: 400; }
        .button:hover, button:hover { background: #e7f0fb; } button.primary:hover { background: #084a8c; }
        header.top button.link:hover { background: none; text-decoration-thickness: 2px; }
        form.inline { display: inline-flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0; }
        form.inline label { font-size: .9rem; }
        .search { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0 16px; }
        .filter-row { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 4px 16px; }
        .client-head .search { margin: 0; } .client-head .search input { min-width: 14em; padding: 4px 8px; } .client-head .search button { padding: 4px 12px; }
        .results { padding-left: 1.4em; } .results li { margin: 0 0 12px; } .results p { margin: 2px 0; }
        mark { background: #fff3a8; color: inherit; padding: 0 1px; }
        :target { outline: 3px solid var(--primary); outline-offset: 3px; scroll-margin-top: 12em; }
        input[type=text], input[type=search], textarea, select { font: inherit; padding: 7px 9px; border: 2px solid #6e7781; border-radius: 6px; background: #fff; color: var(--ink); max-width: 100%; }
        textarea { width: 100%; max-width: 48rem; }
        .field { margin: 0 0 20px; border: none; padding: 0; } .field > label, legend { display: block; font-weight: 700; margin-bottom: 4px; }
        .check { display: flex; align-items: center; gap: 8px; margin: 4px 0; } .check input { width: 1.2rem; height: 1.2rem; }
        .field.invalid { border-left: 5px solid var(--minus); padding-left: 12px; }
        .error { color: var(--minus); font-weight: 700; margin: 4px 0; }
        .error-summary { border: 4px solid var(--minus); padding: 8px 16px; margin: 12px 0 20px; } .error-summary h2 { margin-top: 4px; border: none; }
        .buttons { display: flex; gap: 16px; align-items: center; }
        form .buttons { position: sticky; bottom: 0; z-index: 5; background: #fff; border-top: 1px solid var(--line); padding: 10px 0; }
        .checks, .scores { display: flex; flex-wrap: wrap; gap: 0 22px; }
        .form-client { font-size: 1.2rem; font-weight: 700; color: #10294a; margin: 0 0 12px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid var(--line); padding: 7px 9px; text-align: left; vertical-align: top; }
        thead th { background: var(--bg); } tr.group th { background: var(--bg); text-transform: uppercase; font-size: .85rem; letter-spacing: .06em; }
        .caseload tbody th a { font-weight: 700; }
        .pill, .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .85rem; font-weight: 700; border: 1px solid currentColor; }
        .pill.high, .badge.conflict { color: var(--minus); background: #fde8e8; } .pill.medium, .badge.warn { color: var(--warn); background: #fff3d6; }
        .pending-pill, .badge.pending { color: var(--warn); background: #fff3d6; } .badge.sent { color: var(--plus); background: #e6f4ea; }
        .pill.online { color: var(--plus); background: #e6f4ea; } .pill.offline { color: var(--warn); background: #fff3d6; } .pill.failing, .pill.wiped { color: var(--minus); background: #fde8e8; }
        .signal { border-left: 6px solid #b07a00; background: #fff8e6; border-radius: 6px; padding: 8px 14px; margin: 10px 0; }
        .signal.high { border-color: var(--minus); background: #fff0ee; } .signal p { margin: 4px 0; }
        .severity { font-weight: 700; text-transform: uppercase; letter-spacing: .05em; }
        .calm { color: var(--plus); font-weight: 600; } .ack { color: var(--muted); font-style: italic; }
        \(JourneyHTMLRenderer.forceFieldStyle)
        .matrix td { width: 25%; } .matrix tr.disagree th { background: #fff8e6; }
        .score { font-size: 1.1rem; } .score.s1, .score.s2 { color: var(--minus); } .score.s4, .score.s5 { color: var(--plus); }
        .interventions li { margin: 6px 0; } .interventions li.corrective, .interventions li.normative { list-style: square; }
        .agreements p { margin: 2px 0; }
        .timeline { list-style: none; margin: 0; padding: 0; }
        .timeline .item { border-left: 6px solid var(--line); padding: 6px 14px; margin: 0 0 10px; background: #fff; }
        .timeline .item p { margin: 2px 0; } .timeline .meta { font-size: .9rem; color: var(--muted); }
        .timeline .lane-clientManager { border-color: #0b5cad; } .timeline .lane-incomeConsultant { border-color: #7a4a00; }
        .timeline .lane-accountManager { border-color: #17663a; } .timeline .lane-admin { border-color: #6e7781; }
        .lane-mark { display: inline-block; font-weight: 700; color: var(--ink); min-width: 10.5em; }
        .timeline .note .text { max-width: 52rem; } .explanation { font-size: .9rem; font-style: italic; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; margin: 12px 0; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 20px; } .facts div { display: contents; } .facts dt { font-weight: 700; } .facts dd { margin: 0; }
        .progress progress { width: 100%; max-width: 32rem; }
        .versions { background: var(--bg); padding: 8px 14px; border-radius: 6px; margin-bottom: 16px; }
        @media (max-width: 700px) { main { padding: 8px 12px 40px; } .client-head { margin: 0 -12px; padding: 4px 12px; } .who { margin-left: 0; } }
        @media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; } }

        """
}
