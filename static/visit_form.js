// The visit form shows the fields of the direction chosen: an outbound group's plan, members
// and stopovers, or a received delegation's nationality, host and reception plan.
(function () {
  const direction = document.getElementById("id_direction");
  if (!direction) return;
  function show() {
    document.querySelectorAll("[data-direction]").forEach(function (block) {
      block.hidden = block.dataset.direction !== direction.value;
    });
  }
  direction.addEventListener("change", show);
  show();
})();
