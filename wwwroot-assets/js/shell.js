// The static app shell (Components/Layout/AppShell.razor): the navigation drawer, the current link in the menu, the
// light/dark switch and the organization switcher's menu. The shell is rendered on the server and held by no circuit,
// so these run in the browser. Handlers are delegated from the document because enhanced navigation replaces the
// shell's elements.
(() => {
  "use strict";
  // MudBlazor's responsive drawer at "md": beside the content from 960px, over it (with an overlay) below.
  const small = window.matchMedia("(max-width: 959.98px)");
  const byId = id => document.getElementById(id);

  function isDrawerOpen() {
    const drawer = byId("portal-drawer");
    if (!drawer) return false;
    // As rendered: open beside the content on a wide screen; hidden by MudBlazor's CSS on a small one.
    if (drawer.classList.contains("mud-drawer--initial")) return !small.matches;
    return drawer.classList.contains("mud-drawer--open");
  }

  function setDrawerOpen(open) {
    const drawer = byId("portal-drawer");
    if (!drawer) return;
    drawer.classList.remove("mud-drawer--initial");
    drawer.classList.toggle("mud-drawer--open", open);
    drawer.classList.toggle("mud-drawer--closed", !open);
    byId("portal-layout")?.classList.toggle("mud-drawer-open-responsive-md-left", open);
    const overlay = byId("portal-drawer-overlay");
    if (overlay) overlay.hidden = !(open && small.matches);
    byId("portal-drawer-toggle")?.setAttribute("aria-expanded", String(open));
  }

  // NavLink's rule, as NavMenu.razor applies it on the server: "all" matches the path, "prefix" also what is below it.
  function markCurrentLink() {
    const path = (location.pathname.replace(/\/+$/, "") || "/").toLowerCase();
    for (const link of document.querySelectorAll("#portal-nav a[data-match]")) {
      const href = link.getAttribute("href").toLowerCase();
      const current = path === href || (link.dataset.match === "prefix" && path.startsWith(href + "/"));
      link.classList.toggle("active", current);
      if (current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  function rememberDarkMode(isDark) {
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `portal-theme=${isDark ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax${secure}`;
  }

  // Applies the other mode's stylesheet (both are loaded, ThemeStyles.razor) and remembers the choice for the server.
  function switchTheme(form) {
    const sheets = document.querySelectorAll("link[data-palette]");
    if (sheets.length !== 2) return false;
    const mode = form.querySelector("input[name=mode]");
    const nowDark = mode.value === "dark";
    for (const sheet of sheets) sheet.media = (sheet.dataset.palette === "dark") === nowDark ? "all" : "not all";

    mode.value = nowDark ? "light" : "dark";
    const button = form.querySelector("button");
    button.setAttribute("aria-label", nowDark ? button.dataset.labelDark : button.dataset.labelLight);
    form.querySelector("[data-theme-icon=light]").hidden = nowDark;
    form.querySelector("[data-theme-icon=dark]").hidden = !nowDark;
    rememberDarkMode(nowDark);
    return true;
  }

  // The organization switcher (Layout/OrganizationSwitcher.razor) is a <details> menu: it closes as other menus do.
  function closeOrganizationMenus(except) {
    for (const menu of document.querySelectorAll("details[data-org-switcher][open]")) {
      if (menu !== except) menu.open = false;
    }
  }

  document.addEventListener("click", event => {
    if (!(event.target instanceof Element)) return;
    closeOrganizationMenus(event.target.closest("details[data-org-switcher]"));
    if (event.target.closest("#portal-drawer-toggle")) setDrawerOpen(!isDrawerOpen());
    else if (event.target.closest("#portal-drawer-overlay")) setDrawerOpen(false);
    else if (event.target.closest("#portal-nav a") && small.matches) setDrawerOpen(false);
  });

  document.addEventListener("keydown", event => {
    if (event.key !== "Escape") return;
    const menu = document.querySelector("details[data-org-switcher][open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    } else if (small.matches && isDrawerOpen()) setDrawerOpen(false);
  });

  document.addEventListener("submit", event => {
    if (!(event.target instanceof Element)) return;
    const form = event.target.closest("form[data-theme-toggle]");
    if (form && switchTheme(form)) event.preventDefault();
    // The app bar was rendered with the page first loaded; the circuit may have moved on to another since.
    const returnUrl = event.target.closest("form[data-return-here]")?.querySelector("input[name=returnUrl]");
    if (returnUrl) returnUrl.value = location.pathname + location.search;
  });

  small.addEventListener("change", () => setDrawerOpen(!small.matches));

  // Navigation inside a circuit changes the address without a new page from the server.
  if (window.navigation) window.navigation.addEventListener("currententrychange", markCurrentLink);
  else window.addEventListener("popstate", markCurrentLink);
  byId("portal-drawer-toggle")?.setAttribute("aria-expanded", String(isDrawerOpen()));
})();
