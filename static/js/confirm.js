// 確認: a form with data-confirm asks before it is sent (a cancel, a deletion). Progressive
// enhancement: without JavaScript the form is sent at once, as before.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
