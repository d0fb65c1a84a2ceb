import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, body } from './client';
import type { Me, SignInOptions } from './models';
import { ME_KEY } from './queries';
import { session } from './session';

/** Whether SSO is offered, and where: asked before anyone is signed in (a public route). */
export const fetchSignInOptions = () => body<SignInOptions>(api.GET('/api/v1/sign-in/options', {}));
export const useSignInOptions = () => useQuery({ queryKey: ['sign-in-options'], queryFn: fetchSignInOptions, staleTime: Infinity });

/**
 * Keeps a bearer token (an API token, or the access token SSO brought) for this tab once the API
 * has said who it is: GET /me checks it, and the pages need the answer anyway, so it is asked once.
 */
export async function acceptToken(token: string, queryClient: QueryClient): Promise<void> {
  session.signIn(token);
  try {
    queryClient.setQueryData(ME_KEY, await body<Me>(api.GET('/api/v1/me', {}), false));
  } catch (failure) {
    session.signOut();
    throw failure;
  }
}
