// The admin's canned-reply chooser: the picked reply goes into the box, to be edited before sending.
document.addEventListener("DOMContentLoaded", () => {
  const chooser = document.getElementById("id_canned");
  const box = document.getElementById("id_message");
  if (!chooser || !box) return;
  chooser.addEventListener("change", () => {
    const option = chooser.selectedOptions[0];
    if (option && option.dataset.body !== undefined) box.value = option.dataset.body;
  });
});
