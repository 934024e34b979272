// Searchable selects (Tom Select) for the selects marked by foreign_affairs/widgets.py, and
// the detail page's tab named in the address (#tab-contacts) opened on arrival.
//
// data-searchable="static": the options are the <option>s, or — for long choices such as the
// countries — the JSON list in the <script type="application/json"> right after the select.
// data-searchable="remote": only the selected records are <option>s; the others are loaded
// from data-autocomplete-url (?q=…&page=…, 20 a page, {"results": [{id, text}], "more"}).
// Multiple selects are tags with a remove button. Texts come translated in data-text-*.
// Lists re-render <main> through htmx: new content is set up again on htmx:load.
(function () {
  "use strict";

  function escape(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function renderTexts(select) {
    const data = select.dataset;
    return {
      no_results: function () {
        return '<div class="no-results">' + escape(data.textNoResults) + "</div>";
      },
      loading: function () {
        return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">' +
          escape(data.textLoading) + "</span></div>";
      },
      loading_more: function () {
        return '<div class="loading-more-results py-2 d-flex align-items-center"><div class="spinner-border spinner-border-sm me-2" aria-hidden="true"></div>' +
          escape(data.textMore) + "</div>";
      },
      no_more_results: function () {
        return "";
      },
    };
  }

  function baseSettings(select) {
    const multiple = select.multiple;
    const settings = {
      plugins: {},
      maxOptions: null,
      allowEmptyOption: false,
      placeholder: select.dataset.textPlaceholder,
      hidePlaceholder: !multiple,
      render: renderTexts(select),
      closeAfterSelect: !multiple,
      onItemAdd: function () {
        if (multiple) {
          this.setTextboxValue("");
        } else {
          // A value picked in a single select closes the list, also when the virtual scroll
          // plugin (remote records) would keep it open.
          const self = this;
          window.setTimeout(function () {
            self.close();
          }, 0);
        }
      },
    };
    if (multiple) {
      settings.plugins.remove_button = { title: select.dataset.textRemove, label: "×" };
    }
    return settings;
  }

  function staticSettings(select) {
    const settings = baseSettings(select);
    const next = select.nextElementSibling;
    if (next && next.tagName === "SCRIPT" && next.type === "application/json") {
      // Long choices: every one of them, in their own order, from the JSON list.
      settings.options = JSON.parse(next.textContent).map(function (pair, index) {
        return { value: pair[0], text: pair[1], $order: index };
      });
    }
    settings.searchField = ["text", "value"]; // a country by its name or its code ("NZ")
    settings.sortField = [{ field: "$score", direction: "desc" }, { field: "$order" }];
    return settings;
  }

  function remoteSettings(select) {
    const settings = baseSettings(select);
    const url = select.dataset.autocompleteUrl;
    settings.plugins.virtual_scroll = {};
    settings.valueField = "id";
    settings.labelField = "text";
    settings.searchField = [];
    settings.preload = "focus";
    settings.maxOptions = 500;
    // The server has matched and ordered the records: show them as they come.
    settings.score = function () {
      return function () {
        return 1;
      };
    };
    settings.firstUrl = function (query) {
      return url + "?" + new URLSearchParams({ q: query, page: "1" }).toString();
    };
    settings.load = function (query, callback) {
      const address = this.getUrl(query);
      const self = this;
      fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [], more: false };
        })
        .then(function (json) {
          if (json.more) {
            const next = new URL(address, window.location.href);
            next.searchParams.set("page", String(Number(next.searchParams.get("page") || 1) + 1));
            self.setNextUrl(query, next.pathname + next.search);
          }
          callback(json.results || []);
        })
        .catch(function () {
          callback();
        });
    };
    return settings;
  }

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") return;
    const kind = select.dataset.searchable;
    const settings = kind === "remote" ? remoteSettings(select) : staticSettings(select);
    new window.TomSelect(select, settings);
  }

  function setUpAll(root) {
    const scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("select[data-searchable]")) setUp(scope);
    scope.querySelectorAll("select[data-searchable]").forEach(setUp);
  }

  // The tab named in the address (#tab-contacts) opens on arrival, and a tab opened by the
  // user is written back to the address, so that returning from a child form shows it again.
  function openTabFromAddress() {
    const hash = window.location.hash;
    if (!/^#tab-[\w-]+$/.test(hash) || !window.bootstrap) return;
    const button = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + hash + '"]');
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }

  document.addEventListener("shown.bs.tab", function (event) {
    const target = event.target.getAttribute("data-bs-target") || "";
    if (/^#tab-[\w-]+$/.test(target)) {
      history.replaceState(history.state, "", target === "#tab-details" ? window.location.pathname + window.location.search : target);
    }
  });
  window.addEventListener("hashchange", openTabFromAddress);

  setUpAll(document);
  openTabFromAddress();
  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.detail && event.detail.elt);
  });
  // htmx keeps a copy of the page for the back button: keep the plain selects in it, not Tom
  // Select's generated markup (which would be set up a second time when the copy comes back).
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) select.tomselect.destroy();
    });
  });
})();
