// Remembers the light/dark choice in a cookie so that the server renders the right mode on the next request,
// including the statically rendered account pages.
export function rememberDarkMode(isDark) {
  document.cookie = `portal-theme=${isDark ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax`;
}
