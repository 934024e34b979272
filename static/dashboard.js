// Copy the calendar feed address: the Clipboard API where the page may use it (HTTPS or
// localhost), else the address is selected for Ctrl+C and the user is told so.
(function () {
  "use strict";

  function report(button, text) {
    var panel = button.closest(".card-body") || document;
    var status = panel.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }

  function selectText(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
  }

  function fallback(button, input) {
    selectText(input);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    report(button, copied ? button.dataset.copiedText : button.dataset.copyFailedText);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var input = document.querySelector(button.dataset.copyTarget);
    if (!input) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () {
          selectText(input);
          report(button, button.dataset.copiedText);
        },
        function () {
          fallback(button, input);
        }
      );
    } else {
      fallback(button, input);
    }
  });

  // A click in the address selects all of it (one tap on a phone).
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-copy-source]")) selectText(event.target);
  });
})();
