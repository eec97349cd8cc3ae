// Remembers the light/dark choice in a cookie so that the server renders the right mode on the next request,
// including the statically rendered account pages. Secure on https, like every cookie Portal sets there.
export function rememberDarkMode(isDark) {
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `portal-theme=${isDark ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax${secure}`;
}
