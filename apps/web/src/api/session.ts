/** The API token lives in this tab's sessionStorage only: never in a URL, gone when the tab closes. */
const KEY = 'shinchoku.token';

export const session = {
  token: (): string | undefined => sessionStorage.getItem(KEY) ?? undefined,
  signIn: (token: string) => sessionStorage.setItem(KEY, token),
  signOut: () => sessionStorage.removeItem(KEY),
};
