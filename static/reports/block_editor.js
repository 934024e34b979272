// The block editor of a report body (reports/block_forms.py): move, delete and add blocks,
// add and remove table rows and columns in the page. After every change each input is renamed
// after its place (<prefix>-<i>-kind, -order, -text, -rows, -cols, -cell-<r>-<c>) and the count
// is set, so the server reads the blocks in the order shown. Without this script the same form
// works with its position inputs, delete boxes and size inputs.
(function () {
  "use strict";

  const MERGE_LEFT = "<";
  const MERGE_UP = "^";

  function init(editor) {
    const prefix = editor.dataset.prefix;
    const list = editor.querySelector(".block-list");
    const count = editor.querySelector(".block-count");
    const maxRows = Number(editor.dataset.maxRows);
    const maxColumns = Number(editor.dataset.maxColumns);
    editor.classList.add("js");

    function cards() {
      return Array.from(list.children).filter(function (el) {
        return el.hasAttribute("data-block");
      });
    }

    function fromTemplate(kind) {
      const selector = 'template.block-template[data-kind="' + (kind === "table" ? "table" : "paragraph") + '"]';
      return editor.querySelector(selector).content.firstElementChild.cloneNode(true);
    }

    function rowsOf(card) {
      const table = card.querySelector(".block-grid");
      return table ? Array.from(table.tBodies[0].rows) : [];
    }

    function gridOf(card) {
      return rowsOf(card).map(function (tr) {
        return Array.from(tr.querySelectorAll(".block-cell")).map(function (input) {
          return input.value;
        });
      });
    }

    function markMerged(input, row, column) {
      const value = input.value.trim();
      const title =
        value === MERGE_LEFT && column > 0 ? editor.dataset.mergeLeft
        : value === MERGE_UP && row > 0 ? editor.dataset.mergeUp
        : "";
      input.classList.toggle("block-merged", title !== "");
      if (title) input.title = title;
      else input.removeAttribute("title");
    }

    function newCell(value) {
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.type = "text";
      input.className = "form-control form-control-sm block-cell";
      input.value = value || "";
      td.appendChild(input);
      return td;
    }

    function fillGrid(card, grid) {
      const body = card.querySelector(".block-grid").tBodies[0];
      body.replaceChildren();
      grid.forEach(function (row) {
        const tr = document.createElement("tr");
        row.forEach(function (value) {
          tr.appendChild(newCell(value));
        });
        body.appendChild(tr);
      });
    }

    // Mirrors text_to_grid / grid_to_text of reports/block_forms.py.
    function textToGrid(text) {
      const lines = text.split("\n").map(function (line) {
        return line.trim();
      }).filter(Boolean).slice(0, maxRows);
      if (!lines.length) return [["", "", ""], ["", "", ""], ["", "", ""]];
      const rows = lines.map(function (line) {
        return line.split("\t").map(function (cell) {
          return cell.trim();
        }).slice(0, maxColumns);
      });
      const width = Math.max.apply(null, rows.map(function (row) { return row.length; }));
      return rows.map(function (row) {
        while (row.length < width) row.push("");
        return row;
      });
    }

    function gridToText(grid) {
      return grid.map(function (row) {
        return row.map(function (cell) {
          return cell.trim();
        }).filter(function (cell) {
          return cell && cell !== MERGE_LEFT && cell !== MERGE_UP;
        }).join(" ");
      }).filter(Boolean).join("\n");
    }

    function setKind(card, kind) {
      const wasTable = card.querySelector(".block-grid") !== null;
      card.dataset.kind = kind;
      card.querySelector(".block-kind").value = kind;
      if (kind === "table" && !wasTable) {
        const text = card.querySelector(".block-text").value;
        card.querySelector(".block-content").replaceWith(fromTemplate("table").querySelector(".block-content"));
        fillGrid(card, textToGrid(text));
      } else if (kind !== "table" && wasTable) {
        const text = gridToText(gridOf(card));
        card.querySelector(".block-content").replaceWith(fromTemplate("paragraph").querySelector(".block-content"));
        card.querySelector(".block-text").value = text;
      }
      const textarea = card.querySelector(".block-text");
      if (textarea) textarea.rows = kind === "paragraph" ? 4 : 2;
    }

    function isEmpty(card) {
      return Array.from(card.querySelectorAll(".block-text, .block-cell")).every(function (input) {
        return input.value.trim() === "";
      });
    }

    function renumber() {
      const all = cards();
      all.forEach(function (card, i) {
        const base = prefix + "-" + i + "-";
        const label = editor.dataset.blockLabel.replace("{n}", i + 1);
        card.setAttribute("aria-label", label);
        card.querySelector(".block-number").textContent = label;
        card.querySelector(".block-kind").name = base + "kind";
        const order = card.querySelector(".block-order");
        order.name = base + "order";
        order.value = i + 1;
        card.querySelector(".block-delete").name = base + "delete";
        const text = card.querySelector(".block-text");
        if (text) text.name = base + "text";
        const rows = rowsOf(card);
        if (card.querySelector(".block-grid")) {
          const columns = rows.length ? rows[0].cells.length : 0;
          rows.forEach(function (tr, r) {
            Array.from(tr.querySelectorAll(".block-cell")).forEach(function (input, c) {
              input.name = base + "cell-" + r + "-" + c;
              input.setAttribute("aria-label", editor.dataset.cellLabel.replace("{row}", r + 1).replace("{column}", c + 1));
              markMerged(input, r, c);
            });
          });
          const rowsInput = card.querySelector(".block-rows");
          rowsInput.name = base + "rows";
          rowsInput.value = rows.length;
          const columnsInput = card.querySelector(".block-columns");
          columnsInput.name = base + "cols";
          columnsInput.value = columns;
          card.querySelector('[data-action="add-row"]').disabled = rows.length >= maxRows;
          card.querySelector('[data-action="add-column"]').disabled = columns >= maxColumns;
          card.querySelector('[data-action="remove-row"]').disabled = rows.length <= 1;
          card.querySelector('[data-action="remove-column"]').disabled = columns <= 1;
        }
        card.querySelector('[data-action="up"]').disabled = i === 0;
        card.querySelector('[data-action="down"]').disabled = i === all.length - 1;
      });
      count.value = all.length;
    }

    function addBlock(after, kind) {
      const card = fromTemplate(kind);
      setKind(card, kind);
      if (after) after.after(card);
      else list.appendChild(card);
      renumber();
      const first = card.querySelector(".block-text, .block-cell");
      if (first) first.focus();
    }

    const actions = {
      up: function (card) {
        const previous = card.previousElementSibling;
        if (previous) list.insertBefore(card, previous);
      },
      down: function (card) {
        const next = card.nextElementSibling;
        if (next) list.insertBefore(next, card);
      },
      delete: function (card) {
        if (!isEmpty(card) && !window.confirm(editor.dataset.confirmDelete)) return;
        card.remove();
        if (!cards().length) addBlock(null, "paragraph");
      },
      add: function (card) {
        const kind = card.querySelector(".block-add-kind");
        addBlock(card, kind.value);
        kind.value = "paragraph";
      },
      "add-row": function (card) {
        const rows = rowsOf(card);
        if (rows.length >= maxRows) return;
        const columns = rows.length ? rows[0].cells.length : 1;
        const tr = document.createElement("tr");
        for (let c = 0; c < columns; c += 1) tr.appendChild(newCell(""));
        card.querySelector(".block-grid").tBodies[0].appendChild(tr);
      },
      "add-column": function (card) {
        const rows = rowsOf(card);
        if (rows.length && rows[0].cells.length >= maxColumns) return;
        rows.forEach(function (tr) {
          tr.appendChild(newCell(""));
        });
      },
      "remove-row": function (card) {
        const rows = rowsOf(card);
        if (rows.length <= 1) return;
        const last = rows[rows.length - 1];
        const filled = Array.from(last.querySelectorAll(".block-cell")).some(function (input) {
          return input.value.trim() !== "";
        });
        if (filled && !window.confirm(editor.dataset.confirmRow)) return;
        last.remove();
      },
      "remove-column": function (card) {
        const rows = rowsOf(card);
        if (!rows.length || rows[0].cells.length <= 1) return;
        const lasts = rows.map(function (tr) {
          return tr.cells[tr.cells.length - 1];
        });
        const filled = lasts.some(function (td) {
          return td.querySelector(".block-cell").value.trim() !== "";
        });
        if (filled && !window.confirm(editor.dataset.confirmColumn)) return;
        lasts.forEach(function (td) {
          td.remove();
        });
      },
    };

    editor.addEventListener("click", function (event) {
      const button = event.target.closest("[data-action]");
      if (!button || !editor.contains(button)) return;
      const card = button.closest("[data-block]");
      const action = actions[button.dataset.action];
      if (!card || !action) return;
      action(card);
      renumber();
      // A moved card loses the focus in some browsers: give it back to the button pressed.
      const moved = button.dataset.action === "up" || button.dataset.action === "down";
      if (moved && !button.disabled) button.focus();
    });

    editor.addEventListener("change", function (event) {
      if (event.target.classList.contains("block-kind")) {
        setKind(event.target.closest("[data-block]"), event.target.value);
        renumber();
      }
    });

    editor.addEventListener("input", function (event) {
      const input = event.target;
      if (!input.classList.contains("block-cell")) return;
      const td = input.closest("td");
      markMerged(input, td.parentElement.rowIndex, td.cellIndex);
    });

    const form = editor.closest("form");
    if (form) form.addEventListener("submit", renumber);
    renumber();
  }

  document.querySelectorAll(".block-editor[data-prefix]").forEach(init);
})();
