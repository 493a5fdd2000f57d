// The API page (templates/api/page.html): copying a new key, and one language for every example.
// A file, not inline code: the pages' CSP allows scripts from 'self' only.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons show only where the page may write the clipboard (https, or localhost).
  if (navigator.clipboard && window.isSecureContext) {
    for (const button of document.querySelectorAll("button[data-copy]")) {
      const source = document.getElementById(button.dataset.copy);
      if (!source) continue;
      const label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(source.textContent.trim());
          button.textContent = button.dataset.copied || label;
        } catch {
          button.textContent = "Select the key and copy it";
        }
        window.setTimeout(() => { button.textContent = label; }, 3000);
      });
    }
  }

  // The language buttons open that language's example in every form and close the others.
  const chooser = document.querySelector(".example-languages");
  if (!chooser) return;
  const buttons = chooser.querySelectorAll("button[data-language]");
  const show = (language) => {
    for (const button of buttons) {
      button.setAttribute("aria-pressed", String(button.dataset.language === language));
    }
    for (const example of document.querySelectorAll("details[data-language]")) {
      example.open = example.dataset.language === language;
    }
  };
  for (const button of buttons) {
    button.addEventListener("click", () => {
      show(button.dataset.language);
      try { window.localStorage.setItem("api-example-language", button.dataset.language); } catch {}
    });
  }
  let kept = null;
  try { kept = window.localStorage.getItem("api-example-language"); } catch {}
  if (kept && [...buttons].some((button) => button.dataset.language === kept)) show(kept);
  chooser.hidden = false;
});
