// Account actions (sign up, log in, log out, change password) as mutation functions for
// useMutation; each answers what the route answers or throws an ApiError.
import { apiRequest } from '../api-client';

export interface Credentials {
  username: string;
  password: string;
}

export interface SignedIn {
  username: string;
  admin: boolean;
}

export const signup = (c: Credentials) => apiRequest<SignedIn>('POST', '/api/auth/signup', c);
export const login = (c: Credentials) => apiRequest<SignedIn>('POST', '/api/auth/login', c);
export const logout = () => apiRequest<{ ok: true }>('POST', '/api/auth/logout', {});
export const changePassword = (body: { current: string; next: string }) => apiRequest<{ ok: true }>('POST', '/api/auth/password', body);
