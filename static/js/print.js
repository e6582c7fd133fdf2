// A 印刷 button on printable pages; hidden without JavaScript (the browser's print still works).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
