// Dashboard niceties on top of htmx: the phone menu, and closing search results when looking elsewhere.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".nav-toggle");
  if (toggle) {
    const nav = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.setAttribute("aria-expanded", nav.classList.toggle("open"));
  }
  if (!event.target.closest(".search")) {
    document.querySelectorAll(".search-results").forEach((results) => { results.innerHTML = ""; });
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    document.querySelectorAll(".search-results").forEach((results) => { results.innerHTML = ""; });
  }
});
