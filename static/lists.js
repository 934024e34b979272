// Lists (issue 11): the row's detail toggle without :has() support, and the full text of a
// cell cut with an ellipsis as its tooltip. Delegated on the document: htmx swaps <main>.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("row-toggle-input")) return;
    var row = input.closest("tr");
    if (row) row.classList.toggle("is-open", input.checked);
  });
  document.addEventListener("mouseover", function (event) {
    var cell = event.target.closest && event.target.closest(".list-table td.col-text");
    if (!cell || cell.hasAttribute("title")) return;
    if (cell.scrollWidth > cell.clientWidth) cell.setAttribute("title", cell.textContent.trim());
  });
})();
